"""Voting-day progress per level and the call list, on a hand-made kecamatan: four TPS report, the rest do not.

Kecamatan 74.10.02 (Buton Utara) has no demo events. Times are WITA (UTC+8), voting day 14 February 2024;
the demo's deadlines are 07:15 (opened), 13:30 (counting) and 23:59 (finished).
"""

from datetime import datetime, timedelta, timezone

import pytest

from siaga.operations import selectors, services
from siaga.regions.models import Tps

WITA = timezone(timedelta(hours=8))
KEC = "74.10.02"


def wita(hour, minute=0):
    return datetime(2024, 2, 14, hour, minute, tzinfo=WITA)


@pytest.fixture
def reported(user, cid):
    admin = user("admin")
    tps = list(Tps.objects.filter(election="pemilu", kecamatan_code=KEC).order_by("code")[:4])
    for t, kind, at in ((tps[0], "buka", wita(7, 10)), (tps[1], "buka", wita(8, 30)),
                        (tps[1], "penghitungan", wita(13, 5)), (tps[2], "selesai", wita(15))):
        services.tps_event_record(actor=admin, client_id=cid(), tps_code=t.code, kind=kind, at=at)
    return tps


@pytest.mark.django_db
def test_timeline_counts_each_milestone_by_the_hour(user, reported):
    total = Tps.objects.filter(election="pemilu", kecamatan_code=KEC).count()
    timeline = selectors.progress_timeline(viewer=user("kapolda"), area=KEC)
    assert timeline["tps"] == total
    at = {label: i for i, label in enumerate(timeline["labels"])}
    pct = lambda n: round(100 * n / total, 1)  # noqa: E731
    opened, counting, finished = (timeline["series"][s] for s in ("buka", "penghitungan", "selesai"))
    # 07:10 and 08:30 openings; the 15:00 'selesai' also opens and starts counting that TPS at 15:00
    assert (opened[at["07:00"]], opened[at["08:00"]], opened[at["09:00"]]) == (0, pct(1), pct(2))
    assert (opened[at["14:00"]], opened[at["15:00"]]) == (pct(2), pct(3))
    assert (counting[at["13:00"]], counting[at["14:00"]], counting[at["15:00"]]) == (0, pct(1), pct(2))
    assert (finished[at["14:00"]], finished[at["15:00"]], finished[at["24:00"]]) == (0, pct(1), pct(1))


@pytest.mark.django_db
def test_progress_per_desa_adds_up_to_the_kecamatan(user, reported):
    rows = selectors.progress_by_child(viewer=user("kapolda"), area=KEC)
    assert sum(r["tps"] for r in rows) == Tps.objects.filter(election="pemilu", kecamatan_code=KEC).count()
    assert sum(r["reported"]["buka"] for r in rows) == 3
    assert sum(r["reported"]["penghitungan"] for r in rows) == 2
    assert sum(r["reported"]["selesai"] for r in rows) == 1
    desa = {r["code"]: r for r in rows}[reported[0].desa_id]
    assert desa["percent"]["buka"] == round(100 * sum(1 for t in reported[:3] if t.desa_id == desa["code"])
                                            / desa["tps"], 1)
    assert rows[0]["percent"]["selesai"] <= rows[-1]["percent"]["selesai"]  # the least reported first
    assert all(r["name"] and r["name"] != r["code"] for r in rows)  # names, not codes


@pytest.mark.django_db
def test_call_list_after_the_opening_deadline_names_the_polsek(user, reported):
    kapolda = user("kapolda")
    calls = selectors.missing_reports(viewer=kapolda, area=KEC, now=wita(9).astimezone(timezone.utc), limit=500)
    total = Tps.objects.filter(election="pemilu", kecamatan_code=KEC).count()
    assert calls["milestone"] == "buka" and calls["deadline"] == wita(7, 15)
    # every TPS with no opening stored is called: all but the three that reported it (the third's stored
    # 'selesai' implies it opened)
    assert calls["count"] == total - 3 == len(calls["rows"])
    codes = {r["tps"].code for r in calls["rows"]}
    assert not codes & {t.code for t in reported[:3]} and reported[3].code in codes
    assert all(r["polsek"].area_code == KEC and r["polsek"].name.startswith("Polsek ") for r in calls["rows"])
    # before the first deadline nobody is called
    early = selectors.missing_reports(viewer=kapolda, area=KEC, now=wita(7).astimezone(timezone.utc))
    assert early == {"milestone": None, "deadline": None, "count": 0, "rows": []}
