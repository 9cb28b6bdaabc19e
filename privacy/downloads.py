"""The export as a file to download: one JSON document, dates in ISO 8601."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse


def json_download(data: dict) -> HttpResponse:
    """Return the person's data as an attachment named with the day it was exported."""
    day = data["exported_at"].date().isoformat()
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="second-shot-data-{day}.json"'
    response["Cache-Control"] = "no-store"
    return response
