"""The SMS syntax field officers use when there is no data signal.

    TPS <kode TPS 13 angka> <STATUS>
    INSIDEN <kode TPS 13 angka> <tingkat 1-4> <uraian>

STATUS words: LOGISTIK, BUKA, MULAI (voting), HITUNG, SELESAI, SERAH,
GANGGUAN, TUNDA, LANJUT. Words are case-insensitive and extra spaces are
ignored. An incident's category is read from the first words of its
description (``bentrok``, ``politik uang``, ``hoaks``...), else "lainnya".
Errors are answered in Indonesian, naming what is wrong and an example.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

STATUS_WORDS = {
    "LOGISTIK": "logistik", "BUKA": "buka", "MULAI": "pemungutan", "HITUNG": "penghitungan",
    "SELESAI": "selesai", "SERAH": "serah", "GANGGUAN": "gangguan", "TUNDA": "ditunda", "LANJUT": "lanjut",
}
# Keyword (lower case, may be two words) -> incident category code.
CATEGORY_WORDS = {
    "bentrok": "bentrok", "politik uang": "politik_uang", "money": "politik_uang", "serangan fajar": "politik_uang",
    "hoaks": "hoaks", "hoax": "hoaks", "intimidasi": "intimidasi", "ancaman": "intimidasi",
    "logistik": "logistik", "netralitas": "netralitas", "sara": "sara", "kerusuhan": "kerusuhan",
    "rusuh": "kerusuhan", "teror": "terorisme", "bom": "terorisme", "bencana": "bencana", "banjir": "bencana",
}
OTHER_CATEGORY = "lainnya"
EXAMPLE_STATUS = "TPS 7405242009001 BUKA"
EXAMPLE_INCIDENT = "INSIDEN 7405242009001 3 bentrok massa"


@dataclass(frozen=True)
class StatusReport:
    tps_code: str
    event_kind: str


@dataclass(frozen=True)
class IncidentReport:
    tps_code: str
    severity: int
    category: str
    description: str


class SmsSyntaxError(ValueError):
    """A message that cannot be read; ``str()`` is the Indonesian answer to send back."""


def _tps_code(word: str) -> str:
    code = word.replace(".", "")
    if not re.fullmatch(r"\d{13}", code):
        raise SmsSyntaxError(f"Kode TPS '{word}' tidak valid: harus 13 angka, contoh {EXAMPLE_STATUS}")
    return code


def category_of(description: str) -> str:
    text = description.lower()
    words = text.split()
    for keyword, category in CATEGORY_WORDS.items():
        if " " in keyword and text.startswith(keyword) or keyword in words[:2]:
            return category
    return OTHER_CATEGORY


def parse(text: str) -> StatusReport | IncidentReport:
    words = (text or "").split()
    if not words:
        raise SmsSyntaxError(f"Pesan kosong. Contoh: {EXAMPLE_STATUS} atau {EXAMPLE_INCIDENT}")
    keyword = words[0].upper()
    if keyword == "TPS":
        if len(words) != 3:
            raise SmsSyntaxError(f"Format laporan TPS: TPS <kode> <STATUS>, contoh {EXAMPLE_STATUS}")
        status = STATUS_WORDS.get(words[2].upper())
        if status is None:
            raise SmsSyntaxError(f"Status '{words[2]}' tidak dikenal. Pilih: {', '.join(STATUS_WORDS)}")
        return StatusReport(_tps_code(words[1]), status)
    if keyword == "INSIDEN":
        if len(words) < 4:
            raise SmsSyntaxError(f"Format insiden: INSIDEN <kode> <tingkat 1-4> <uraian>, contoh {EXAMPLE_INCIDENT}")
        code = _tps_code(words[1])
        if words[2] not in {"1", "2", "3", "4"}:
            raise SmsSyntaxError(f"Tingkat '{words[2]}' tidak valid: harus angka 1 sampai 4, contoh {EXAMPLE_INCIDENT}")
        description = " ".join(words[3:])
        return IncidentReport(code, int(words[2]), category_of(description), description)
    raise SmsSyntaxError(f"Kata awal '{words[0]}' tidak dikenal: mulai dengan TPS atau INSIDEN, "
                         f"contoh {EXAMPLE_STATUS}")
