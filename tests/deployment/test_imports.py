"""Roster, counts and pattern files: clear all-or-nothing errors for a real broken file per error class."""

from pathlib import Path

import pytest

from siaga.deployment.models import AvailabilityWindow, PatternSet, Personnel, Unit
from siaga.deployment.pattern_import import pattern_import
from siaga.deployment.roster_import import ImportRejected, personnel_import

FILES = Path(__file__).parent / "files"


def _reject(importer, actor, name, lang="id"):
    before = (Personnel.objects.count(), AvailabilityWindow.objects.count(), PatternSet.objects.count(),
              list(Unit.objects.order_by("pk").values_list("available", flat=True)))
    with pytest.raises(ImportRejected) as exc:
        importer(actor=actor, data=(FILES / name).read_bytes(), filename=name, lang=lang)
    after = (Personnel.objects.count(), AvailabilityWindow.objects.count(), PatternSet.objects.count(),
             list(Unit.objects.order_by("pk").values_list("available", flat=True)))
    assert before == after  # nothing written
    return exc.value.problems


@pytest.mark.django_db
@pytest.mark.parametrize("name, code, line, column", [
    ("roster_bad_nrp.csv", "bad_nrp", 2, "nrp"),
    ("roster_unknown_unit.csv", "unknown_unit", 2, "kode_unit"),
    ("roster_missing_column.csv", "missing_column", 1, None),
    ("roster_bad_window.csv", "bad_window", 2, "selesai"),
    ("roster_conflict.csv", "conflict_person", 3, "nrp"),
    ("counts_over_strength.csv", "over_strength", 2, "tersedia"),
    ("roster_not_xlsx.xlsx", "not_a_spreadsheet", None, None),
])
def test_broken_roster_files_are_rejected_whole(user, name, code, line, column):
    problems = _reject(personnel_import, user("admin"), name)
    assert [(p.code, p.line, p.column) for p in problems] == [(code, line, column)]
    if line:
        assert problems[0].message.startswith(f"Baris {line}")


@pytest.mark.django_db
def test_messages_in_english(user):
    problems = _reject(personnel_import, user("admin"), "roster_bad_nrp.csv", lang="en")
    assert problems[0].message == "Line 2, column 'nrp': NRP '1234567' must be 8 digits."


@pytest.mark.django_db
def test_polres_imports_only_its_own_units(user):
    problems = _reject(personnel_import, user("polres.kolaka"), "roster_other_polres.csv")
    assert [(p.code, p.value) for p in problems] == [("out_of_scope", "POLSEK-74.02.01")]


@pytest.mark.django_db
def test_partner_may_not_import(user):
    clean = b"kode_unit,tersedia\nPOLSEK-74.01.04,3\n"
    with pytest.raises(ImportRejected) as exc:
        personnel_import(actor=user("kpu"), data=clean, filename="x.csv")
    assert exc.value.problems[0].code == "not_allowed"


@pytest.mark.django_db
def test_roster_import_is_idempotent_and_audited(user):
    from siaga.accounts.models import AuditLog

    data = ("nrp;pangkat;nama;kode_unit;fungsi;jenis;mulai;selesai\n"
            "99000001;Bripda;Uji Satu;POLSEK-74.01.04;Samapta;cuti;2024-02-13 00:00;2024-02-15 00:00\n"
            "99000001;Bripda;Uji Satu;POLSEK-74.01.04;Samapta;dinas;2024-02-10 00:00;2024-02-11 00:00\n"
            "99000002;Briptu;=HYPERLINK(\"x\");POLSEK-74.01.04;Lantas;;;\n").encode()
    first = personnel_import(actor=user("polres.kolaka"), data=data, filename="r.csv")
    assert (first["created"], first["updated"]) == (2, 0)
    assert Personnel.objects.get(nrp="99000001").windows.count() == 2
    audits = AuditLog.objects.filter(action="personnel.import").count()
    again = personnel_import(actor=user("polres.kolaka"), data=data, filename="r.csv")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert AuditLog.objects.filter(action="personnel.import").count() == audits


@pytest.mark.django_db
@pytest.mark.parametrize("name, expected", [
    ("pattern_missing_class.csv", [("missing_class", 1, "operasi")]),
    ("pattern_bad_numbers.csv", [("bad_count", 2, "polri_per_pos"), ("min_over_max", 3, "tps_per_pos_min")]),
    ("pattern_bad_class.csv", [("bad_class", 2, "kelas")]),
])
def test_broken_pattern_files_are_rejected_whole(user, name, expected):
    problems = _reject(pattern_import, user("admin"), name)
    assert [(p.code, p.line, p.column) for p in problems] == expected


@pytest.mark.django_db
def test_pattern_import_versions_and_keeps_each_number(user):
    data = ("operasi,kelas,polri_per_pos,tps_per_pos_min,tps_per_pos_max,linmas_per_tps,tni_per_pos\n"
            "Pemilu 2019,kurang rawan,2,4,4,6,0\nPemilu 2019,rawan,4,2,2,8,0\n"
            "Pemilu 2019,sangat rawan,6,2,2,8,1\nPemilu 2019,khusus,2,1,1,2,0\n").encode()
    assert pattern_import(actor=user("admin"), data=data, filename="p.csv") == {"created": 1, "unchanged": 0}
    assert pattern_import(actor=user("admin"), data=data, filename="p.csv") == {"created": 0, "unchanged": 1}
    current = PatternSet.objects.get(province_code="74", operation="Pemilu 2019")
    rules = {r.klass: (r.polri_per_post, r.tps_per_post_min, r.tps_per_post_max, r.linmas_per_tps, r.tni_per_post)
             for r in current.rules.all()}
    assert rules == {0: (2, 4, 4, 6, 0), 1: (4, 2, 2, 8, 0), 2: (6, 2, 2, 8, 1), 3: (2, 1, 1, 2, 0)}
    assert current.tni_assist
