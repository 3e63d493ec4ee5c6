"""``manage.py create_admin USERNAME``: the county's first (break-glass) administrator.

Makes an administrator (role ``admin``, superuser, staff) with a password from a prompt or
``--password-file``, checked by the password rules, and its second factor at once: the
authenticator's enrolment (the otpauth URI and its secret) and ten recovery codes are printed
once, here only. An existing user name is refused and nothing is changed. The creation is written
to the access log and the ``luotsi.security`` log.
"""

from __future__ import annotations

import getpass
import logging
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from luotsi.organisation import audit, second_factor
from luotsi.organisation.backends import MAX_PASSWORD_LENGTH, MAX_USERNAME_LENGTH
from luotsi.organisation.models import Role

security_log = logging.getLogger("luotsi.security")


class Command(BaseCommand):
    help = ("Create an administrator (role admin, superuser, staff) with a password and print "
            "the two-step verification enrolment (otpauth URI, secret) and recovery codes once.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password-file", type=Path,
                            help="Read the password from the first line of this file instead "
                                 "of asking it.")
        parser.add_argument("--email", default="", help="The administrator's e-mail address.")

    def handle(self, *args, username: str, password_file: Path | None, email: str, **options):
        User = get_user_model()
        if not username or len(username) > MAX_USERNAME_LENGTH or any(
                ch.isspace() or not ch.isprintable() for ch in username):
            raise CommandError(f"The user name must be 1 to {MAX_USERNAME_LENGTH} characters "
                               "without spaces or control characters.")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A professional with the user name {username!r} already "
                               "exists; nothing was changed. Choose another user name (an "
                               "administrator resets an existing account's two-step "
                               "verification in the admin).")
        password = self._password(password_file)
        candidate = User(username=username, email=email, role=Role.ADMIN)
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            raise CommandError("The password was refused: " + " ".join(exc.messages)) from exc

        with transaction.atomic():
            user = User.objects.create_superuser(username, email or None, password,
                                                 role=Role.ADMIN)
            enrolment, codes = second_factor.enrol_confirmed(user)
            changes = [*audit.describe_changes(None, audit.snapshot(user)),
                       "two-step verification enrolled by manage.py create_admin"]
            audit.professional_access_changed.send(
                sender=type(user), actor=None, professional=user, created=True, changes=changes,
                source="create_admin")
        security_log.warning("Administrator created with create_admin", extra={
            "event": "administrator_created", "user": user.pk})

        write = self.stdout.write
        write(f"Created the administrator {username} (role admin, superuser, staff).")
        write("")
        write("Two-step verification: add this account to an authenticator app now. Either "
              "open this otpauth URI in the app (or make a QR code of it):")
        write(f"  {enrolment.uri}")
        write("or type this secret into the app (a time-based key; spaces do not matter):")
        write(f"  {enrolment.secret_groups}")
        write("")
        write("Recovery codes: each signs in once without the app. Store them apart from the "
              "app; they are not shown again:")
        for code in codes:
            write(f"  {code}")
        write("")
        write(f"Sign in at /login/ or /admin/ as {username}: after the password Luotsi asks a "
              "code from the app.")

    def _password(self, password_file: Path | None) -> str:
        if password_file is not None:
            try:
                text = password_file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"Cannot read the password file {password_file}: "
                                   f"{exc}") from exc
            password = text.splitlines()[0] if text else ""
            if not password:
                raise CommandError(f"The password file {password_file} has no password on its "
                                   "first line.")
        else:
            if not sys.stdin.isatty():
                raise CommandError("No terminal to ask the password on: give it with "
                                   "--password-file.")
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password again: "):
                raise CommandError("The passwords differ; nothing was changed.")
        if len(password) > MAX_PASSWORD_LENGTH:
            raise CommandError(f"The password is longer than {MAX_PASSWORD_LENGTH} characters.")
        return password
