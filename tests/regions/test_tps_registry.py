"""TPS import through the service: all or nothing, idempotent, scoped, audited."""

import csv
import io

import pytest

from siaga.accounts.models import AuditLog
from siaga.regions.models import ImportBatch, Tps
from siaga.regions.tps_export import tps_export
from siaga.regions.tps_import import ImportRejected, tps_import

HEADER = "kode_tps,kode_desa,no_tps,nama_tps,alamat,dpt,dpt_laki,dpt_perempuan,jenis_pemilihan,tps_khusus,lat,lng,akses"


def export_csv(viewer, area):
    out = io.BytesIO()
    tps_export(viewer=viewer, province=area, fmt="csv", out=out, election="pemilu")
    return out.getvalue()


def test_demo_sultra_tps_are_loaded(db):
    assert Tps.objects.filter(province_code="74", election="pemilu").count() == 8154
    assert Tps.objects.filter(province_code="74", election="pilkada").count() == 4611


def test_reimporting_an_export_changes_nothing(user):
    admin = user("admin")
    data = export_csv(admin, "74.01.04")
    result = tps_import(actor=admin, data=data, filename="kolaka.csv")
    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged == Tps.objects.filter(kecamatan_code="74.01.04", election="pemilu").count() > 0
    assert not ImportBatch.objects.filter(filename="kolaka.csv").exists()


def test_changed_file_updates_in_place_with_audit(user):
    admin = user("admin")
    rows = list(csv.DictReader(io.StringIO(export_csv(admin, "74.01.04").decode("utf-8-sig"))))
    target = rows[0]
    old_voters = int(target["dpt"])
    target["dpt"] = str(old_voters - 10)
    target["dpt_laki"], target["dpt_perempuan"] = "", ""
    new_code = target["kode_tps"][:-3] + "899"
    extra = dict(target, kode_tps=new_code, no_tps="899", nama_tps="TPS 899")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0].keys()))
    writer.writeheader()
    writer.writerows(rows + [extra])
    result = tps_import(actor=admin, data=buffer.getvalue().encode(), filename="kolaka-v2.csv")
    assert (result.created, result.updated, result.unchanged) == (1, 1, len(rows) - 1)
    tps = Tps.objects.get(code=target["kode_tps"], election="pemilu")
    assert tps.voters == old_voters - 10 and tps.voters_male is None
    entry = AuditLog.objects.get(action="tps.update", object_id=target["kode_tps"])
    assert entry.actor_name == "admin"
    assert entry.before["voters"] == old_voters and entry.after["voters"] == old_voters - 10
    batch_entry = AuditLog.objects.get(action="tps.import", object_id=str(result.batch_id))
    assert batch_entry.after["created"] == 1 and batch_entry.area_code == "74.01.04"
    assert Tps.objects.get(code=new_code, election="pemilu").batch_id == result.batch_id


def test_one_bad_row_writes_nothing(user):
    admin = user("admin")
    rows = list(csv.DictReader(io.StringIO(export_csv(admin, "74.01.04").decode("utf-8-sig"))))
    before = list(Tps.objects.filter(kecamatan_code="74.01.04").values_list("code", "voters"))
    rows[0]["dpt"] = str(int(rows[0]["dpt"]) + 1)      # a valid change...
    rows[0]["dpt_laki"] = rows[0]["dpt_perempuan"] = ""
    rows[-1]["dpt"] = "-5"                               # ...and one broken row
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0].keys()))
    writer.writeheader()
    writer.writerows(rows)
    with pytest.raises(ImportRejected) as rejected:
        tps_import(actor=admin, data=buffer.getvalue().encode(), filename="broken.csv")
    problems = rejected.value.problems
    assert [(p.line, p.code) for p in problems] == [(len(rows) + 1, "negative")]
    assert "negatif" in problems[0].message
    assert list(Tps.objects.filter(kecamatan_code="74.01.04").values_list("code", "voters")) == before


def test_import_outside_the_users_area_is_refused(user):
    admin = user("admin")
    data = export_csv(admin, "74.02.01")          # Konawe
    with pytest.raises(ImportRejected) as rejected:
        tps_import(actor=user("polres.kolaka"), data=data, filename="konawe.csv")
    assert {p.code for p in rejected.value.problems} == {"out_of_scope"}
    assert "di luar wilayah" in rejected.value.problems[0].message


def test_partner_role_may_not_import(user):
    data = export_csv(user("admin"), "74.01.04")
    with pytest.raises(ImportRejected) as rejected:
        tps_import(actor=user("kpu"), data=data, filename="x.csv")
    assert "not_allowed" in {p.code for p in rejected.value.problems}


def test_unknown_desa_is_suggested_and_an_explicit_mapping_applies(user):
    admin = user("admin")
    real = Tps.objects.filter(desa_id="74.01.04.1001").order_by("number").first()
    # The file uses a re-coded desa that the hierarchy does not know.
    wrong_desa = "7401049999"
    line = f"{wrong_desa}777,{wrong_desa},777,TPS 777,Jl. Contoh,250,,,pemilu,tidak,,,normal"
    data = f"{HEADER},nama_desa\n{line},{real.desa.name}\n".encode()
    with pytest.raises(ImportRejected) as rejected:
        tps_import(actor=admin, data=data, filename="recoded.csv")
    assert [p.code for p in rejected.value.problems] == ["unknown_desa"]
    suggestion = rejected.value.suggestions[0]
    assert suggestion.candidates[0][0] == "74.01.04.1001"
    result = tps_import(actor=admin, data=data, filename="recoded.csv",
                        desa_mapping={"74.01.04.9999": "74.01.04.1001"})
    assert result.created == 1
    assert Tps.objects.get(desa_id="74.01.04.1001", number=777).code == "7401041001777"
