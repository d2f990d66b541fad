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


@pytest.mark.django_db
def test_polres_cannot_pull_an_officer_of_another_polres_into_its_unit(user):
    """Issue 19.5: only the destination unit was checked, so Polres Kolaka moved, renamed and cleared
    an officer of Polres 74.02. An NRP recorded outside the importer's area is now an error."""
    from siaga.accounts.models import AuditLog

    personnel_import(actor=user("admin"), filename="konawe.csv", data=(
        "nrp,pangkat,nama,kode_unit,fungsi,jenis,mulai,selesai\n"
        "99000031,Briptu,Petugas Konawe,POLSEK-74.02.01,Samapta,cuti,2024-02-13 00:00,2024-02-15 00:00\n").encode())
    officer = Personnel.objects.get(nrp="99000031")
    state = (officer.unit_id, officer.name, officer.windows.count())
    data = f"nrp,pangkat,nama,kode_unit\n{officer.nrp},Bripda,Nama Baru,POLSEK-74.01.04\n".encode()
    audits = AuditLog.objects.count()
    with pytest.raises(ImportRejected) as exc:
        personnel_import(actor=user("polres.kolaka"), data=data, filename="tarik.csv")
    [problem] = exc.value.problems
    assert (problem.code, problem.line, problem.column, problem.value) == ("person_out_of_scope", 2, "nrp",
                                                                           officer.nrp)
    assert officer.unit.code in problem.message and "74.01" in problem.message
    officer.refresh_from_db()
    assert (officer.unit_id, officer.name, officer.windows.count()) == state
    assert AuditLog.objects.count() == audits


@pytest.mark.django_db
def test_a_move_inside_the_area_is_audited_where_both_units_see_it(user):
    from siaga.accounts.models import AuditLog

    data = b"nrp,pangkat,nama,kode_unit\n99000011,Bripda,Uji Pindah,POLSEK-74.01.04\n"
    personnel_import(actor=user("polres.kolaka"), data=data, filename="a.csv")
    other = Unit.objects.filter(area_code__startswith="74.01.", code__startswith="POLSEK").exclude(
        code="POLSEK-74.01.04").order_by("code").first()
    moved = data.replace(b"POLSEK-74.01.04", other.code.encode())
    assert personnel_import(actor=user("polres.kolaka"), data=moved, filename="b.csv")["updated"] == 1
    entry = AuditLog.objects.filter(action="personnel.import", object_id="99000011").order_by("-pk").first()
    assert entry.area_code == "74.01"  # holds 74.01.04 and the new Polsek's kecamatan


@pytest.mark.django_db
@pytest.mark.parametrize("header, code, column", [
    ("nrp,pangkat,nama,kode_unit,nama,fungsi", "duplicate_column", "nama"),  # issue 19.12: fungsi was blanked
    ("nrp,pangkat,nama,kode_unit,fungsi,golongan darah", "unknown_column", None),
    ('nrp,pangkat,nama,kode_unit,"fung\nsi (jabatan)"', "unreadable_column", None),
])
def test_roster_header_problems_are_errors_not_blank_columns(user, header, code, column):
    data = f"{header}\n99000021,Bripda,Andi,POLSEK-74.01.04,Budi,Samapta\n".encode()
    with pytest.raises(ImportRejected) as exc:
        personnel_import(actor=user("admin"), data=data, filename="kepala.csv")
    [problem] = exc.value.problems
    assert (problem.code, problem.line, problem.column) == (code, 1, column)
    assert not Personnel.objects.filter(nrp="99000021").exists()


@pytest.mark.django_db
def test_pattern_import_as_the_command_line_account(user, tmp_path, capsys):
    """Issue 20: as the national command-line account every row failed with "kode provinsi ''"."""
    from siaga.cli import main

    path = tmp_path / "pola.csv"
    path.write_text("operasi,kelas,polri_per_pos,tps_per_pos_min,tps_per_pos_max,linmas_per_tps\n"
                    "Uji CLI,kurang rawan,2,4,4,6\nUji CLI,rawan,4,2,2,8\n"
                    "Uji CLI,sangat rawan,6,2,2,8\nUji CLI,khusus,2,1,1,2\n")
    with pytest.raises(SystemExit) as code:
        main(["pola", "import", str(path)])
    err = capsys.readouterr().err
    assert code.value.code == 1 and "1 masalah" in err and "Baris 1: 4 baris tanpa provinsi" in err
    assert not PatternSet.objects.filter(operation="Uji CLI").exists()
    with pytest.raises(SystemExit) as code:
        main(["pola", "import", str(path), "--province", "74"])
    assert code.value.code in (0, None)
    assert PatternSet.objects.filter(province_code="74", operation="Uji CLI").count() == 1


@pytest.mark.django_db
def test_importers_take_a_path_or_an_open_file_and_report_progress(user, tmp_path):
    """What a background job needs: a stored upload's path (or file) in, rows done out."""
    path = tmp_path / "kekuatan.csv"
    path.write_bytes(b"kode_unit,kekuatan,tersedia\nPOLSEK-74.01.04,40,31\n")
    done = []
    result = personnel_import(actor=user("admin"), data=path, filename=path.name, progress=done.append)
    assert (result["kind"], done) == ("counts", [1])
    with open(path, "rb") as fh:
        assert personnel_import(actor=user("admin"), data=fh, filename=path.name)["unchanged"] == 1
    assert Unit.objects.get(code="POLSEK-74.01.04").available == 31


@pytest.mark.django_db
def test_a_roster_with_more_broken_rows_than_the_cap_is_refused_cleanly(user):
    from siaga.core.importkit import MAX_PROBLEMS

    data = b"nrp,pangkat,nama,kode_unit\n" + b"1,,,POLSEK-99.01.01\n" * 600  # 4 problems a row
    with pytest.raises(ImportRejected) as exc:
        personnel_import(actor=user("admin"), data=data, filename="rusak.csv")
    assert exc.value.total == 2400 and len(exc.value.problems) == MAX_PROBLEMS + 1
