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
is deterministic for a seed. A national day (820,161 TPS, about 5 million
submissions) is kept in columns (`Stream`, about 40 bytes a submission) and
turned into Submission objects only as they are sent.
"""

from __future__ import annotations

import random
from array import array
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np

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


@dataclass(frozen=True, slots=True)
class Submission:
    send_at: datetime
    kind: str            # "event" or "incident"
    client_id: str
    payload: dict
    retry: bool = False
    expect_reject: bool = False


def _local(day: date, tz: ZoneInfo, hh: float) -> datetime:
    return (datetime.combine(day, time(0), tzinfo=tz) + timedelta(hours=hh)).astimezone(timezone.utc)


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
US = timedelta(microseconds=1)
STAGES = ("logistik", "buka", "pemungutan", "penghitungan", "selesai", "serah")
INCIDENT = len(STAGES)  # the kind column: a stage's index, or INCIDENT
RETRY, TYPO = 1, 2      # the flags column
UUID4_CLEAR = ~((0xc000 << 48) | (0xf000 << 64))  # uuid.UUID(int=..., version=4), as bit operations
UUID4_SET = (0x8000 << 48) | (4 << 76)
LOW64 = (1 << 64) - 1


def _local_us(day: date, tz: ZoneInfo):
    """hh -> microseconds since the epoch of `_local(day, tz, hh)`, exactly; without building a datetime per
    call when the zone keeps one UTC offset through the day (every Indonesian zone)."""
    midnight = datetime.combine(day, time(0), tzinfo=tz)
    if midnight.utcoffset() == (midnight + timedelta(hours=24)).utcoffset():
        base = (midnight - EPOCH) // US
        return lambda hh: base + timedelta(hours=hh) // US
    return lambda hh: (_local(day, tz, hh) - EPOCH) // US


def _times(us: np.ndarray) -> list[datetime]:
    """Naive UTC datetimes of microsecond counts."""
    return us.astype("datetime64[us]").tolist()


def _iso_texts(us: np.ndarray) -> list[str]:
    """`datetime.isoformat()` of UTC microsecond counts, in C: '2024-02-13T22:15:00.123456+00:00'."""
    texts = [t + "+00:00" for t in np.datetime_as_string(us.astype("datetime64[us]"), unit="us").tolist()]
    for i in np.flatnonzero(us % 1_000_000 == 0).tolist():  # isoformat leaves out a zero fraction
        texts[i] = texts[i][:19] + "+00:00"
    return texts


def _uuid_texts(hi: np.ndarray, lo: np.ndarray) -> list[str]:
    """str(uuid.UUID(int=hi << 64 | lo)) of each pair, in C."""
    raw = np.empty((len(hi), 2), ">u8")
    raw[:, 0], raw[:, 1] = hi, lo
    digits = np.frombuffer(raw.tobytes().hex().encode(), np.uint8).reshape(len(hi), 32)
    out = np.full((len(hi), 36), ord("-"), np.uint8)
    for a, b, at in ((0, 8, 0), (8, 12, 9), (12, 16, 14), (16, 20, 19), (20, 32, 24)):
        out[:, at:at + b - a] = digits[:, a:b]
    return out.view("S36").ravel().astype("U36").tolist()


def _stage_hours(rng: random.Random, late: bool) -> list[tuple[str, float]]:
    opened = rng.uniform(7.25, 8.5) if late else rng.uniform(6.75, 7.2)
    counting = rng.uniform(13.5, 14.5) if late else rng.uniform(13.0, 13.45)
    finished = rng.uniform(counting + 3, 23.5)
    return [("logistik", rng.uniform(5.0, 6.5)), ("buka", opened), ("pemungutan", opened + rng.uniform(0.02, 0.2)),
            ("penghitungan", counting), ("selesai", finished), ("serah", min(finished + rng.uniform(0.2, 1.5), 23.9))]


class Stream:
    """Submissions in columns, in send order; iterating builds each Submission as it is needed.

    Columns: send and happen time (microseconds since the epoch), client id (two 64-bit halves), TPS index,
    kind (stage index or INCIDENT), flags (RETRY, TYPO), incident detail (category index * 8 + severity).
    """

    def __init__(self, codes, send, at, hi, lo, tps, kind, flags, detail):
        self.codes = codes
        order = np.lexsort((flags & RETRY, lo, hi, send))  # (send time, client id, retry), as before
        self.send, self.at, self.hi, self.lo = send[order], at[order], hi[order], lo[order]
        self.tps, self.kind, self.flags, self.detail = tps[order], kind[order], flags[order], detail[order]

    def __len__(self) -> int:
        return len(self.send)

    def __iter__(self):
        return self.submissions()

    def submissions(self, chunk=20_000):
        codes, utc = self.codes, timezone.utc
        for start in range(0, len(self), chunk):
            part = slice(start, start + chunk)
            columns = (_times(self.send[part]), _iso_texts(self.at[part]), _uuid_texts(self.hi[part], self.lo[part]),
                       *(column[part].tolist() for column in (self.tps, self.kind, self.flags, self.detail)))
            for send, at_text, client_id, t, kind, flags, detail in zip(*columns):
                code = codes[t]
                if flags & TYPO:
                    code = code[:-3] + "999" if not code.endswith("999") else code[:-3] + "998"
                if kind == INCIDENT:
                    payload = {"tps_code": code, "category": CATEGORIES[detail >> 3], "severity": detail & 7,
                               "description": "Latihan: laporan insiden simulasi", "at": at_text}
                else:
                    payload = {"tps_code": code, "kind": STAGES[kind], "at": at_text}
                yield Submission(send.replace(tzinfo=utc), "incident" if kind == INCIDENT else "event", client_id,
                                 payload, retry=bool(flags & RETRY), expect_reject=bool(flags & TYPO))

    def first_send_at(self) -> datetime | None:
        return EPOCH + timedelta(microseconds=int(self.send[0])) if len(self) else None

    def expected_counts(self) -> dict:
        """As `expected_counts(list(self))`: every retry repeats a submission of the same stream."""
        retry, typo = (self.flags & RETRY) > 0, (self.flags & TYPO) > 0
        return {"sent": len(self), "rejected": int(typo.sum()), "accepted": int((~retry & ~typo).sum()),
                "duplicates": int((retry & ~typo).sum())}


def election_day_stream(tps: list[tuple[str, str]], *, day: date, tz: str = "Asia/Makassar", seed: int = 2024,
                        settings: Settings = Settings()) -> Stream:
    """The submissions of `election_day`, the same for the same seed, as a Stream."""
    rng = random.Random(seed)
    rand, uniform, bits, choices = rng.random, rng.uniform, rng.getrandbits, rng.choices
    local_us = _local_us(day, ZoneInfo(tz))
    codes = []
    send, at_col, hi, lo = array("q"), array("q"), array("Q"), array("Q")
    tps_col, kind_col, flags_col, detail_col = array("i"), array("b"), array("B"), array("B")
    offline_rate, typo_rate, retry_rate = settings.offline_rate, settings.typo_rate, settings.retry_rate
    missing_rate, late_rate, incident_rate = settings.missing_rate, settings.late_rate, settings.incident_rate

    def add(index, at, kind, detail=0):  # the same random draws, in the same order, as before
        sent = at + timedelta(minutes=uniform(10, 120)) // US if rand() < offline_rate else at
        typo = TYPO if rand() < typo_rate else 0
        value = (bits(128) & UUID4_CLEAR) | UUID4_SET
        rows = 2 if rand() < retry_rate else 1
        for row in range(rows):
            if row:
                sent += timedelta(seconds=uniform(1, 90)) // US
            send.append(sent)
            at_col.append(at)
            hi.append(value >> 64)
            lo.append(value & LOW64)
            tps_col.append(index)
            kind_col.append(kind)
            flags_col.append(typo | (RETRY if row else 0))
            detail_col.append(detail)

    for index, (code, klass) in enumerate(tps):
        codes.append(code)
        late = rand() < late_rate
        for stage, (_name, hh) in enumerate(_stage_hours(rng, late)):
            if rand() >= missing_rate:
                add(index, local_us(hh), stage)
        if rand() < incident_rate.get(klass, incident_rate["kurang_rawan"]):
            at = local_us(uniform(6.0, 22.0))
            category = CATEGORIES.index(choices(CATEGORIES, CATEGORY_WEIGHTS)[0])
            add(index, at, INCIDENT, category * 8 + choices((1, 2, 3, 4), SEVERITY_WEIGHTS)[0])
    columns = [np.frombuffer(column, dtype=column.typecode) if len(column) else np.array([], column.typecode)
               for column in (send, at_col, hi, lo, tps_col, kind_col, flags_col, detail_col)]
    return Stream(codes, *columns)


def election_day(tps: list[tuple[str, str]], *, day: date, tz: str = "Asia/Makassar", seed: int = 2024,
                 settings: Settings = Settings()) -> list[Submission]:
    """Submissions for TPS given as (13-digit code, class) pairs, sorted by send time."""
    return list(election_day_stream(tps, day=day, tz=tz, seed=seed, settings=settings))


def default_classes(codes: list[str], seed: int = 2024, mix: dict = DEFAULT_CLASS_MIX) -> list[tuple[str, str]]:
    """A class per TPS drawn from a default mix, when no vulnerability scores exist."""
    rng = random.Random(seed)
    classes, weights = zip(*mix.items())
    return [(code, rng.choices(classes, weights)[0]) for code in codes]


def expected_counts(subs) -> dict:
    """What a correct server must answer for this stream."""
    if isinstance(subs, Stream):
        return subs.expected_counts()
    first = {s.client_id for s in subs if not s.retry}
    return {"sent": len(subs), "rejected": sum(s.expect_reject for s in subs),
            "accepted": sum(1 for s in subs if not s.retry and not s.expect_reject),
            "duplicates": sum(1 for s in subs if s.retry and not s.expect_reject and s.client_id in first)}
