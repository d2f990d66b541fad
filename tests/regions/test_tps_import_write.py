"""The write path of a TPS import: bulk updates and audit, and the PostgreSQL COPY path's checks."""

import csv
import io

import pytest
from django.db import IntegrityError, connection, transaction

from siaga.accounts.models import AuditLog
from siaga.regions.models import ImportBatch, Tps
from siaga.regions.tps_export import tps_export
from siaga.regions.tps_file import TpsRow
from siaga.regions.tps_file.rows import ColumnRows, rows_table
from siaga.regions.tps_import import _write, tps_import

KECAMATAN = "74.01.04"


def export_rows(viewer):
    out = io.BytesIO()
    tps_export(viewer=viewer, province=KECAMATAN, fmt="csv", out=out, election="pemilu")
    return list(csv.DictReader(io.StringIO(out.getvalue().decode("utf-8-sig"))))


def csv_bytes(rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0].keys()))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def add_voters(rows, extra):
    for row in rows:
        row["dpt"] = str(int(row["dpt"]) + extra)
        row["dpt_laki"] = row["dpt_perempuan"] = ""
    return csv_bytes(rows)


def test_every_row_changed_is_updated_in_place_and_audited_once(user):
    admin = user("admin")
    rows = export_rows(admin)
    voters = {r["kode_tps"]: int(r["dpt"]) for r in rows}
    outside = Tps.objects.exclude(kecamatan_code=KECAMATAN, election="pemilu").values_list("code", "voters", "batch_id").order_by("id")
    outside_before = list(outside)
    ids_before = dict(Tps.objects.filter(kecamatan_code=KECAMATAN, election="pemilu").values_list("code", "id"))
    progress = []

    data = add_voters(rows, 3)
    result = tps_import(actor=admin, data=data, filename="v2.csv", progress=progress.append)

    assert (result.created, result.updated, result.unchanged) == (0, len(rows), 0)
    assert progress == [len(rows)]
    stored = {code: (pk, v, male, batch) for code, pk, v, male, batch in Tps.objects.filter(
        kecamatan_code=KECAMATAN, election="pemilu").values_list("code", "id", "voters", "voters_male", "batch_id")}
    assert stored == {code: (ids_before[code], voters[code] + 3, None, result.batch_id) for code in voters}
    assert list(outside) == outside_before
    entries = AuditLog.objects.filter(action="tps.update", note=f"import #{result.batch_id} v2.csv")
    assert sorted(entries.values_list("object_id", flat=True)) == sorted(voters)
    entry = entries.get(object_id=rows[0]["kode_tps"])
    desa = Tps.objects.get(code=entry.object_id, election="pemilu").desa_id
    assert (entry.actor_id, entry.actor_name, entry.area_code) == (admin.pk, "admin", desa)
    assert (entry.before["voters"], entry.after["voters"]) == (voters[entry.object_id], voters[entry.object_id] + 3)
    assert entry.after["voters_male"] is None and entry.before["desa_id"] == entry.after["desa_id"]

    audits = AuditLog.objects.count()
    again = tps_import(actor=admin, data=data, filename="v2.csv")
    assert (again.updated, again.unchanged, again.batch_id) == (0, len(rows), None)
    assert AuditLog.objects.count() == audits

    # A second change in the same (test) transaction: the temporary table of the first is gone.
    third = tps_import(actor=admin, data=add_voters(rows, 1), filename="v3.csv")
    assert third.updated == len(rows)
    assert Tps.objects.get(code=rows[0]["kode_tps"], election="pemilu").voters == voters[rows[0]["kode_tps"]] + 4


def test_new_and_changed_rows_in_one_file(user):
    admin = user("admin")
    rows = export_rows(admin)
    rows[0]["dpt"] = str(int(rows[0]["dpt"]) + 1)
    rows[0]["dpt_laki"] = rows[0]["dpt_perempuan"] = ""
    new = [dict(rows[1], kode_tps=rows[1]["kode_tps"][:-3] + f"{n:03d}", no_tps=str(n), nama_tps=f"TPS {n}")
           for n in (901, 902)]
    progress = []
    result = tps_import(actor=admin, data=csv_bytes(rows + new), filename="mixed.csv", progress=progress.append)
    assert (result.created, result.updated, result.unchanged) == (2, 1, len(rows) - 1)
    assert progress == [2, 1]
    created = Tps.objects.filter(code__in=[r["kode_tps"] for r in new])
    assert sorted(created.values_list("number", "batch_id", "kecamatan_code", "province_code")) == [
        (901, result.batch_id, KECAMATAN, "74"), (902, result.batch_id, KECAMATAN, "74")]


def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL write path")


def test_desa_gone_before_the_write_writes_nothing(user):
    postgresql_only()
    with connection.cursor() as cursor:  # the FK check then fails at COPY, not at commit
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    count = Tps.objects.count()
    row = TpsRow(line=2, desa_code="74.01.04.9999", number=1, code="7401049999001", name="TPS 001", voters=100)
    with pytest.raises(IntegrityError), transaction.atomic():
        _write(user("admin"), [row], "gone.csv", "0" * 64, None)
    assert Tps.objects.count() == count
    assert not ImportBatch.objects.filter(filename="gone.csv").exists()


@pytest.mark.parametrize("as_columns", [True, False], ids=["columnar read", "rows"])
def test_new_rows_are_stored_as_read(user, as_columns):
    """Texts with quotes, commas, line breaks and backslashes, empty texts and absent numbers come back as given
    (on PostgreSQL the rows go through a CSV COPY written from their columns)."""
    desa = Tps.objects.filter(kecamatan_code=KECAMATAN).values_list("desa_id", flat=True).first()
    undotted = desa.replace(".", "")
    rows = [TpsRow(line=2, desa_code=desa, number=950, code=f"{undotted}950", name='Balai "Desa", RT\\1',
                   address="Jl.\nPoros\r\n2", voters=277, voters_male=None, voters_female=None, election="pilkada",
                   special=True, lat=None, lng=None, access="boat", notes="ẞ ök \t,"),
            TpsRow(line=3, desa_code=desa, number=951, code=f"{undotted}951", name="", address="", voters=0,
                   voters_male=0, voters_female=0, lat=-3.9977123, lng=122.5000001, notes="")]
    result = _write(user("admin"), ColumnRows(rows_table(rows)) if as_columns else rows, "new.csv", "0" * 64, None)
    assert result.created == 2
    fields = ["desa_id", "number", "code", "name", "address", "voters", "voters_male", "voters_female", "election",
              "special", "lat", "lng", "access", "notes"]
    stored = Tps.objects.filter(code__in=[r.code for r in rows]).order_by("number").values_list(*fields)
    assert list(stored) == [(r.desa_code, *r[2:]) for r in rows]
    assert set(Tps.objects.filter(code__in=[r.code for r in rows]).values_list(
        "kecamatan_code", "kabkota_code", "province_code", "batch_id")) == {(KECAMATAN, "74.01", "74", result.batch_id)}
