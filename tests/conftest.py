"""Shared fixtures: the real reference data, a database with Sultra loaded once per session, users."""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Tests never fail on wall-clock time: no per-example deadline, and no "too slow" health check, which a busy
# 2-core machine (two xdist workers beside PostgreSQL) trips on data generation that is fast on its own.
settings.register_profile("siaga", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("siaga")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("SIAGA_SHARED_DATA", REPO.parent / "shared" / "data"))
E2E = REPO / "tests" / "e2e"
# Tests that one xdist worker runs together, in collection order. "processes": the browser, fault and soak
# tests start servers on databases of their own and restart Redis and PostgreSQL, so one demo server and one
# browser run at a time and no other test uses Redis while a fault test stops it. "fresh_home": the second
# test reads what the first loaded.
SERIAL_GROUPS = {
    "processes": ("tests/e2e/", "tests/operations/test_live_and_reports.py::test_redis_broker"),
    "fresh_home": ("tests/cli/test_every_command.py::test_regions_load_",),
}


def pytest_xdist_make_scheduler(config, log):
    """Like `--dist load` (each test goes to the next free worker), except the serial groups above, each
    sent whole to one worker; the biggest goes first. (xdist's own `loadgroup` mode reads a node id that
    pytest 9 no longer lets it change.)"""
    from xdist.scheduler import LoadScopeScheduling

    class SerialGroups(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return next((group for group, prefixes in SERIAL_GROUPS.items() if nodeid.startswith(prefixes)),
                        nodeid)

    return SerialGroups(config, log)


def pytest_collection_modifyitems(config, items):
    """The tests under tests/e2e run Siaga in processes of their own, on databases of their own."""
    for item in items:
        if E2E in item.path.parents:
            item.add_marker(pytest.mark.own_database)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    assert (SHARED_DATA / "hierarchy" / "provinces.csv").is_file(), f"reference data missing at {SHARED_DATA}"
    return SHARED_DATA


@pytest.fixture(scope="session", autouse=True)
def _siaga_home(tmp_path_factory):
    """Keep caches and exports of the test run out of the user's ~/.siaga."""
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        return  # pure tests run with `-p no:django`
    from django.conf import settings

    settings.SIAGA_HOME = tmp_path_factory.mktemp("siaga_home")
    # Sign-ins in tests need not resist brute force; the production hasher costs ~0.3 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, shared_data):
    """The demo database (Sultra with boundaries, agencies, users, TPS and every app's demo data), once."""
    from siaga.cli import cli_actor
    from siaga.regions.loader import regions_load
    from siaga.web.commands import DEMO_PROVINCE, DEMO_SEED, demo_prepare

    with django_db_blocker.unblock():
        actor = cli_actor()
        regions_load(source=str(shared_data), provinces={DEMO_PROVINCE}, actor=actor)
        demo_prepare(actor=actor, province_code=DEMO_PROVINCE, seed=DEMO_SEED)


@pytest.fixture
def user(db):
    """Users of the demo by name: user('polres.kolaka')."""
    from siaga.accounts.models import User

    return lambda username: User.objects.get(username=username)


@pytest.fixture
def client_as(client, user):
    """A Django test client signed in as a demo user."""

    def sign_in(username):
        client.force_login(user(username))
        return client

    return sign_in
