"""Region source readers against the real reference data, hand-made files and a local HTTP server."""

import functools
import http.server
import json
import shutil
import threading
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import shape

from siaga.regions.sources import (
    MANIFEST_NAME,
    PUBLIC_BOUNDARIES_BASE,
    PUBLIC_HIERARCHY_BASE,
    SourceError,
    iter_sql_rows,
    parse_dms,
    read_boundary_sql,
    read_centroids_csv,
    read_geojson,
    read_hierarchy_csv,
    read_islands_csv,
    read_source,
)
from siaga.regions.sources.download import remote_url
from siaga.regions.sources.geometry import build_multipolygon

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
BOUNDARIES = DATA / "origin" / "wilayah_boundaries"
NO_GEOMETRY = {"74.02.18.1001", "74.71.04.1021"}

pytestmark = pytest.mark.skipif(not (DATA / "hierarchy" / "provinces.csv").is_file(),
                                reason=f"reference data missing at {DATA}")


@pytest.fixture(scope="module")
def national():
    return read_source(DATA, geometry="none")


@pytest.fixture(scope="module")
def sultra():
    return read_source(DATA, provinces={"74"})


@pytest.fixture(scope="module")
def sultra_sql():
    return read_source(DATA, provinces={"74"}, geometry="sql")


# ---------------------------------------------------------------- real data


def test_national_hierarchy_counts(national):
    levels = Counter(r.level for r in national.regions.values())
    assert levels == {"provinsi": 38, "kabkota": 514, "kecamatan": 7285, "desa": 83762}
    kinds = Counter(r.kind for r in national.regions.values() if r.level == "kabkota")
    assert kinds == {"kabupaten": 416, "kota": 98}
    assert len(national.islands) == 17373
    assert national.stats["geometry_source"] == "none"


def test_every_parent_exists_and_matches_the_code(national):
    regions = national.regions
    for record in regions.values():
        if record.level == "provinsi":
            assert record.parent_code is None
        else:
            assert record.parent_code == record.code.rsplit(".", 1)[0]
            assert record.parent_code in regions


def test_sultra_counts_and_kinds(sultra):
    regions = sultra.regions
    assert set(code[:2] for code in regions) == {"74"}
    assert Counter(r.level for r in regions.values()) == {"provinsi": 1, "kabkota": 17, "kecamatan": 221, "desa": 2285}
    assert Counter(r.kind for r in regions.values()) == {
        "provinsi": 1, "kabupaten": 15, "kota": 2, "kecamatan": 221, "kelurahan": 377, "desa": 1908}
    assert regions["74.71"].name == "Kota Kendari" and regions["74.71"].kind == "kota"
    assert regions["74.05.24.2009"].kind == "desa" and regions["74.71.01.1005"].kind == "kelurahan"


def test_sultra_geometry_coverage_and_repairs(sultra):
    regions = sultra.regions
    desa = [r for r in regions.values() if r.level == "desa"]
    assert sum(r.geometry is not None for r in desa) == 2283
    assert {r.code for r in desa if r.geometry is None} == NO_GEOMETRY
    assert all(regions[code].lat is None for code in NO_GEOMETRY)  # not in the centroid CSV either
    # README: 10 of 17 kab/kota, 11 of 221 kecamatan and 2 of 2,283 desa are invalid as published
    assert sultra.stats["geometries_repaired"] == 23
    assert sultra.stats["geometries_dropped"] == 0
    assert sultra.stats["geometry_source"] == "geojson"


def test_geometry_is_valid_lon_lat_multipolygon(sultra):
    for code in ("74", "74.01", "74.71", "74.71.01", "74.71.01.1005"):
        record = sultra.regions[code]
        if code == "74":
            assert record.geometry is None and record.lat is None  # no province boundary in the files
            continue
        geo = json.loads(record.geometry)
        assert geo["type"] == "MultiPolygon"
        geom = shape(geo)
        assert geom.is_valid
        minx, miny, maxx, maxy = geom.bounds
        assert 120 < minx and maxx < 125 and -7 < miny and maxy < -2  # lon first, per RFC 7946
        assert 120 < record.lng < 125 and -7 < record.lat < -2


def test_points_come_from_the_boundary_file(sultra):
    # desa_74.geojson: 74.01.01.1001 has centroid [121.68266, -4.076426]
    record = sultra.regions["74.01.01.1001"]
    assert (record.lng, record.lat) == (121.68266, -4.076426)


