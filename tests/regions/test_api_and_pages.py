"""Scope holds through the JSON API and the pages, not only in selectors."""

import pytest

from siaga.regions.models import Tps


def test_api_regions_top_follows_the_area(client_as):
    assert [r["code"] for r in client_as("intelkam").get("/api/regions").json()] == ["74"]


def test_api_children_and_detail_outside_area_are_404(client_as):
    c = client_as("polres.kolaka")
    assert len(c.get("/api/regions/74.01/children").json()) == 12
    assert c.get("/api/regions/74.02").status_code == 404
    assert c.get("/api/regions/7402/children").status_code == 404
    assert c.get("/api/regions/74/boundaries").status_code == 404


def test_api_tps_list_is_scoped_and_paginated(client_as):
    body = client_as("polres.kolaka").get("/api/tps?limit=5").json()
    assert body["count"] == Tps.objects.filter(kabkota_code="74.01").count()
    assert len(body["items"]) == 5
    assert all(item["desa_id"].startswith("74.01.") for item in body["items"])
    other = Tps.objects.filter(kabkota_code="74.02").first()
    assert client_as("polres.kolaka").get(f"/api/tps/{other.code}").status_code == 404
    assert client_as("intelkam").get(f"/api/tps/{other.code}").json()["voters"] == other.voters
    # Pages are bounded: a huge limit or an offset past what the database can count is refused, not a 500.
    c = client_as("intelkam")
    assert c.get("/api/tps?limit=1000").status_code == 200
    assert [c.get(f"/api/tps?{q}").status_code for q in ("limit=1001", "offset=99999999999999999999",
                                                          "limit=0")] == [422, 422, 422]


def test_api_boundaries_are_geojson(client_as):
    response = client_as("intelkam").get("/api/regions/74/boundaries")
    assert response["Content-Type"] == "application/geo+json"
    features = response.json()["features"]
    assert len(features) == 17
    assert {f["properties"]["kode"] for f in features} >= {"74.01", "74.71"}


def test_api_points_only_inside_area(client_as):
    features = client_as("polres.kolaka").get("/api/tps/points?area=74").json()["features"]
    assert features and all(f["properties"]["kode"].startswith("7401") for f in features)


def test_openapi_schema_is_served(client_as):
    schema = client_as("intelkam").get("/api/openapi.json").json()
    assert "/api/tps" in schema["paths"]


@pytest.mark.parametrize("url", ["/wilayah/74.02/", "/tps/?wilayah=74.02"])
def test_pages_outside_area(client_as, url):
    response = client_as("polres.kolaka").get(url)
    if response.status_code == 200:   # a list page: empty rather than an error
        assert "7402" not in response.content.decode()
    else:
        assert response.status_code == 404


def test_tps_detail_page_outside_area_is_404(client_as):
    other = Tps.objects.filter(kabkota_code="74.02").first()
    assert client_as("polres.kolaka").get(f"/tps/{other.pk}/").status_code == 404
    assert client_as("intelkam").get(f"/tps/{other.pk}/").status_code == 200


def test_pages_render_in_indonesian_by_default_and_english_on_request(client_as):
    c = client_as("intelkam")
    assert "Daftar TPS" in c.get("/wilayah/74/").content.decode()
    c.cookies["django_language"] = "en"
    assert "TPS list" in c.get("/wilayah/74/").content.decode()
