"""Shared fixtures: the real reference data, a database with Sultra loaded once per session, users."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("SIAGA_SHARED_DATA", REPO.parent / "shared" / "data"))
E2E = REPO / "tests" / "e2e"


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups off the markers
def pytest_collection_modifyitems(config, items):
    """The browser, fault and soak tests (tests/e2e) start servers on databases of their own (the embedded
    SQLite default, or PostgreSQL databases made for them) and restart services: one xdist group, so one
    worker runs them one after another while the other worker runs the rest."""
    for item in items:
        if E2E in item.path.parents:
            item.add_marker(pytest.mark.xdist_group("processes"))
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