def test_sql_dumps_give_the_same_geometry_as_the_geojson(sultra, sultra_sql):
    assert sultra_sql.stats["geometry_source"] == "sql"
    with_geometry = {c for c, r in sultra.regions.items() if r.geometry}
    assert with_geometry == {c for c, r in sultra_sql.regions.items() if r.geometry}
    assert sultra_sql.stats["geometries_repaired"] == sultra.stats["geometries_repaired"]
    # Rounded to the GeoJSON's 6 decimals, the dumps give identical display shapes.
    assert all(sultra.regions[c].geometry == sultra_sql.regions[c].geometry for c in with_geometry)


def test_sql_and_geojson_areas_agree_after_repair():
    from_json = {r.code: r for r in read_geojson(DATA / "sultra" / "kabkota_74.geojson")}
    from_sql = {r.code: r for r in read_boundary_sql(BOUNDARIES / "kab" / "wilayah_boundaries_kab_74.sql")}
    assert from_json.keys() == from_sql.keys() and len(from_sql) == 17
    assert sum(r.repaired for r in from_sql.values()) == 10
    for code in ("74.01", "74.04", "74.10", "74.71"):
        a, b = from_json[code].geometry.area, from_sql[code].geometry.area
        assert a > 0 and abs(a - b) / a < 1e-9
    # the SQL centroid is [lat, lng] columns, the GeoJSON one [lng, lat]
    assert abs(from_sql["74.01"].lat - from_json["74.01"].lat) < 1e-6
    assert abs(from_sql["74.01"].lng - from_json["74.01"].lng) < 1e-6


def test_names_with_doubled_quotes_in_the_dumps():
    records = {r.code: r for r in read_boundary_sql(BOUNDARIES / "kel" / "74" / "wilayah_boundaries_kel_74.08.sql")}
    assert records["74.08.10.2007"].name == "To'Lemo"


def test_sultra_islands(sultra):
    islands = sultra.islands
    assert len(islands) == 591
    assert sum(i.populated for i in islands) == 86
    buton = next(i for i in islands if i.code == "74.00.40001")
    assert buton.name == "Pulau Buton" and buton.kabkota_code is None and buton.province_code == "74"
    first = next(i for i in islands if i.code == "74.01.40001")
    # 04°10'53.00" S 121°29'21.99" E
    assert first.kabkota_code == "74.01"
    assert first.lat == pytest.approx(-(4 + 10 / 60 + 53.00 / 3600), abs=1e-12)
    assert first.lng == pytest.approx(121 + 29 / 60 + 21.99 / 3600, abs=1e-12)


def test_centroid_csv_reader():
    points = read_centroids_csv(DATA / "national" / "kabkota_centroids.csv", provinces={"11"})
    assert len(points) == 23 and points["11.01"] == (3.161854, 97.436518)


# ---------------------------------------------------------------- DMS


def test_parse_dms_reference():
    lat, lng = parse_dms("03°19'03.44\" N 117°35'37.73\" E")
    assert lat == pytest.approx(3 + 19 / 60 + 3.44 / 3600, abs=1e-12)
    assert lng == pytest.approx(117 + 35 / 60 + 37.73 / 3600, abs=1e-12)
    assert parse_dms("00°00'00.00\" S 000°00'36.00\" W") == (-0.0, -0.01)
    for bad in ("03°61'00.00\" N 117°00'00.00\" E", "3.5 N 117 E", "03°19'03.44\" X 117°35'37.73\" E"):
        with pytest.raises(ValueError):
            parse_dms(bad)


@settings(max_examples=200)
@given(st.integers(0, 89), st.integers(0, 59), st.integers(0, 5999), st.booleans(),
       st.integers(0, 179), st.integers(0, 59), st.integers(0, 5999), st.booleans())
def test_parse_dms_round_trip(d1, m1, cs1, south, d2, m2, cs2, west):
    text = (f"{d1:02d}°{m1:02d}'{cs1 // 100:02d}.{cs1 % 100:02d}\" {'S' if south else 'N'} "
            f"{d2:03d}°{m2:02d}'{cs2 // 100:02d}.{cs2 % 100:02d}\" {'W' if west else 'E'}")
    lat, lng = parse_dms(text)
    assert abs(lat) == pytest.approx(d1 + m1 / 60 + cs1 / 360000, abs=1e-9)
    assert abs(lng) == pytest.approx(d2 + m2 / 60 + cs2 / 360000, abs=1e-9)
    assert (lat < 0) == (south and abs(lat) > 0) and (lng < 0) == (west and abs(lng) > 0)


# ---------------------------------------------------------------- SQL dumps by hand

