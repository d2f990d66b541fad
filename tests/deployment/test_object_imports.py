"""Guarded objects, object patterns and Linmas rosters from files: all rows or none."""

import pytest

from siaga.core.importkit import ImportRejected
from siaga.deployment.linmas_import import linmas_import
from siaga.deployment.models import GuardObject, LinmasRoster, PatternSet
from siaga.deployment.object_import import guard_import

PILKADA = "Operasi Mantap Praja Anoa 2024"


@pytest.mark.django_db
def test_objects_import_all_or_nothing(user):
    admin = user("admin")
    good = ("kode,jenis,nama,kode_wilayah,lat,lng,kelas,pemilihan,operasi,mulai,selesai\n"
            "OV-9,objek_vital,PLTU Nii Tanasa,74.02,\"-3,9\",122.4,rawan,,,,\n"
            f"KMP-9,kampanye,Kampanye akbar,74.02.01,-3.95,122.5,sangat rawan,pilkada,{PILKADA},2024-11-20,"
            "2024-11-20\n")
    assert guard_import(actor=admin, data=good.encode(), filename="o.csv")["created"] == 2
    event = GuardObject.objects.get(code="KMP-9")
    assert (event.kecamatan_code, event.kabkota_code, event.klass, event.election) == ("74.02.01", "74.02", 2,
                                                                                       "pilkada")
    assert str(event.starts_on) == "2024-11-20" and GuardObject.objects.get(code="OV-9").lat == -3.9
    bad = ("kode,jenis,nama,kode_wilayah,lat,lng,pemilihan,mulai\n"
           "OV-10,objek_vital,Bendungan,74.02,-3.9,122.4,,\n"
           "OV-11,menara,Menara,74.02,-3.9,122.4,,\n"
           "OV-12,kantor_kpu,KPU,74,-3.9,122.4,,\n"
           "OV-13,kantor_kpu,KPU,74.02,utara,122.4,pemilu legislatif,2024-13-01\n")
    with pytest.raises(ImportRejected) as caught:
        guard_import(actor=admin, data=bad.encode(), filename="b.csv")
    codes = sorted(p.code for p in caught.value.problems)
    assert codes == ["bad_date", "bad_election", "bad_kind", "bad_number", "no_kabkota"]
    assert not GuardObject.objects.filter(code="OV-10").exists()  # nothing saved


@pytest.mark.django_db
def test_object_patterns_make_a_new_version(user):
    admin = user("admin")
    before = PatternSet.objects.filter(province_code="74", operation=PILKADA).order_by("-version").first()
    data = (f"operasi,jenis,kelas,polri_per_objek,tni_per_objek,provinsi\n"
            f"{PILKADA},objek_vital,kurang rawan,3,0,74\n{PILKADA},kantor_kpu,sangat rawan,12,4,74\n")
    assert guard_import(actor=admin, data=data.encode(), filename="p.csv")["created"] == 1
    after = PatternSet.objects.filter(province_code="74", operation=PILKADA).order_by("-version").first()
    assert after.version == before.version + 1
    rules = {(r.kind, r.klass): (r.polri_per_object, r.tni_per_object) for r in after.object_rules.all()}
    assert rules[("objek_vital", 0)] == (3, 0) and rules[("kantor_kpu", 2)] == (12, 4)
    assert rules[("ppk_rekap", 0)] == (2, 0)  # carried over
    assert after.rules.count() == before.rules.count()
    with pytest.raises(ImportRejected) as caught:
        guard_import(actor=admin, data=b"operasi,jenis,kelas,polri_per_objek,provinsi\nTidak Ada,kantor_kpu,0,2,74\n",
                     filename="q.csv")
    assert [p.code for p in caught.value.problems] == ["no_pattern_set"]


@pytest.mark.django_db
def test_linmas_import(user):
    admin = user("admin")
    data = b"kode_desa,jumlah_linmas\n74.01.01.1001,5\n7401011002,0\n"
    assert linmas_import(actor=admin, data=data, filename="l.csv")["created"] == 2
    assert dict(LinmasRoster.objects.values_list("desa_code", "count")) == {"74.01.01.1001": 5, "74.01.01.1002": 0}
    with pytest.raises(ImportRejected) as caught:
        linmas_import(actor=admin, data=b"kode_desa,jumlah_linmas\n74.01.01.1001,x\n74.99.99.9999,1\n",
                      filename="b.csv")
    assert sorted(p.code for p in caught.value.problems) == ["bad_count", "bad_desa"]
    with pytest.raises(ImportRejected):
        linmas_import(actor=user("polres.kolaka"), data=b"kode_desa,jumlah_linmas\n74.02.01.1001,3\n", filename="s.csv")
