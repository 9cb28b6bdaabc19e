"""Compile the translation catalogues (``locale/*/LC_MESSAGES/*.po``) to ``.mo`` files.

Django's own ``compilemessages`` needs GNU gettext's ``msgfmt``, which a
newcomer's machine may lack; this needs only ``polib`` from PyPI, so
``make run`` and ``make test`` can build the ``.mo`` files anywhere. The
``.mo`` files are build output (``.gitignore``): only the ``.po`` files are
kept in git.

A catalogue is compiled only when its ``.po`` is newer than its ``.mo``,
so running this on every ``make`` costs nothing. Fuzzy entries are left out,
as ``msgfmt`` leaves them out; the i18n tests fail on any anyway.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogues() -> list[Path]:
    """Return every ``.po`` file under the project's ``LOCALE_PATHS``."""
    return sorted(
        po for locale in settings.LOCALE_PATHS for po in Path(locale).glob("*/LC_MESSAGES/*.po")
    )


def compile_catalogue(po_path: Path, *, force: bool = False) -> bool:
    """Write the ``.mo`` beside the ``.po``; return True if it was (re)written."""
    mo_path = po_path.with_suffix(".mo")
    if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        return False
    try:
        catalogue = polib.pofile(str(po_path), check_for_duplicates=True)
    except (OSError, ValueError) as error:
        raise CommandError(f"{po_path}: {error}") from error
    catalogue.save_as_mofile(str(mo_path))
    return True


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po to .mo with polib (no gettext needed)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Compile every catalogue, even unchanged ones."
        )

    def handle(self, *args, force=False, **options):
        found = catalogues()
        compiled = [po for po in found if compile_catalogue(po, force=force)]
        for po in compiled:
            self.stdout.write(f"compiled {po.relative_to(settings.BASE_DIR)}")
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"{len(compiled)} of {len(found)} catalogues compiled, the rest were up to date."
            )
