"""gunicorn for CHQS: `gunicorn -c deploy/gunicorn.conf.py chqs.wsgi`.

Behind nginx on the same host (deploy/nginx/chqs.conf): listens on loopback only, so
X-Forwarded-Proto can only come from nginx. Every value can be changed through the
environment file (/etc/chqs/chqs.env) without editing this file.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threads: a request mostly waits on PostgreSQL; two threads per process keep the CPU
# busy with fewer processes (memory). Measured in bench/RESULTS.md ("Production").
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# A 20 MB upload on a slow intranet link is read by nginx first (request buffering),
# so 120 s covers the slowest page (a large PDF) with room to spare.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle processes now and then: a long-lived Python process only grows.
max_requests = 2000
max_requests_jitter = 200
# Load Django once, before forking: faster start, shared memory pages.
preload_app = True
forwarded_allow_ips = "127.0.0.1"
# journald (systemd) keeps and rotates the logs; GUNICORN_ACCESSLOG="" turns them off.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "chqs-web"
