"""The region hierarchy as loaded from the real reference data."""

import json
from pathlib import Path


from siaga.regions.loader import default_source, regions_load
from siaga.regions.models import Region, RegionGeometry
from siaga.regions.selectors import region_stats


def test_sultra_counts(user):
    stats = region_stats(viewer=user("intelkam"), province="74")
    assert list(stats)[:4] == ["kabkota", "kecamatan", "desa", "desa_with_geometry"]
    assert (stats["kabkota"], stats["kecamatan"], stats["desa"], stats["desa_with_geometry"]) == (17, 221, 2285, 2283)
    assert (stats["kota"], stats["kelurahan"]) == (2, 377)


def test_national_load_counts(db, shared_data):
    """The whole country (the session database holds only Sultra); rolled back after the test."""
    result = regions_load(source=str(shared_data))
    assert result["unchanged"] == 1 + 17 + 221 + 2285
    counts = {level: Region.objects.filter(level=level).count() for level in (1, 2, 3, 4)}
    assert counts == {1: 38, 2: 514, 3: 7285, 4: 83762}


def test_desa_without_geometry_is_kept(db):
    for code in ("74.02.18.1001", "74.71.04.1021"):
        desa = Region.objects.get(code=code)
        assert desa.has_geometry is False
        assert not RegionGeometry.objects.filter(region=desa).exists()


def test_geometry_is_lon_lat_geojson_inside_sultra(db):
    geo = json.loads(RegionGeometry.objects.get(region_id="74.71").geojson)
    assert geo["type"] in ("Polygon", "MultiPolygon")
    lng, lat = geo["coordinates"][0][0][0] if geo["type"] == "MultiPolygon" else geo["coordinates"][0][0]
    assert 121 < lng < 124.5 and -6.5 < lat < -2.5   # Kendari: longitude first, per RFC 7946


def test_reload_is_idempotent(db, shared_data):
    before = Region.objects.count(), RegionGeometry.objects.count()
    result = regions_load(source=str(shared_data), provinces={"74"})
    assert result["created"] == 0 and result["updated"] == 0 and result["geometries_written"] == 0
    assert result["unchanged"] == 1 + 17 + 221 + 2285
    assert (Region.objects.count(), RegionGeometry.objects.count()) == before


def test_reload_updates_a_changed_name(db, shared_data):
    Region.objects.filter(code="74.01").update(name="Kolaka (lama)")
    result = regions_load(source=str(shared_data), provinces={"74"})
    assert result["updated"] == 1
    assert Region.objects.get(code="74.01").name == "Kabupaten Kolaka"


def test_default_source_finds_shared_data_beside_the_checkout(settings, shared_data):
    settings.SIAGA_REGION_SOURCE = ""
    assert Path(default_source()).resolve() == shared_data.resolve()
