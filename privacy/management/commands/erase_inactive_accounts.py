"""Erase the accounts inactive for PRIVACY_RETENTION_YEARS: run daily (docs/privacy.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from privacy import retention, services
from privacy.errors import Refused


class Command(BaseCommand):
    help = (
        "Erase the candidates' accounts that have had no activity and no live voucher for "
        "PRIVACY_RETENTION_YEARS (default 3). Run it with --dry-run first: it prints which "
        "accounts it would erase and why, and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be erased; erase nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        # Accounts are named by their number only: this output ends up in the logs.
        now = timezone.now()
        years = settings.PRIVACY_RETENTION_YEARS
        since = retention.inactive_since(now)
        due = retention.inactive_accounts(at=now)
        self.stdout.write(
            f"{len(due)} account{'' if len(due) == 1 else 's'} with no activity since "
            f"{since:%Y-%m-%d} ({years} years) and no live voucher."
        )
        erased = 0
        for account in due:
            person = account.person
            signed_in = f"{person.last_login:%Y-%m-%d}" if person.last_login else "never"
            why = (
                f"account #{person.pk}: joined {person.date_joined:%Y-%m-%d}, "
                f"last signed in {signed_in}, last activity {account.last_activity:%Y-%m-%d}"
            )
            if dry_run:
                self.stdout.write(f"  would erase {why}")
                continue
            try:
                services.erase_person(
                    person=person,
                    actor=None,
                    details={
                        "retention_years": years,
                        "last_activity": account.last_activity.isoformat(),
                    },
                    now=now,
                )
            except Refused as refusal:
                self.stdout.write(f"  kept {why}: {refusal.message}")
            else:
                erased += 1
                self.stdout.write(f"  erased {why}")
        if dry_run:
            self.stdout.write("Dry run: nothing was erased.")
        else:
            self.stdout.write(f"Erased {erased} account{'' if erased == 1 else 's'}.")
