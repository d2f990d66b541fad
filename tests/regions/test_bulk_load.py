"""A large TPS load rebuilds the table's indexes and key checks after the rows are in (PostgreSQL)."""

import io
import threading
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, connection, connections, transaction

from siaga.regions import tps_import as importer
from siaga.regions.bulk_load import definitions, indexes_rebuilt_after
from siaga.regions.models import Tps
from siaga.regions.tps_export import tps_export

TABLE = Tps._meta.db_table


def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("index rebuilds are a PostgreSQL load path; SQLite goes row by row (test below)")


def copy_of(tps, **changes):
    fields = {f.attname: getattr(tps, f.attname) for f in Tps._meta.concrete_fields if not f.primary_key}
    return Tps(**{**fields, **changes})


def test_sqlite_loads_row_by_row(db):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite case")
    with transaction.atomic(), indexes_rebuilt_after(Tps) as rebuilt:
        assert rebuilt is False


def test_indexes_and_keys_come_back_as_they_were(db):
    postgresql_only()
    constraints, indexes = before = definitions(TABLE)
    assert {name for name, _ in constraints} >= {"tps_code_election_unique"}
    assert sum("FOREIGN KEY" in d for _, d in constraints) == 2  # desa and import batch
    assert {name for name, _ in indexes} >= {"tps_desa_idx", "tps_province_code_idx"}
    with transaction.atomic():
        with indexes_rebuilt_after(Tps) as rebuilt:
            assert rebuilt is True
            assert definitions(TABLE) == ([], [])
        assert definitions(TABLE) == before


@pytest.mark.parametrize("change", [{"name": "second"}, {"desa_id": "74.01.04.9999", "code": "7401049999001"}],
                         ids=["duplicate TPS", "unknown desa"])
def test_a_row_that_breaks_a_rebuilt_constraint_writes_nothing(db, change):
    postgresql_only()
    before, count = definitions(TABLE), Tps.objects.count()
    existing = Tps.objects.order_by("id").first()
    with pytest.raises(IntegrityError), transaction.atomic(), indexes_rebuilt_after(Tps):
        copy_of(existing, **change).save()
    assert (definitions(TABLE), Tps.objects.count()) == (before, count)


def test_a_table_in_use_elsewhere_loads_row_by_row(db, monkeypatch):
    """Another transaction reading the table: no waiting behind it (nor making readers wait), nothing dropped."""
    postgresql_only()
    monkeypatch.setattr("siaga.regions.bulk_load.LOCK_WAIT", "200ms")
    holding, release = threading.Event(), threading.Event()

    def reader():
        try:
            with transaction.atomic():
                Tps.objects.first()  # holds ACCESS SHARE until the transaction ends
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        assert holding.wait(10)
        before = definitions(TABLE)
        with transaction.atomic(), indexes_rebuilt_after(Tps) as rebuilt:
            assert rebuilt is False
            assert definitions(TABLE) == before
            with connection.cursor() as cursor:  # the usual lock wait is back
                cursor.execute("SHOW lock_timeout")
                assert cursor.fetchone()[0] == "0"
    finally:
        release.set()
        thread.join()


def test_a_role_that_does_not_own_the_table_loads_row_by_row(db):
    postgresql_only()
    before = definitions(TABLE)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE ROLE siaga_test_not_owner")  # undone with the test's transaction
        cursor.execute("SET LOCAL ROLE siaga_test_not_owner")
        with indexes_rebuilt_after(Tps) as rebuilt:
            assert rebuilt is False
        cursor.execute("RESET ROLE")
    assert definitions(TABLE) == before


@pytest.mark.parametrize(("new_rows", "table_rows", "wanted"), [
    (820_161, 0, True), (820_161, 8_154, True), (50_000, 50_000, True),  # a first national load; a doubling
    (49_999, 0, False),  # small: the indexes cost little row by row
    (80_000, 820_161, False),  # a province into a national registry: the rebuild would cost more
])
def test_bulk_wanted(new_rows, table_rows, wanted):
    assert importer.bulk_wanted(new_rows, table_rows) is wanted


def test_an_import_through_the_rebuild_stores_what_the_row_by_row_import_stores(user, monkeypatch):
    admin = user("admin")
    out = io.BytesIO()
    tps_export(viewer=admin, province="74.01.04", fmt="csv", out=out)
    lines = out.getvalue().decode("utf-8-sig").splitlines()
    header, first = lines[0], lines[1].split(",")
    new = []
    for number in (801, 802, 803):
        cells = list(first)
        cells[0], cells[2], cells[3] = cells[0][:-3] + str(number), str(number), f"TPS {number}"
        new.append(",".join(cells))
    data = "\n".join([header, *new]).encode()
    yielded = []
    original = importer.indexes_rebuilt_after

    @contextmanager
    def spy(model):
        with original(model) as rebuilt:
            yielded.append(rebuilt)
            yield rebuilt

    monkeypatch.setattr(importer, "BULK_MIN_ROWS", 1)
    monkeypatch.setattr(importer, "bulk_wanted", lambda new_rows, table_rows: True)
    monkeypatch.setattr(importer, "indexes_rebuilt_after", spy)
    before = definitions(TABLE) if connection.vendor == "postgresql" else None
    result = importer.tps_import(actor=admin, data=data, filename="bulk.csv")
    assert yielded == [connection.vendor == "postgresql"]
    assert result.created == 3
    stored = Tps.objects.filter(code__in=[line.split(",")[0] for line in new]).order_by("number")
    assert [(t.number, t.name, t.batch_id, t.kecamatan_code) for t in stored] == [
        (n, f"TPS {n}", result.batch_id, "74.01.04") for n in (801, 802, 803)]
    if before is not None:
        assert definitions(TABLE) == before