DUMP = """/* header with a ; inside */
-- MySQL
DELETE FROM wilayah_boundaries WHERE kode LIKE '74.99.%';
INSERT INTO `other_table` (a) VALUES ('x;y');
INSERT INTO wilayah_boundaries(kode,nama,lat,lng,path) VALUES
\t('74.99.01','O''Brien \\'Q\\' back\\\\slash',-4.5,122.5,'[[[-4,122],[-4,123],[-5,123],[-5,122],[-4,122]]]'),
\t('74.99.02','Multi',NULL,NULL,'[[[[0,0],[0,1],[1,1],[1,0],[0,0]]],[[[2,2],[2,3],[3,3],[2,2]]]]');
INSERT INTO wilayah_boundaries(kode,nama,lat,lng,path) VALUES
\t('7499030001','Ring only',1.5,2.5,'[[10,20],[10,21],[11,21]]');
"""


def test_sql_parser_reads_rows_escapes_and_lines(tmp_path):
    rows = list(iter_sql_rows(DUMP, "dump.sql"))
    assert [line for line, _ in rows] == [6, 7, 9]
    assert rows[0][1]["nama"] == "O'Brien 'Q' back\\slash"
    assert rows[1][1]["lat"] is None and rows[0][1]["lng"] == 122.5
    path = tmp_path / "dump.sql"
    path.write_text(DUMP, encoding="utf-8")
    records = {r.code: r for r in read_boundary_sql(path)}
    square = records["74.99.01"].geometry
    # [lat, lng] in the dump -> (lon, lat): a 1° x 1° square between lon 122..123, lat -5..-4
    assert square.bounds == (122.0, -5.0, 123.0, -4.0) and square.area == pytest.approx(1.0)
    assert (records["74.99.01"].lat, records["74.99.01"].lng) == (-4.5, 122.5)
    multi = records["74.99.02"].geometry
    assert len(multi.geoms) == 2 and multi.area == pytest.approx(1.5)
    ring = records["74.99.03.0001"].geometry  # undotted code normalised; an unclosed ring is closed
    assert ring.area == pytest.approx(0.5) and ring.bounds == (20.0, 10.0, 21.0, 11.0)


@pytest.mark.parametrize("broken, line", [
    (DUMP[: DUMP.index("'Multi'") + 3], 7),  # truncated inside a string
    (DUMP.replace("-4.5,122.5,", "-4.5,"), 6),  # 4 values for 5 columns
    (DUMP.replace("[[10,20]", "[[10,x]"), 9),  # path is not JSON
    (DUMP.rstrip()[:-1], 9),  # the last statement lacks its ';'
])
def test_sql_errors_name_file_and_line(tmp_path, broken, line):
    path = tmp_path / "broken.sql"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        read_boundary_sql(path)
    assert caught.value.path == str(path)
    if line is not None:
        assert caught.value.line == line
        assert f"baris {line}" in caught.value.message("id") and f":{line}" in caught.value.message("en")


# ---------------------------------------------------------------- geometry repair


def _write_geojson(path, coordinates, kind="Polygon"):
    feature = {"type": "Feature", "properties": {"kode": "74.99", "nama": "X", "level": "kabkota"},
               "geometry": {"type": kind, "coordinates": coordinates}}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")


def test_self_intersecting_polygon_is_repaired(tmp_path):
    # A bow tie: two triangles of area 1 meeting at (1, 1).
    path = tmp_path / "bowtie.geojson"
    _write_geojson(path, [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]])
    (record,) = read_geojson(path)
    assert record.repaired and not record.dropped
    assert record.geometry.is_valid and record.geometry.geom_type == "MultiPolygon"
    assert record.geometry.area == pytest.approx(2.0)
    assert len(record.geometry.geoms) == 2


def test_degenerate_geometry_is_dropped_not_fatal(tmp_path):
    path = tmp_path / "flat.geojson"
    _write_geojson(path, [[[0, 0], [1, 1], [2, 2], [0, 0]]])  # a polygon with no area
    (record,) = read_geojson(path)
    assert record.geometry is None and record.dropped
    _write_geojson(path, [[[0, 0], [1, 1]]])  # too few points for a ring
    (record,) = read_geojson(path)
    assert record.geometry is None and record.dropped


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(-5, 5), st.integers(-5, 5)), max_size=8), min_size=1, max_size=3),
       st.booleans())
def test_any_ring_soup_gives_valid_polygons_or_none(rings, lat_first):
    geometry, repaired, dropped = build_multipolygon([rings], lat_first=lat_first)
    if geometry is None:
        assert dropped
    else:
        assert geometry.geom_type == "MultiPolygon" and geometry.is_valid and geometry.area > 0
        assert not dropped
        # repair never reaches outside the drawn points (lon/lat order after the swap)
        points = [(b, a) if lat_first else (a, b) for ring in rings for a, b in ring]
        xs, ys = zip(*points)
        minx, miny, maxx, maxy = geometry.bounds
        assert min(xs) <= minx and maxx <= max(xs) and min(ys) <= miny and maxy <= max(ys)


