"""Every app's pages default to the same area (regions.selectors.page_area): the one asked for, else the
viewer's own, else for a national viewer the first province they see."""

import pytest

from siaga.accounts.models import Role, User
from siaga.regions.selectors import page_area

pytestmark = pytest.mark.django_db


def _areas(client):
    """The area shown by the risk map, the command page and the personnel page."""
    risk = client.get("/kerawanan/").context["region"]
    return {"risk": risk.code if risk else "", "operations": client.get("/operasi/").context["area"],
            "deployment": client.get("/personel/").context["area"]}


def test_a_national_viewer_lands_on_the_first_province_on_every_page(client):
    national = User.objects.create(username="nasional", role=Role.ADMIN, area_code="")
    assert page_area(viewer=national) == "74"  # the demo loads Sulawesi Tenggara only
    client.force_login(national)
    assert _areas(client) == {"risk": "74", "operations": "74", "deployment": "74"}


def test_a_polres_lands_on_its_own_area_and_a_requested_area_wins(user, client_as):
    assert _areas(client_as("polres.kolaka")) == {"risk": "74.01", "operations": "74.01", "deployment": "74.01"}
    assert page_area(viewer=user("polres.kolaka"), requested=" 74.01.01 ") == "74.01.01"
