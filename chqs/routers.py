"""Reads for reports and dashboards on the read replica; everything else on the primary.

One rule, easy to reason about: a read goes to the replica only inside
`replica_reads()` — a context entered by `ReplicaReadsMiddleware` for GET/HEAD
requests whose path starts with one of `settings.REPLICA_PATHS` (the reports, by
default), or by code that wraps a read-only job in it. Writes always go to the primary,
and so do the reads of records that must be fresh right after a write (sessions, users
and login throttling, import jobs, the task queue). Without DATABASE_REPLICA_URL
`settings.REPLICA_DATABASE` is "default" and the router changes nothing; tests run
with it installed all the same.

A replica lags its primary by a moment: a page under REPLICA_PATHS may show a change
made a second ago one second later. Nothing that writes belongs there.
"""

import contextlib
import contextvars

from django.conf import settings

_replica = contextvars.ContextVar("chqs_replica_reads", default=False)

# Reads that must see the latest write, whatever page they happen on.
PRIMARY_ONLY_APPS = {"sessions", "auth", "contenttypes", "admin", "axes", "django_tasks_db"}
PRIMARY_ONLY_MODELS = {"units.user", "chqs.importjob"}


@contextlib.contextmanager
def replica_reads():
    """Send the reads made inside this block to the read replica (when there is one)."""
    token = _replica.set(True)
    try:
        yield
    finally:
        _replica.reset(token)


def reading_from_replica() -> bool:
    return _replica.get()


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _replica.get():
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        if model._meta.label_lower in PRIMARY_ONLY_MODELS:
            return None
        return settings.REPLICA_DATABASE

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: objects from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary by replication; never migrate it directly.
        return db == "default"


class ReplicaReadsMiddleware:
    """Wraps GET/HEAD requests to `settings.REPLICA_PATHS` in `replica_reads()`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path.startswith(
            tuple(settings.REPLICA_PATHS)
        ):
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)
