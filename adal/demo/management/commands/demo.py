from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from adal.cases.tasks import schedule_sweep
from adal.core.models import Unit, User
from adal.demo.oral import build_oral_reports
from adal.demo.retaliation import build_retaliation
from adal.demo.retention import build_retention
from adal.demo.scenario import (
    build_accounts,
    build_domains,
    build_history,
    build_routing,
    build_unit_staff,
    build_units,
)
from adal.hotline.receipts import receipt_format


class Command(BaseCommand):
    help = "Load the demo scenario into an empty database and print the demo accounts and receipts."

    def add_arguments(self, parser):
        parser.add_argument("--reports", type=int, default=60, help="number of hotline reports (default 60)")

    def handle(self, *args, reports, **options):
        if Unit.objects.exists() or User.objects.exists():
            raise CommandError("the database already has data: the demo loads into a fresh database only")
        with transaction.atomic():
            units = build_units()
            accounts = build_accounts(units)
            build_routing(units)
            by_role = {u.role: u for u in User.objects.filter(username__in=[a.username for a in accounts])}
            staff = build_unit_staff(units, by_role)
        receipts = build_history(staff=staff, count=reports)
        build_retention(staff=staff)
        build_retaliation(staff=staff, receipts=receipts)
        receipts = build_oral_reports(staff=staff) + receipts  # printed first: their inboxes have transcripts
        build_domains(units)
        schedule_sweep()
        self._print(accounts, receipts, units)

    def _print(self, accounts, receipts, units):
        w = self.stdout.write
        w(f"\nDemo loaded: {len(units)} units, {len(accounts)} staff accounts, {len(receipts)} reports.\n")
        w("Staff accounts, to sign in at http://127.0.0.1:8000/staff/login/. The code is the TOTP of the")
        w("secret: from an authenticator app, or `./dev manage totp_code USERNAME`.")
        w(f"  {'username':<20} {'password':<18} {'TOTP secret':<34} role / unit")
        for a in accounts:
            w(f"  {a.username:<20} {a.password:<18} {a.totp_secret:<34} {a.role} / {a.unit}")
        w("\nSome receipts to open a reporter's inbox at http://127.0.0.1:8000/inbox/:")
        for r in [*receipts[:6], *(r for r in receipts[6:] if r.note)]:
            note = f"; {r.note}" if r.note else ""
            w(f"  {r.registration_number}  {receipt_format(r.receipt)}  ({r.language}, {r.channel}{note})")
        w("")
