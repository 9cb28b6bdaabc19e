"""Django's ``migrate``, after adopting the history of the User model's first home.

Why it exists: the User model was first the project package's (app label
``secondshot``) and is now ``accounts.User``, in the same table
(``Meta.db_table``) and built by the same migrations, moved to ``accounts``.
A database made before the move records those migrations as ``secondshot``'s,
so Django's own ``migrate`` finds the other apps' migrations applied before
their dependency ``accounts.0001_initial`` and refuses to run, before any
signal a migration could use. This command first adopts that history, then
runs Django's ``migrate`` unchanged:

- each ``secondshot`` row of ``django_migrations`` is copied to ``accounts``
  (the old rows stay: Django skips rows of an app it does not know);
- the content types of app ``secondshot`` are renamed to ``accounts``, so the
  permissions hanging off them (the Support group's "view user"), the admin's
  history and every row pointing at them keep their meaning.

Both in one transaction, and only what is missing: on a new database, or one
already adopted, it changes nothing. ``make run`` and every deployment run
``migrate``, so nobody has to remember a step.
"""

from django.core.management.commands import migrate
from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder

OLD_LABEL = "secondshot"
NEW_LABEL = "accounts"


def adopt_old_history(connection) -> tuple[int, int]:
    """Copy the old label's migration rows and rename its content types to the new label.

    Returns how many migration rows were copied and content types renamed.
    """
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return 0, 0
    with transaction.atomic(using=connection.alias):
        applied = recorder.migration_qs.using(connection.alias)
        adopted = set(applied.filter(app=NEW_LABEL).values_list("name", flat=True))
        missing = [row for row in applied.filter(app=OLD_LABEL) if row.name not in adopted]
        applied.bulk_create(
            recorder.Migration(app=NEW_LABEL, name=row.name, applied=row.applied) for row in missing
        )
        renamed = _rename_content_types(connection) if missing else 0
    return len(missing), renamed


def _rename_content_types(connection) -> int:
    if "django_content_type" not in connection.introspection.table_names():
        return 0
    from django.contrib.contenttypes.models import ContentType

    types = ContentType.objects.db_manager(connection.alias)
    taken = set(types.filter(app_label=NEW_LABEL).values_list("model", flat=True))
    renamed = types.filter(app_label=OLD_LABEL).exclude(model__in=taken).update(app_label=NEW_LABEL)
    types.clear_cache()
    return renamed


class Command(migrate.Command):
    help = (
        "Adopt the migration history of the User model's first home (app secondshot) "
        "as accounts', then update the database schema as Django's migrate does."
    )

    def handle(self, *args, **options):
        copied, renamed = adopt_old_history(connections[options["database"]])
        if copied and options["verbosity"] >= 1:
            self.stdout.write(
                f"Adopted {copied} migrations and {renamed} content types of app "
                f"{OLD_LABEL!r} as {NEW_LABEL!r}."
            )
        return super().handle(*args, **options)