# ---------------------------------------------------------------- hierarchy errors


def _hierarchy(tmp_path, **overrides):
    files = {
        "provinces": "code,name\n74,Sulawesi Tenggara\n",
        "regencies": "code,province_code,name\n74.01,74,Kabupaten Kolaka\n74.71,74,Kota Kendari\n",
        "districts": "code,regency_code,name\n74.01.01,74.01,Wundulako\n",
        "villages": "code,district_code,name\n74.01.01.1001,74.01.01,19 Nopember\n7401012002,7401.01,Desa Dua\n",
    }
    files.update(overrides)
    folder = tmp_path / "hierarchy"
    folder.mkdir(exist_ok=True)
    for stem, text in files.items():
        (folder / f"{stem}.csv").write_text(text, encoding="utf-8")
    return folder


def test_hierarchy_by_hand(tmp_path):
    regions = read_hierarchy_csv(_hierarchy(tmp_path))
    assert [r.kind for r in regions.values()] == ["provinsi", "kabupaten", "kota", "kecamatan", "kelurahan", "desa"]
    assert regions["74.01.01.2002"].parent_code == "74.01.01"  # undotted codes are normalised


@pytest.mark.parametrize("stem, text, line, words", [
    ("regencies", "kode,province,name\n74.01,74,Kabupaten Kolaka\n", 1, "province_code"),
    ("districts", "code,regency_code,name\n74.01.01,74.01,Wundulako\n74.0X.02,74.01,Bad\n", 3, "74.0X.02"),
    ("districts", "code,regency_code,name\n74.01.01,74.71,Wundulako\n", 2, "regency_code"),
    ("districts", "code,regency_code,name\n74.05.01,74.05,Orphan\n", 2, "74.05"),
    ("villages", "code,district_code,name\n74.01.01.1001,74.01.01\n", 2, "2"),
])
def test_hierarchy_errors(tmp_path, stem, text, line, words):
    folder = _hierarchy(tmp_path, **{stem: text})
    with pytest.raises(SourceError) as caught:
        read_hierarchy_csv(folder)
    error = caught.value
    assert error.path == str(folder / f"{stem}.csv") and error.line == line
    assert words in error.message_en and words in error.message_id


def test_missing_file_is_a_clear_error(tmp_path):
    folder = _hierarchy(tmp_path)
    (folder / "villages.csv").unlink()
    with pytest.raises(SourceError) as caught:
        read_source(tmp_path)
    assert caught.value.path == str(folder / "villages.csv")
    assert (caught.value.message_id, caught.value.message_en) == ("berkas tidak ditemukan", "file not found")
    with pytest.raises(SourceError, match="source directory not found"):
        read_source(tmp_path / "nowhere")


def test_island_errors(tmp_path):
    path = tmp_path / "islands.csv"
    path.write_text("code,regency_code,coordinate,is_populated,is_outermost_small,name\n"
                    "74.01.40001,74.01,\"04°10'53.00\"\" S 121°29'21.99\"\" E\",1,0,Pulau A\n"
                    "74.01.40002,74.01,somewhere,0,0,Pulau B\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        read_islands_csv(path)
    assert caught.value.line == 3 and "somewhere" in caught.value.message_en


# ---------------------------------------------------------------- URL source with a real HTTP server


class _Server:
    """A threaded http.server on 127.0.0.1 that counts the requests it answers."""

    def __init__(self, root: Path):
        self.requests: list[str] = []
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                super().do_GET()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=root))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/data"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def _subset(root: Path) -> Path:
    """A small copy of the layout: province 74 hierarchy, kab/kota centroids, kab and kec dumps."""
    data = root / "data"
    for relpath in ("hierarchy/provinces.csv", "hierarchy/regencies.csv", "hierarchy/districts.csv",
                    "hierarchy/villages.csv", "national/kabkota_centroids.csv"):
        source_lines = (DATA / relpath).read_text(encoding="utf-8").splitlines(keepends=True)
        target = data / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        kept = [source_lines[0]] + [line for line in source_lines[1:] if line.startswith("74")]
        target.write_text("".join(kept), encoding="utf-8")
    for relpath in ("kab/wilayah_boundaries_kab_74.sql", "kec/wilayah_boundaries_kec_74.sql"):
        target = data / "origin/wilayah_boundaries" / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(BOUNDARIES / relpath, target)
    return data


