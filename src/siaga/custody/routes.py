"""The expected journey of an item and its deadlines (pure: codes and dates in, answers out).

Outbound: KPU kab/kota warehouse -> PPK -> PPS -> TPS, everything at the TPS by
H-1. Return after counting: TPS -> PPS -> PPK (guarded during the kecamatan
recap) -> KPU kab/kota. Deadlines are days relative to voting day (H), at
23:59 local time, and are configuration per election.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

VOTING_DAY = {"pemilu": date(2024, 2, 14), "pilkada": date(2024, 11, 27)}
# Node kind -> day offset from voting day by which items must have reached it.
OUTBOUND_DUE = {"ppk": -3, "pps": -2, "tps": -1}
RETURN_DUE = {"pps": 1, "ppk": 2, "kpu": 18}
LOCAL = ZoneInfo("Asia/Makassar")

# Races per election, in registry order: (race code, label). BALLOT_BOXES in regions.models gives the counts.
RACES = {
    "pemilu": [("presiden", "Presiden"), ("dpr", "DPR"), ("dpd", "DPD"), ("dprd_prov", "DPRD Provinsi"),
               ("dprd_kab", "DPRD Kab/Kota")],
    "pilkada": [("gubernur", "Gubernur"), ("bupati", "Bupati/Walikota")],
}
ENVELOPE = {"pemilu": ("c_hasil", "C.Hasil"), "pilkada": ("c_hasil_kwk", "C.Hasil-KWK")}


def node_code(kind: str, code: str) -> str:
    return f"{kind.upper()}-{code}"


def outbound_path(kabkota: str, kecamatan: str, desa: str, tps_code: str) -> list[str]:
    return [node_code("kpu", kabkota), node_code("ppk", kecamatan), node_code("pps", desa), node_code("tps", tps_code)]


def is_expected_move(path: list[str], origin: str, destination: str) -> bool:
    """A move one step along the path, outbound or back (return journey)."""
    if origin not in path or destination not in path:
        return False
    return abs(path.index(origin) - path.index(destination)) == 1


def deadline(election: str, days: int) -> datetime:
    day = VOTING_DAY[election] + timedelta(days=days)
    return datetime.combine(day, time(23, 59), tzinfo=LOCAL)


def overdue_stages(election: str, now: datetime) -> list[tuple[str, list[str]]]:
    """Stages whose deadline has passed: (stage name, node kinds where an item is then late).

    Outbound stages count until the end of voting day; after it the return
    stages take over (items are meant to sit at the TPS on voting day).
    """
    order = ["kpu", "ppk", "pps", "tps"]
    if now <= deadline(election, 0):
        return [(f"out_{stage}", order[:order.index(stage)]) for stage, days in OUTBOUND_DUE.items()
                if now > deadline(election, days)]
    back = order[::-1]
    return [(f"back_{stage}", back[:back.index(stage)]) for stage, days in RETURN_DUE.items()
            if now > deadline(election, days)]
