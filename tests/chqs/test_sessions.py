"""A session in use stays alive (8 idle hours), saved every few minutes, not per request."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chqs.sessions import REFRESHED

pytestmark = pytest.mark.django_db


def session_writes(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(
        1
        for q in queries.captured_queries
        if q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"]
    )


def stored(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_page_views_within_the_refresh_window_write_no_session(world, client_for):
    client = client_for(world.staff)  # the login counts as the session's refresh
    assert session_writes(client, reverse("home")) == 0
    assert session_writes(client, reverse("home")) == 0
    assert session_writes(client, reverse("personnel:roster")) == 0


def test_a_session_used_after_the_window_is_renewed_for_eight_more_hours(world, client_for):
    client = client_for(world.staff)
    client.get(reverse("home"))
    session = client.session
    session[REFRESHED] -= settings.SESSION_REFRESH_SECONDS + 1  # its last save, long ago
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + dt.timedelta(minutes=2)
    )
    assert session_writes(client, reverse("home")) == 1
    left = stored(client).expire_date - timezone.now()
    assert left > dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_a_session_idle_past_its_age_is_signed_out(world, client_for):
    client = client_for(world.staff)
    client.get(reverse("home"))
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_an_anonymous_visit_stores_no_session(client):
    client.get(reverse("login"))
    assert Session.objects.count() == 0


def test_the_signed_in_user_is_read_with_their_unit_in_one_query(world, django_assert_num_queries):
    from units.auth import UserBackend

    with django_assert_num_queries(1):
        user = UserBackend().get_user(world.staff.pk)
        assert user.unit.kind.name == world.staff.unit.kind.name
    world.staff.is_active = False
    world.staff.save()
    assert UserBackend().get_user(world.staff.pk) is None
