"""The read-replica router's decisions (the real standby is exercised in tests/e2e/test_read_replica.py)."""

import pytest
from django.contrib.sessions.models import Session
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from siaga import readreplica
from siaga.accounts.models import User
from siaga.readreplica import Freshness, ReadReplicaRouter, ReplicaState, choose, lsn_value
from siaga.regions.models import Tps
from siaga.web.context import read_from_label

UP = ReplicaState(up=True, lag=0.4, replayed=lsn_value("1/2000"))


@pytest.mark.parametrize("state, wrote, expected", [
    (None, 0, Freshness("default", None, "down")),  # never looked at (or no answer yet)
    (ReplicaState(False, None, 0), 0, Freshness("default", None, "down")),
    (ReplicaState(True, None, 5), 0, Freshness("default", None, "lagging")),  # nothing replayed yet: lag unknown
    (ReplicaState(True, 5.5, 5), 0, Freshness("default", 5.5, "lagging")),  # past the 5 s bound
    (ReplicaState(True, 5.0, 5), 0, Freshness("replica", 5.0)),  # on the bound
    (UP, lsn_value("1/2001"), Freshness("default", 0.4, "own_write")),  # the viewer's change is not replayed yet
    (UP, lsn_value("1/2000"), Freshness("replica", 0.4)),  # replayed up to the viewer's change
    (UP, 0, Freshness("replica", 0.4)),  # a viewer who changed nothing
])
def test_choose(state, wrote, expected):
    assert choose(state, max_lag=5.0, wrote=wrote) == expected


@given(st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1)),
       st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1)))
def test_wal_positions_order_as_postgresql_orders_them(a, b):
    text = [f"{high:X}/{low:X}" for high, low in (a, b)]
    assert (lsn_value(text[0]) < lsn_value(text[1])) == (a < b)
    assert (lsn_value(text[0]) == lsn_value(text[1])) == (a == b)


@pytest.fixture
def reading():
    def set_to(choice):
        return readreplica._reading.set(choice)

    tokens = []
    yield lambda choice: tokens.append(set_to(choice))
    for token in reversed(tokens):
        readreplica._reading.reset(token)


def test_router_sends_replica_page_reads_to_the_replica_outside_a_write(reading):
    router = ReadReplicaRouter()
    assert router.db_for_read(Tps) == "default"  # not a replica page
    reading(Freshness("replica", 0.2))
    assert router.db_for_read(Tps) == "replica"
    # Sessions, sign-in throttling and accounts (roles, scope, tokens) are never a moment behind.
    assert router.db_for_read(Session) == "default" and router.db_for_read(User) == "default"
    assert router.db_for_write(Tps) == "default"
    reading(Freshness("default", 9.0, "lagging"))
    assert router.db_for_read(Tps) == "default"


@pytest.mark.django_db
def test_router_keeps_reads_inside_a_transaction_on_the_primary(reading):
    # pytest-django runs this test inside a transaction on the primary: a read inside a write.
    reading(Freshness("replica", 0.2))
    assert ReadReplicaRouter().db_for_read(Tps) == "default"


def test_only_the_primary_is_migrated():
    router = ReadReplicaRouter()
    assert router.allow_migrate("default", "regions") and not router.allow_migrate("replica", "regions")


def test_pages_say_where_their_figures_come_from(reading):
    assert read_from_label() == ""  # not a replica page, or no replica: nothing to say
    with translation.override("id"):
        for choice, text in [
            (Freshness("replica", 0.24), "Data dari replika basis data, tertinggal 0,2 detik"),
            (Freshness("default", None, "down"), "Data dari basis data utama: replika tidak menjawab"),
            (Freshness("default", 12.0, "lagging"), "Data dari basis data utama: replika tertinggal 12,0 detik"),
            (Freshness("default", 0.1, "own_write"), "Data dari basis data utama, termasuk perubahan Anda yang terakhir"),
        ]:
            reading(choice)
            assert read_from_label() == text
    assert Freshness("replica", 0.24).header == "replica; lag=0.2"
    assert Freshness("default", 12.0, "lagging").header == "primary; reason=lagging; lag=12.0"
