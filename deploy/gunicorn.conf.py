"""gunicorn for CHQS: `gunicorn -c deploy/gunicorn.conf.py chqs.wsgi`.

Behind nginx on the same host (deploy/nginx/chqs.conf): listens on loopback only, so
X-Forwarded-Proto can only come from nginx. Every value can be changed through the
environment file (/etc/chqs/chqs.env) without editing this file.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One process per core, four threads each: the processes use the cores (one Python
# thread runs at a time in a process), the threads fill the waits on PostgreSQL. Fewer,
# bigger processes also share more of the per-process cache (chqs/versions.py: the
# dashboards, the roster's counts and pages): on the 2-core VM, 2 x 4 spent 33 ms of
# CPU per request of the load drill where 4 x 2 spent 41 (bench/RESULTS.md, "load").
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A 20 MB upload on a slow intranet link is read by nginx first (request buffering),
# so 120 s covers the slowest page (a large PDF) with room to spare.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle processes now and then: a long-lived Python process only grows. Not too
# often: a new process starts with an empty cache (its local-memory cache is bounded by
# CACHES' MAX_ENTRIES); at 2.000 a busy process restarted every ~2 minutes.
max_requests = 10000
max_requests_jitter = 1000
# Load Django once, before forking: faster start, shared memory pages.
preload_app = True
forwarded_allow_ips = "127.0.0.1"
# journald (systemd) keeps and rotates the logs; GUNICORN_ACCESSLOG="" turns them off.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "chqs-web"
