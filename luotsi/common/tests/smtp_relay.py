"""A real SMTP server on loopback (aiosmtpd) for the outbox's tests, with answers set per address.

``relay.plan[address] = ["451 4.3.0 Try again later", ...]`` answers the next RCPTs for that
address in turn (then accepts); ``relay.refuse_always[address] = "550 ..."`` refuses it every
time. Accepted messages are in ``relay.received`` as (recipients, message bytes).
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Relay:
    port: int = 0
    plan: dict[str, list[str]] = field(default_factory=dict)
    refuse_always: dict[str, str] = field(default_factory=dict)
    received: list[tuple[list[str], bytes]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_always:
            return self.refuse_always[address]
        answers = self.plan.get(address)
        if answers:
            return answers.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_relay(settings) -> Iterator[Relay]:
    """The SMTP server, and Luotsi's mail settings pointed at it. The server's own INFO lines
    (a connection opened or lost) are left out: its thread may write one after the test's
    output capture has closed, which logging reports as an error of its own."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    relay = Relay(port=free_port())
    controller = Controller(relay, hostname="127.0.0.1", port=relay.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = relay.port
    settings.EMAIL_TIMEOUT = 5
    try:
        yield relay
    finally:
        controller.stop()
