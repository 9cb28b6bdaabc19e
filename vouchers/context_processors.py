from .models import change_cutoff_hours


def portal(request):
    """What every portal page may mention: the SS-10 cut-off in hours."""
    return {"change_cutoff_hours": change_cutoff_hours()}
