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


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0,3 s per persona; the tests check behaviour, not PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    # Each process keeps values keyed by data versions (chqs.versions); a test database
    # rolled back between tests returns to the same version numbers with other data.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
