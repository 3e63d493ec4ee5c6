from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from luotsi.api.models import ApiToken


class Command(BaseCommand):
    help = "Create an API token for a professional. The token is printed once, as the last line."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with the user name {username!r}.")
        token, value = ApiToken.issue(user, name)
        expires = timezone.localtime(token.expires_at)
        self.stdout.write(f"Created an API token for {username}. Store it now; it is not shown again.")
        self.stdout.write(f"It expires on {expires:%Y-%m-%d %H:%M %Z} ({expires.isoformat()}), "
                          f"{settings.API_TOKEN_DAYS} days from now; {username} can revoke it "
                          "at /account/api-tokens/.")
        self.stdout.write(value)
