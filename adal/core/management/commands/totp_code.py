import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from adal.core.models import User


class Command(BaseCommand):
    help = "Demo only: print the current second-factor code of a staff account."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not settings.ADAL_DEMO:
            raise CommandError("totp_code works only in the demo (ADAL_DEMO=1)")
        user = User.objects.filter(username=username).first()
        if user is None or not user.totp_secret:
            raise CommandError(f"no account {username!r} with a second factor")
        self.stdout.write(pyotp.TOTP(user.totp_secret).now())
