"""``manage.py demo_logins``: the demo logins, their roles and teams, and where to sign in."""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from luotsi.demo import data


class Command(BaseCommand):
    help = "Print the demo logins (demo mode only)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST") or "127.0.0.1",
                            help="host the server listens on (default: HOST or 127.0.0.1)")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000),
                            help="port the server listens on (default: PORT or 8000)")

    def handle(self, *args, **options) -> None:
        if not settings.DEMO_MODE:
            self.stderr.write("Demo mode is off (LUOTSI_DEMO is not set): the demo logins do not "
                              "work here, and none are listed.")
            return
        order = {login.username: index for index, login in enumerate(data.LOGINS)}
        users = sorted(
            get_user_model().objects.filter(is_demo=True).prefetch_related("teams"),
            key=lambda user: (order.get(user.username, len(order)), user.username),
        )
        if not users:
            self.stdout.write("No demo logins yet: run manage.py seed_demo --scale small.")
            return
        rows = [("login", "name", "role", "title", "teams")]
        rows += [(user.username, user.get_full_name(), user.role, user.title,
                  ", ".join(sorted(team.code for team in user.teams.all())) or "—")
                 for user in users]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        self.stdout.write("")
        for index, row in enumerate(rows):
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths,
                                                                                 strict=True)).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
        self.stdout.write("")
        url = f"http://{options['host']}:{options['port']}"
        self.stdout.write(f"Sign in at {url}  —  password: {data.DEMO_PASSWORD}")
        self.stdout.write(f"A client's own view (My Luotsi): {url}/oma/demo/  —  pick a test "
                          "identity, a demo client with a plan")
        self.stdout.write("")
