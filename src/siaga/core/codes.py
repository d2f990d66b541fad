"""Kemendagri region codes and KPU TPS codes.

Codes arrive dotted (``74.05.24.2009``) or undotted as KPU writes them
(``7405242009``); Siaga stores the dotted form everywhere. A TPS code is the
undotted desa code plus a three-digit TPS number (``7405242009001``).
"""

from __future__ import annotations

import re

# Digits per level, from province down to desa.
LEVEL_WIDTHS = (2, 2, 2, 4)
LEVELS = ("provinsi", "kabkota", "kecamatan", "desa")
_UNDOTTED_LENGTHS = {2: 1, 4: 2, 6: 3, 10: 4}
TPS_CODE_LENGTH = 13
SPECIAL_TPS_FIRST_DIGIT = "9"  # TPS numbered 9xx are TPS khusus


_DOTTED = re.compile(r"\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?", re.ASCII)


class CodeError(ValueError):
    """A region or TPS code that cannot be read."""


def normalize_region_code(raw: object) -> str:
    """Return the dotted canonical form of a region code at any level.

    >>> normalize_region_code("7405242009")
    '74.05.24.2009'
    >>> normalize_region_code(" 74.05 ")
    '74.05'
    """
    text = str(raw).strip()
    if _DOTTED.fullmatch(text):
        return text
    # Spreadsheets turn codes into numbers: 7405242009.0
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    if not text.isascii() or not text.isdigit() or len(text) not in _UNDOTTED_LENGTHS:
        raise CodeError(text)
    parts, pos = [], 0
    for width in LEVEL_WIDTHS[: _UNDOTTED_LENGTHS[len(text)]]:
        parts.append(text[pos : pos + width])
        pos += width
    return ".".join(parts)


def region_level(code: str) -> str:
    """The level name of a canonical code: provinsi, kabkota, kecamatan or desa."""
    return LEVELS[code.count(".")]


def parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def undotted(code: str) -> str:
    return code.replace(".", "")


def is_kota(kabkota_code: str) -> bool:
    """Kab/kota numbers 71-99 are kota, 01-69 kabupaten."""
    return int(kabkota_code.split(".")[1]) >= 71


def is_kelurahan(desa_code: str) -> bool:
    """Desa numbers starting with 1 are kelurahan, with 2 desa."""
    return desa_code.split(".")[3].startswith("1")


def split_tps_code(raw: object) -> tuple[str, int]:
    """Split a 13-digit KPU TPS code into (canonical desa code, TPS number)."""
    original = str(raw).strip()
    text = original[:-2] if original.endswith(".0") and original[:-2].isdigit() else original
    text = text.replace(".", "")
    if not text.isascii() or not text.isdigit() or len(text) != TPS_CODE_LENGTH:
        raise CodeError(original)
    number = int(text[10:])
    if number == 0:
        raise CodeError(original)
    return normalize_region_code(text[:10]), number


def tps_code(desa_code: str, number: int) -> str:
    """The 13-digit KPU code of TPS ``number`` in a desa."""
    if not 1 <= number <= 999:
        raise CodeError(str(number))
    return f"{undotted(normalize_region_code(desa_code))}{number:03d}"


def is_special_tps_number(number: int) -> bool:
    return f"{number:03d}".startswith(SPECIAL_TPS_FIRST_DIGIT)
