"""Error reports and logs carry no personal data: a real Sentry-compatible endpoint on loopback
receives the event of a failing request; the JSON log lines carry ids only."""

from __future__ import annotations

import gzip
import http.client
import io
import json
import logging
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from wsgiref.simple_server import WSGIRequestHandler, make_server

import brotli
import pytest
import sentry_sdk
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config import urls as project_urls
from config.observability import init_sentry
from luotsi.common.logs import LuotsiJsonFormatter

PERSONAL = ("Virtanen", "010101-123N", "Maija")


@csrf_exempt
def failing_view(request):
    """Fails with a client's data in its local variables, as a bug deep in a service would."""
    client_name = request.POST.get("name")  # noqa: F841 - a local the report must not carry
    identity_code = request.POST.get("hetu")  # noqa: F841
    raise RuntimeError("plan rendering failed")


def fine_view(request):
    return HttpResponse("ok")


# Luotsi's own routes too: the error pages (a refused CSRF check among them) link to them.
urlpatterns = [path("boom/", failing_view), path("fine/", fine_view), *project_urls.urlpatterns]


class _Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            body = brotli.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        type(self).received.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_endpoint():
    """A loopback HTTP server acting as the DSN's host; yields (dsn, received envelopes)."""
    _Collector.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://publickey@127.0.0.1:{server.server_port}/1", _Collector.received
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.mark.urls(__name__)
def test_error_report__arrives_without_personal_data(sentry_endpoint):
    """A request fails through the WSGI application (as under gunicorn) with a client's data in
    its query string, body, cookies, Authorization header and the view's local variables."""
    dsn, received = sentry_endpoint
    init_sentry(dsn, environment="test")
    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)
        connection.request(
            "POST", "/boom/?q=Virtanen+010101-123N", body="name=Maija+Virtanen&hetu=010101-123N",
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "X-Request-ID": "req-sentry-test-01",
                     "Authorization": "Bearer secret-token-value",
                     "Cookie": "luotsi_language=fi; csrftoken=Virtanen-cookie-value"})
        assert connection.getresponse().status == 500
        connection.close()
        sentry_sdk.flush(timeout=10)
    finally:
        server.shutdown()
        server.server_close()
        sentry_sdk.get_client().close()
        sentry_sdk.init()  # no DSN: reporting off again for the rest of the run
    assert received, "no event reached the DSN host"
    envelope = b"\n".join(received).decode()
    event = next(json.loads(line) for line in envelope.splitlines()
                 if line.startswith("{") and '"exception"' in line)
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["exception"]["values"][-1]["value"] == "plan rendering failed"
    assert event["request"]["method"] == "POST"
    assert event["request"]["url"].endswith("/boom/")
    assert event["request"]["headers"]["X-Request-Id"] == "req-sentry-test-01"
    for value in (*PERSONAL, "secret-token-value", "cookie-value", "q=Virtanen"):
        assert value not in envelope, value
    assert "user" not in event and "cookies" not in event["request"]
    assert "data" not in event["request"] and "query_string" not in event["request"]


def test_error_report__scrubber_drops_user_and_frame_variables():
    """What the Django integration adds for a signed-in professional never leaves the process."""
    from config.observability import scrub_event

    event = {"user": {"id": "7", "username": "alice", "email": "alice@example.fi"},
             "request": {"url": "https://luotsi.example.fi/people/?q=Virtanen", "method": "GET",
                         "cookies": {"sessionid": "x"}, "data": {"name": "Maija"},
                         "query_string": "q=Virtanen",
                         "headers": {"Cookie": "sessionid=x", "Authorization": "Bearer t",
                                     "User-Agent": "Firefox", "X-Request-Id": "r1"}},
             "breadcrumbs": {"values": [{"category": "query", "data": {"params": ["Virtanen"]}}]},
             "exception": {"values": [{"stacktrace": {"frames": [{"vars": {"name": "Maija"}}]}}]}}
    scrubbed = scrub_event(event)
    assert "Virtanen" not in json.dumps(scrubbed) and "Maija" not in json.dumps(scrubbed)
    assert "user" not in scrubbed and "breadcrumbs" not in scrubbed
    assert scrubbed["request"] == {"url": "https://luotsi.example.fi/people/", "method": "GET",
                                   "headers": {"User-Agent": "Firefox", "X-Request-Id": "r1"}}


@pytest.mark.urls(__name__)
def test_json_log_line__carries_request_and_professional_ids_only(alice):
    """Read from the configured console handler itself (JSON formatter, context filter)."""
    console = next(handler for handler in logging.getLogger().handlers
                   if isinstance(handler.formatter, LuotsiJsonFormatter))
    written = io.StringIO()
    # Swapped directly: setStream would flush the old stream, which an earlier test's output
    # capture may have closed.
    original, console.stream = console.stream, written
    try:
        browser = Client()
        browser.force_login(alice)
        response = browser.get("/nothing-here/?q=Virtanen+010101-123N",
                               HTTP_X_REQUEST_ID="req-log-test-0001")
    finally:
        console.stream = original
    assert response.status_code == 404
    output = written.getvalue()
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    matching = [record for record in records if record.get("request_id") == "req-log-test-0001"]
    assert matching, output
    record = matching[0]
    assert record["level"] == "WARNING" and record["logger"] == "django.request"
    assert record["message"] == "Not Found: /nothing-here/"
    assert record["user_id"] == str(alice.pk)
    for value in (*PERSONAL, alice.username, alice.last_name):
        assert value not in output, value
