"""Sessions that stay alive while they are used, written at most every few minutes.

A session ends after SESSION_COOKIE_AGE idle seconds. Django keeps one alive by saving
it on every request (SESSION_SAVE_EVERY_REQUEST): a database write and a commit per page
view, the busiest write of the whole application under load. This middleware saves a
signed-in user's session only when its last save is older than SESSION_REFRESH_SECONDS,
so the idle limit (8 hours) is kept to within those few minutes.
"""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

REFRESHED = "_chqs_refreshed"


class SessionRefreshMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated:
            return response  # nobody signed in (or just signed out): nothing to keep
        now = int(time.time())
        if now - session.get(REFRESHED, 0) >= settings.SESSION_REFRESH_SECONDS:
            session[REFRESHED] = now  # modified: SessionMiddleware saves it, expiry renewed
        return response


@receiver(user_logged_in)
def _login_refreshes(sender, request, user, **kwargs) -> None:
    """A login saves the session anyway: it counts as its refresh (no second write on
    the first page after it)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[REFRESHED] = int(time.time())
