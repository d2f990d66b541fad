"""Election-day drill: a realistic stream of field submissions for a set of TPS.

Plain data in (TPS codes with their vulnerability class), plain data out (a
list of submissions sorted by the time they are *sent*). What a real day has:

- each TPS reports its stages through the day (logistics at dawn, opening
  around 07:00, counting after 13:00, finishing in the evening, handover);
  openings and counting starts are sometimes late, some reports never come;
- phones queue reports while offline and send them later (out of order);
- retries: the same submission (same client id) sent again;
- incidents at a rate set by the TPS class, severity mostly low;
- a few submissions with a mistyped TPS code, which the server must reject.

Every submission is marked as exercise data by the sender. The generator
is deterministic for a seed.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

# Incidents per TPS per day by class (police classes; "khusus" like sangat rawan).
DEFAULT_INCIDENT_RATE = {"kurang_rawan": 0.01, "rawan": 0.04, "sangat_rawan": 0.12, "khusus": 0.12}
DEFAULT_CLASS_MIX = {"kurang_rawan": 0.8, "rawan": 0.15, "sangat_rawan": 0.05}
CATEGORIES = ("bentrok", "politik_uang", "hoaks", "intimidasi", "logistik", "netralitas", "sara", "kerusuhan",
              "bencana", "lainnya")
CATEGORY_WEIGHTS = (10, 15, 12, 10, 20, 8, 3, 2, 5, 15)
SEVERITY_WEIGHTS = (50, 30, 15, 5)


@dataclass(frozen=True)
class Settings:
    missing_rate: float = 0.02      # a stage report never sent
    late_rate: float = 0.08         # opening/counting reported after the window
    offline_rate: float = 0.05      # sent later than it happened
    retry_rate: float = 0.04        # sent twice with the same client id
    typo_rate: float = 0.003        # TPS code mistyped: must be rejected
    incident_rate: dict = field(default_factory=lambda: dict(DEFAULT_INCIDENT_RATE))


@dataclass(frozen=True)
class Submission:
    send_at: datetime
    kind: str            # "event" or "incident"
    client_id: str
    payload: dict
    retry: bool = False
    expect_reject: bool = False


def _local(day: date, tz: ZoneInfo, hh: float) -> datetime:
    return (datetime.combine(day, time(0), tzinfo=tz) + timedelta(hours=hh)).astimezone(timezone.utc)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _stage_hours(rng: random.Random, late: bool) -> list[tuple[str, float]]:
    opened = rng.uniform(7.25, 8.5) if late else rng.uniform(6.75, 7.2)
    counting = rng.uniform(13.5, 14.5) if late else rng.uniform(13.0, 13.45)
    finished = rng.uniform(counting + 3, 23.5)
    return [("logistik", rng.uniform(5.0, 6.5)), ("buka", opened), ("pemungutan", opened + rng.uniform(0.02, 0.2)),
            ("penghitungan", counting), ("selesai", finished), ("serah", min(finished + rng.uniform(0.2, 1.5), 23.9))]


def election_day(tps: list[tuple[str, str]], *, day: date, tz: str = "Asia/Makassar", seed: int = 2024,
                 settings: Settings = Settings()) -> list[Submission]:
    """Submissions for TPS given as (13-digit code, class) pairs, sorted by send time."""
    rng = random.Random(seed)
    zone = ZoneInfo(tz)
    out: list[Submission] = []

    def add(at: datetime, kind: str, payload: dict):
        send_at = at + timedelta(minutes=rng.uniform(10, 120)) if rng.random() < settings.offline_rate else at
        code = payload["tps_code"]
        typo = rng.random() < settings.typo_rate
        if typo:
            code = code[:-3] + "999" if not code.endswith("999") else code[:-3] + "998"
        sub = Submission(send_at, kind, _uuid(rng), {**payload, "tps_code": code, "at": at.isoformat()},
                         expect_reject=typo)
        out.append(sub)
        if rng.random() < settings.retry_rate:
            out.append(Submission(send_at + timedelta(seconds=rng.uniform(1, 90)), kind, sub.client_id, sub.payload,
                                  retry=True, expect_reject=typo))

    for code, klass in tps:
        late = rng.random() < settings.late_rate
        for stage, hh in _stage_hours(rng, late):
            if rng.random() >= settings.missing_rate:
                add(_local(day, zone, hh), "event", {"tps_code": code, "kind": stage})
        if rng.random() < settings.incident_rate.get(klass, settings.incident_rate["kurang_rawan"]):
            add(_local(day, zone, rng.uniform(6.0, 22.0)), "incident", {
                "tps_code": code, "category": rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0],
                "severity": rng.choices((1, 2, 3, 4), SEVERITY_WEIGHTS)[0],
                "description": "Latihan: laporan insiden simulasi"})
    out.sort(key=lambda s: (s.send_at, s.client_id, s.retry))
    return out


def default_classes(codes: list[str], seed: int = 2024, mix: dict = DEFAULT_CLASS_MIX) -> list[tuple[str, str]]:
    """A class per TPS drawn from a default mix, when no vulnerability scores exist."""
    rng = random.Random(seed)
    classes, weights = zip(*mix.items())
    return [(code, rng.choices(classes, weights)[0]) for code in codes]


def expected_counts(subs: list[Submission]) -> dict:
    """What a correct server must answer for this stream."""
    first = {s.client_id for s in subs if not s.retry}
    return {"sent": len(subs), "rejected": sum(s.expect_reject for s in subs),
            "accepted": sum(1 for s in subs if not s.retry and not s.expect_reject),
            "duplicates": sum(1 for s in subs if s.retry and not s.expect_reject and s.client_id in first)}
