"""Gunicorn's configuration for Luotsi's production server (docs/operations.md).

Run after `manage.py migrate` and `manage.py collectstatic --noinput`:

    .venv/bin/gunicorn -c config/gunicorn.conf.py config.wsgi

Every value comes from the environment; the defaults suit one server behind the county's TLS proxy.
"""

import os

# Address to listen on: LUOTSI_BIND (host:port, or unix:/run/luotsi.sock), else 127.0.0.1:$PORT.
bind = [os.environ.get("LUOTSI_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"]
# Worker processes: LUOTSI_WORKERS, else 2 × CPU cores + 1 (gunicorn's advice for sync workers).
workers = int(os.environ.get("LUOTSI_WORKERS") or (2 * (os.cpu_count() or 1) + 1))
worker_class = "sync"
# Threads per worker (gthread when above 1): LUOTSI_THREADS.
threads = int(os.environ.get("LUOTSI_THREADS") or 1)
# A request taking longer than this is killed (the worker restarts); PDF exports are the slowest.
timeout = int(os.environ.get("LUOTSI_REQUEST_TIMEOUT") or 60)
graceful_timeout = int(os.environ.get("LUOTSI_GRACEFUL_TIMEOUT") or 30)
keepalive = 5
# Recycle workers now and then (a little jitter so they do not all restart at once).
max_requests = int(os.environ.get("LUOTSI_MAX_REQUESTS") or 2000)
max_requests_jitter = 200
# Load the application before forking: a configuration error stops the server at start.
preload_app = True
# No gunicorn access log: its lines carry query strings, which can hold search terms (names,
# identity codes). Django's own logs are JSON on stdout with the request id and the professional's
# id (config/settings.py); the county's proxy keeps the access log it needs.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LUOTSI_LOG_LEVEL", "info").lower()
# The TLS-terminating proxy in front may set X-Forwarded-Proto (see LUOTSI_BEHIND_TLS_PROXY);
# only trust it from these addresses.
forwarded_allow_ips = os.environ.get("LUOTSI_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "luotsi"
