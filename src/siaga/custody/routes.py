"""The expected journey of an item, the forms that travel with it, and its deadlines (pure: codes and dates in).

Outbound: KPU kab/kota warehouse -> PPK -> PPS -> TPS, everything at the TPS by
the end of the logistics stage (H-1). Return after counting: TPS -> PPS -> PPK
(kecamatan recap, D.Hasil) -> KPU kab/kota (kab/kota recap) -> KPU provinsi
(province recap). Deadlines are never constants: they are read from the
election's stage calendar (the operation's tahapan, planning.selectors.stage_calendar)
and an item is late once the day a stage fixes has ended, local time.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Makassar")

# Races per election, in registry order: (race code, label). BALLOT_BOXES in regions.models gives the counts.
RACES = {
    "pemilu": [("presiden", "Presiden"), ("dpr", "DPR"), ("dpd", "DPD"), ("dprd_prov", "DPRD Provinsi"),
               ("dprd_kab", "DPRD Kab/Kota")],
    "pilkada": [("gubernur", "Gubernur"), ("bupati", "Bupati/Walikota")],
}
ENVELOPE = {"pemilu": ("c_hasil", "C.Hasil"), "pilkada": ("c_hasil_kwk", "C.Hasil-KWK")}
# Recap forms: the kecamatan's D.Hasil (Pilkada: D.Hasil Kecamatan-KWK), the kab/kota's, and the record of
# special events at each recap (D.Kejadian Khusus).
D_HASIL_KECAMATAN = {"pemilu": ("d_hasil_kec", "D.Hasil Kecamatan"), "pilkada": ("d_hasil_kec_kwk",
                                                                                  "D.Hasil Kecamatan-KWK")}
D_HASIL_KABKOTA = {"pemilu": ("d_hasil_kab", "D.Hasil Kabupaten/Kota"),
                   "pilkada": ("d_hasil_kab_kwk", "D.Hasil Kabupaten/Kota-KWK")}
D_KEJADIAN_KHUSUS = ("d_kejadian_khusus", "D.Kejadian Khusus")
LEVELS = ("kpuprov", "kpu", "ppk", "pps", "tps")  # top of the chain first


def node_code(kind: str, code: str) -> str:
    return f"{kind.upper()}-{code}"


def outbound_path(kabkota: str, kecamatan: str, desa: str, tps_code: str) -> list[str]:
    return [node_code("kpu", kabkota), node_code("ppk", kecamatan), node_code("pps", desa), node_code("tps", tps_code)]


def item_path(kabkota: str, kecamatan: str, desa: str, tps_code: str) -> list[str]:
    """The whole chain of an item, province first: KPU provinsi, KPU kab/kota, PPK, PPS, TPS."""
    return [node_code("kpuprov", kabkota[:2]), *outbound_path(kabkota, kecamatan, desa, tps_code)]


def is_expected_move(path: list[str], origin: str, destination: str) -> bool:
    """A move one step along the path, outbound or back (return journey)."""
    if origin not in path or destination not in path:
        return False
    return abs(path.index(origin) - path.index(destination)) == 1


def node_kind(code: str) -> str:
    return code.split("-", 1)[0].lower()


def forms_required(election: str, origin_kind: str, destination_kind: str) -> list[tuple[str, str]]:
    """The forms (code, label) that must travel on a return leg, checked at the handover like the seals:

    TPS -> PPS and PPS -> PPK: the TPS's result form (C.Hasil; Pilkada C.Hasil-KWK) in its sealed envelope;
    PPK -> KPU kab/kota: the kecamatan's D.Hasil and its D.Kejadian Khusus;
    KPU kab/kota -> KPU provinsi: the kab/kota's D.Hasil and its D.Kejadian Khusus.
    Outbound legs carry no result forms (an empty list).
    """
    leg = (origin_kind, destination_kind)
    if leg in (("tps", "pps"), ("pps", "ppk")):
        return [ENVELOPE[election]]
    if leg == ("ppk", "kpu"):
        return [D_HASIL_KECAMATAN[election], D_KEJADIAN_KHUSUS]
    if leg == ("kpu", "kpuprov"):
        return [D_HASIL_KABKOTA[election], D_KEJADIAN_KHUSUS]
    return []


def missing_forms(election: str, origin_kind: str, destination_kind: str, forms_seen: dict) -> list[str]:
    """Codes of the required forms the giver did not record (a form counts when it has a non-blank number)."""
    return [code for code, _label in forms_required(election, origin_kind, destination_kind)
            if not str(forms_seen.get(code) or "").strip()]


@dataclass(frozen=True)
class Calendar:
    """The days of one election's stages that custody deadlines follow: {stage kind: (first, last day)}."""

    stages: dict

    def last_day(self, kind: str) -> date | None:
        return self.stages[kind][1] if kind in self.stages else None

    def first_day(self, kind: str) -> date | None:
        return self.stages[kind][0] if kind in self.stages else None

    def outbound_due(self) -> dict[str, date]:
        """Node kind -> the day by whose end outbound items must have reached it: the TPS by the last day of
        the logistics stage (H-1), the PPS a day and the PPK two days before it."""
        end = self.last_day("logistik")
        if end is None:
            return {}
        return {"ppk": end - timedelta(days=2), "pps": end - timedelta(days=1), "tps": end}

    def return_due(self) -> dict[str, date]:
        """Node kind -> the day by whose end returned items must have reached it: the PPS by the last day of
        voting and counting; the PPK by the kecamatan recap's first full day (its first day receives the
        boxes); the KPU kab/kota the day after the kecamatan recap ends; the KPU provinsi the day after the
        kab/kota recap ends."""
        due = {}
        if (voting := self.last_day("pemungutan")) is not None:
            due["pps"] = voting
        if (kec := self.stages.get("rekap_kecamatan")) is not None:
            due["ppk"] = kec[0] + timedelta(days=1)
            due["kpu"] = kec[1] + timedelta(days=1)
        if (kab := self.last_day("rekap_kabkota")) is not None:
            due["kpuprov"] = kab + timedelta(days=1)
        return due

    def voting_day(self) -> date | None:
        return self.first_day("pemungutan")


def end_of(day: date) -> datetime:
    """The last instant of ``day``, local time: a deadline "by 2 Mar" has passed from 3 Mar 00:00."""
    return datetime.combine(day, time.max, tzinfo=LOCAL)


def overdue_stages(calendar: Calendar, now: datetime) -> list[tuple[str, list[str]]]:
    """Stages whose deadline has passed: (stage name, node kinds where an item is then late).

    Outbound stages count until the end of voting day; after it the return stages take over (items are meant
    to sit at the TPS on voting day). Without a calendar nothing is overdue (there is no constant to fall on).
    """
    voting = calendar.voting_day()
    if voting is None:
        return []
    order = ["kpu", "ppk", "pps", "tps"]
    if now <= end_of(voting):
        return [(f"out_{stage}", order[:order.index(stage)]) for stage, day in calendar.outbound_due().items()
                if now > end_of(day)]
    back = ["tps", "pps", "ppk", "kpu", "kpuprov"]
    return [(f"back_{stage}", back[:back.index(stage)]) for stage, day in calendar.return_due().items()
            if now > end_of(day)]
