"""The importer kit: header rules, the capped problem list, the rejection."""

import pickle

from siaga.core.importkit import ImportRejected, Problem, ProblemList, match_header, read_table

VARIANTS = {"code": ("kode", "code"), "name": ("nama", "name")}


def test_header_rules():
    header = match_header(1, ["No.", "KODE", "Na\nma", "code", "alamat", "ket\n(lain)", ""], VARIANTS)
    assert header.columns == {"code": 1, "name": 2}  # a line break inside a known header still matches
    assert header.ignored == ["No."]  # a running row number, and only that, is ignored
    assert header.problems == [
        ("code", "duplicate_column", {"first": "KODE"}),
        ("alamat", "unknown_column", {"known": "kode, nama"}),
        ("ket⏎(lain)", "unreadable_column", {"known": "kode, nama"}),
    ]


def test_problem_list_keeps_the_first_and_counts_all_and_pickles():
    problems = ProblemList(limit=3)
    for i in range(5):
        problems.append(Problem(i, None, None, "x", "m", "warning" if i == 4 else "error"))
    assert [p.line for p in problems] == [0, 1, 2, 4] and (problems.total, problems.errors) == (5, 4)
    copy = pickle.loads(pickle.dumps(problems))
    assert copy == problems and (copy.total, copy.errors, copy.limit) == (5, 4, 3)
    merged = ProblemList(limit=10)
    merged.merge(copy)
    assert (len(merged), merged.total, merged.errors) == (4, 5, 4)


def test_warnings_never_crowd_out_errors():
    problems = ProblemList(limit=2)
    for i in range(5):
        problems.append(Problem(i, None, None, "w", "m", "warning"))
    problems.append(Problem(9, None, None, "e", "m"))
    assert [p.line for p in problems] == [0, 1, 9] and (problems.total, problems.errors) == (6, 1)


def test_rejection_says_how_many_were_left_out():
    problems = ProblemList(Problem(i, None, None, "x", "m") for i in range(1500))
    rejected = ImportRejected(problems)
    assert rejected.total == 1500 and len(rejected.problems) == 1001
    assert rejected.problems[-1].message == (
        "… dan 500 masalah lain (seluruhnya 1500); perbaiki yang di atas lalu impor ulang.")


def test_small_table_refuses_a_duplicate_header_before_reading_rows():
    table = read_table(b"kode,nama,name\n1,A,B\n", filename="t.csv", variants=VARIANTS, required=("code",),
                       lang="en", messages={"en": {}}, max_bytes=1000)
    assert [(p.line, p.column, p.code) for p in table.problems] == [(1, "name", "duplicate_column")]
    assert table.problems[0].message == ("Line 1, column 'name': this column means the same as column 'nama'; "
                                         "remove one of them.")
    assert table.rows == []