def test_url_source_downloads_once_and_reuses_the_cache(tmp_path):
    data = _subset(tmp_path / "served")
    cache = tmp_path / "cache"
    calls = []
    with _Server(tmp_path / "served") as server:
        first = read_source(server.url, provinces={"74"}, cache_dir=cache, progress=calls.append)
        fetched = len(server.requests)
        second = read_source(server.url, provinces={"74"}, cache_dir=cache)
        assert len(server.requests) == fetched  # second read: no request at all
        # a damaged cached file fails its SHA-256 check and is fetched again
        cached = next(cache.glob("url-*/origin/wilayah_boundaries/kab/*.sql"))
        cached.write_text("garbage", encoding="utf-8")
        read_source(server.url, provinces={"74"}, cache_dir=cache)
        assert server.requests[fetched:] == ["/data/origin/wilayah_boundaries/kab/wilayah_boundaries_kab_74.sql"]
    # 4 hierarchy + islands + 3 centroids + kab + kec + 17 kel (absent) files
    assert fetched == 4 + 1 + 3 + 2 + 17
    assert first.stats["downloads"] == 7 and first.stats["files_absent"] == 20
    assert second.stats["downloads"] == 0 and second.stats["cache_hits"] == fetched
    for result in (first, second):
        regions = result.regions
        assert len(regions) == 1 + 17 + 221 + 2285 and result.islands == []
        assert regions["74.71"].geometry is not None and regions["74.71.01"].geometry is not None
        assert regions["74.71.01.1005"].geometry is None
    assert first.regions == second.regions
    # records per file read (hierarchy, kab/kota centroids, kab and kec dumps); 0 per fetch
    assert sum(calls) == len(first.regions) + 17 + 17 + 221 and calls.count(0) == fetched
    manifest = json.loads(next(cache.glob(f"url-*/{MANIFEST_NAME}")).read_text())
    entry = manifest["origin/wilayah_boundaries/kab/wilayah_boundaries_kab_74.sql"]
    assert entry["bytes"] == (data / "origin/wilayah_boundaries/kab/wilayah_boundaries_kab_74.sql").stat().st_size
    assert len(entry["sha256"]) == 64
    assert manifest["national/desa_centroids.csv"]["absent"] is True


@pytest.mark.parametrize("relpath, damage", [
    ("origin/wilayah_boundaries/kab/wilayah_boundaries_kab_74.sql", lambda text: text[: len(text) // 2]),
    ("hierarchy/villages.csv", lambda text: text.replace("code,district_code,name", "id,district,name", 1)),
    ("hierarchy/districts.csv", lambda text: ""),
])
def test_corrupt_download_is_rejected_and_not_cached(tmp_path, relpath, damage):
    data = _subset(tmp_path / "served")
    target = data / relpath
    target.write_text(damage(target.read_text(encoding="utf-8")), encoding="utf-8")
    cache = tmp_path / "cache"
    with _Server(tmp_path / "served") as server:
        with pytest.raises(SourceError) as caught:
            read_source(server.url, provinces={"74"}, cache_dir=cache)
    assert caught.value.path.endswith(relpath)
    assert caught.value.message_en.startswith(("download rejected", "empty download"))
    (root,) = cache.iterdir()
    assert not (root / relpath).exists()
    assert not list(root.rglob("*.part"))  # the temporary file is gone
    manifest = json.loads((root / MANIFEST_NAME).read_text()) if (root / MANIFEST_NAME).exists() else {}
    assert relpath not in manifest


def test_required_file_missing_on_the_server(tmp_path):
    data = _subset(tmp_path / "served")
    (data / "hierarchy/villages.csv").unlink()
    with _Server(tmp_path / "served") as server, pytest.raises(SourceError, match="HTTP 404"):
        read_source(server.url, provinces={"74"}, cache_dir=tmp_path / "cache")


def test_public_urls():
    assert remote_url("public", "hierarchy/villages.csv") == PUBLIC_HIERARCHY_BASE + "villages.csv"
    assert (remote_url("public", "origin/wilayah_boundaries/kel/74/wilayah_boundaries_kel_74.71.sql")
            == PUBLIC_BOUNDARIES_BASE + "kel/74/wilayah_boundaries_kel_74.71.sql")
    assert remote_url("public", "national/desa_centroids.csv") is None
    assert remote_url("http://host/x/", "hierarchy/provinces.csv") == "http://host/x/hierarchy/provinces.csv"
    with pytest.raises(SourceError, match="cache_dir"):
        read_source("public")


def test_province_filter_takes_province_codes_only():
    with pytest.raises(ValueError):
        read_source(DATA, provinces={"74.01"}, geometry="none")
