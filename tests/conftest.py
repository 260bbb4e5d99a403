import pytest

from tests.personas import make_world


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def client_for(client):
    """Log a persona in (force_login: the login form and its throttling have own tests)."""

    def login(user):
        client.force_login(user)
        return client

    return login
