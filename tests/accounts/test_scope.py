"""Area scope: a user never sees or changes anything outside their area."""

import pytest
from django.core.exceptions import PermissionDenied

from siaga.accounts.scope import area_contains, narrower_area, readable_area
from siaga.regions import selectors
from siaga.regions.models import Tps


@pytest.mark.parametrize("area,code,inside", [
    ("", "74.01.04.2001", True),
    ("74", "74.01.04.2001", True),
    ("74.01", "74.01", True),
    ("74.01", "74.01.04", True),
    ("74.01", "74.010", False),     # a prefix of digits is not containment
    ("74.01", "74.02.01", False),
    ("74.01", "74", False),         # the parent is outside a child's scope
    ("74.01.04.2001", "74.01.04.2002", False),
])
def test_area_contains(area, code, inside):
    assert area_contains(area, code) is inside


def test_polres_user_sees_only_its_kabkota(user):
    kolaka = user("polres.kolaka")
    assert kolaka.area_code == "74.01"
    visible = selectors.tps_list(viewer=kolaka)
    assert visible.count() == Tps.objects.filter(kabkota_code="74.01").count() > 0
    assert set(visible.values_list("kabkota_code", flat=True).distinct()) == {"74.01"}
    # Asking for another kab/kota gives nothing rather than widening the scope.
    assert selectors.tps_list(viewer=kolaka, area="74.02").count() == 0
    assert selectors.tps_list(viewer=kolaka, area="74").count() == visible.count()


def test_polda_user_sees_the_province(user):
    polda = user("intelkam")
    assert selectors.tps_list(viewer=polda).count() == Tps.objects.filter(province_code="74").count()


def test_region_get_outside_area_is_not_found(user):
    from django.http import Http404

    kolaka = user("polres.kolaka")
    assert selectors.region_get(viewer=kolaka, code="7401").code == "74.01"
    with pytest.raises(Http404):
        selectors.region_get(viewer=kolaka, code="74.02")
    with pytest.raises(Http404):
        selectors.region_get(viewer=kolaka, code="74")


def test_tps_get_outside_area_is_not_found(user):
    from django.http import Http404

    other = Tps.objects.filter(kabkota_code="74.02").first()
    with pytest.raises(Http404):
        selectors.tps_get(viewer=user("polres.kolaka"), pk=other.pk)
    assert selectors.tps_get(viewer=user("intelkam"), pk=other.pk) == other


def test_narrower_area_refuses_widening(user):
    kolaka = user("polres.kolaka")
    assert narrower_area(kolaka, None) == "74.01"
    assert narrower_area(kolaka, "74.01.04") == "74.01.04"
    with pytest.raises(PermissionDenied):
        narrower_area(kolaka, "74")


def test_readable_area_is_the_viewers_part_of_a_wider_area(user):
    kolaka, polda = user("polres.kolaka"), user("intelkam")
    assert [readable_area(kolaka, a) for a in ("74", "", "74.01", "74.01.04")] == ["74.01", "74.01", "74.01", "74.01.04"]
    assert [readable_area(polda, a) for a in ("74", "", "74.01")] == ["74", "74", "74.01"]
