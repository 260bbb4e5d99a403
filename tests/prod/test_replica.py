"""The read-replica router: reads of the pages under REPLICA_PATHS go to the replica,
everything else (writes, sessions, users, import jobs) to the primary. Here the replica
is a second connection to the test database, as DATABASE_REPLICA_URL would make it."""

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chqs.routers import ReplicaRouter, replica_reads
from personnel.models import Person
from units.models import Unit, User

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def replica(settings):
    """A "replica" connection to the same database (it sees committed data only, like a
    real replica), made the way DATABASE_REPLICA_URL would make it."""
    primary = connections["default"].settings_dict
    wrapper = load_backend(primary["ENGINE"]).DatabaseWrapper({**primary}, alias="replica")
    connections["replica"] = wrapper
    settings.REPLICA_DATABASE = "replica"
    yield wrapper
    wrapper.close()
    del connections["replica"]


def test_without_a_replica_every_read_stays_on_the_primary(world):
    with replica_reads():
        assert ReplicaRouter().db_for_read(Unit) == "default"


def test_reads_inside_the_context_go_to_the_replica_and_writes_to_the_primary(world, replica):
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Unit) == "replica"
        assert router.db_for_read(User) is None  # a login must see the latest password
        assert router.db_for_write(Unit) == "default"
        with CaptureQueriesContext(replica) as on_replica:
            names = set(Unit.objects.values_list("code", flat=True))

    assert {"P", "A1", "A2"} <= names and len(on_replica) == 1
    assert router.db_for_read(Unit) is None  # outside the block: the primary


def test_a_page_under_replica_paths_reads_its_data_from_the_replica(
    world, client_for, replica, settings
):
    settings.REPLICA_PATHS = [reverse("personnel:roster")]
    client = client_for(world.staff)
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(reverse("personnel:roster"))

    assert response.status_code == 200
    replica_tables = " ".join(q["sql"] for q in on_replica)
    primary_tables = " ".join(q["sql"] for q in on_primary)
    assert Person._meta.db_table in replica_tables and Unit._meta.db_table in replica_tables
    assert "django_session" in primary_tables and "django_session" not in replica_tables
    assert "units_user" not in replica_tables


def test_a_post_under_replica_paths_stays_on_the_primary(world, client_for, replica, settings):
    settings.REPLICA_PATHS = ["/"]
    client = client_for(world.staff)
    with CaptureQueriesContext(replica) as on_replica:
        client.post(reverse("logout"))

    assert len(on_replica) == 0
