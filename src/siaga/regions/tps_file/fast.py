"""The fast path: most rows of a real file are plain and valid, so each row first tries a check
that accepts only such rows, with little work; anything unusual goes to the full checks
(reader._Row), which alone report problems. Both build the same TpsRow for a plain row."""

from __future__ import annotations

import re

from siaga.core.codes import is_special_tps_number, normalize_region_code, undotted
from siaga.regions.tps_file.columns import _ACCESS, _BOOLS, _ELECTIONS
from siaga.regions.tps_file.data import (
    COORD_DECIMALS,
    LAT_RANGE,
    LNG_RANGE,
    MAX_NAME_CHARS,
    SUGGESTION_CUTOFF,
    TpsRow,
)
from siaga.regions.tps_file.suggestions import _similarity

# Any control character, tab and line breaks included, sends a row to the full checks.
_UNUSUAL_RE = re.compile(r"[\x00-\x1f\x7f\ufffe\uffff]")
# The cells the fast path reads, in the order _fast_row unpacks them.
_FAST_FIELDS = ("code", "desa_code", "number", "name", "address", "voters", "voters_male", "voters_female",
                "election", "special", "lat", "lng", "access", "notes", "desa_name")
_NO_DESA = ("", "")  # cached for a file desa code the fast path cannot resolve


class FastPath:
    """The fast-path checks of reader._Reader (state: seen, known, mapping, limits, caches)."""

    def _fast_row(self, line: int, texts: list[str]) -> bool:
        """Record a plain valid row with little work; False, with nothing recorded, when it needs _row.

        Accepts only rows that _row would accept without any problem, and builds
        the same TpsRow; every doubt (text to unescape, a dotted code, "TPS 01",
        a decimal comma, a duplicate, a limit) returns False.
        """
        if len(texts) < self.fast_width or max(map(len, texts)) > MAX_NAME_CHARS:
            return False
        if _UNUSUAL_RE.search("".join(texts)):
            return False
        (code_text, desa_text, number_text, name, address, voters_text, male_text, female_text, election_text,
         special_text, lat_text, lng_text, access_text, notes, desa_name) = self.fast_cells(texts + [""])
        if "'" in (name[:1], address[:1], notes[:1], desa_name[:1]):  # maybe formula-escaped
            return False
        ident = self._fast_identity(code_text, desa_text, number_text, desa_name)
        election = self._fast_election(election_text)
        access = _fast_access(access_text)
        if ident is None or election is None or access is None:
            return False
        real, code, number = ident
        special = _fast_special_text(special_text) if special_text else _special_number(number)
        voters = self._fast_voters(voters_text, male_text, female_text, election)
        coordinates = _fast_coordinates(lat_text, lng_text)
        key = (code, election)
        if special is None or voters is None or coordinates is None or key in self.seen:
            return False
        self.seen[key] = line
        self.result.rows.append(TpsRow(line, real, number, code, name, address, *voters, election, special,
                                       *coordinates, access, notes))
        return True

    def _fast_election(self, text: str) -> str | None:
        return _ELECTIONS.get(text.lower()) if text else self.default_election

    def _fast_identity(self, code_text, desa_text, number_text, desa_name) -> tuple[str, str, int] | None:
        """(real desa, TPS code, number) from plain digit codes of a known desa, else None."""
        if code_text:
            if len(code_text) != 13 or not (code_text.isascii() and code_text.isdigit()):
                return None
            file_desa, number = code_text[:10], int(code_text[10:])
            if desa_text and desa_text != file_desa:
                return None
            if number_text and not (_plain_digits(number_text, 3) and int(number_text) == number):
                return None
        elif len(desa_text) == 10 and _plain_digits(desa_text, 10) and _plain_digits(number_text, 3):
            file_desa, number = desa_text, int(number_text)
        else:
            return None
        real, real_undotted = self._fast_desa(file_desa)
        if number == 0 or not real or (desa_name and not self._names_agree(desa_name, real)):
            return None
        return real, f"{real_undotted}{number:03d}", number

    def _fast_desa(self, file_desa: str) -> tuple[str, str]:
        """The known desa for a 10-digit file code after desa_mapping; cached, as ~84k desa hold 820k TPS."""
        found = self.desa_cache.get(file_desa)
        if found is None:
            dotted = normalize_region_code(file_desa)
            real = self.mapping.get(dotted, dotted)
            found = self.desa_cache[file_desa] = (real, undotted(real)) if real in self.known else _NO_DESA
        return found

    def _names_agree(self, file_name: str, real: str) -> bool:
        key = (file_name, real)
        agree = self.name_cache.get(key)
        if agree is None:
            agree = self.name_cache[key] = _similarity(file_name, self.known[real].name) >= SUGGESTION_CUTOFF
        return agree

    def _fast_voters(self, total_text, male_text, female_text, election) -> tuple[int, int | None, int | None] | None:
        """(DPT, male, female) when plain digits that add up within the limit, else None."""
        total, male, female = _plain_count(total_text), _plain_count(male_text), _plain_count(female_text)
        if -1 in (total, male, female):
            return None
        if total is None:
            if male is None or female is None:
                return None
            total = male + female
        elif male is not None and female is not None and male + female != total:
            return None
        limit = self.limits.get(election)
        return None if limit is not None and total > limit else (total, male, female)


# The scalar rules the columnar path (columnar.py) also applies, per distinct value.


def _fast_access(text: str) -> str | None:
    return _ACCESS.get(text.lower()) if text else "normal"


def _fast_special_text(text: str) -> bool | None:
    """A given tps_khusus cell (ya/tidak/1/0...); None when it is not one the fast path knows."""
    return _BOOLS.get(text.lower())


def _special_number(number: int) -> bool:
    """tps_khusus when the file leaves it empty: told by the TPS number."""
    return is_special_tps_number(number)


def _plain_digits(text: str, max_len: int) -> bool:
    return 0 < len(text) <= max_len and text.isascii() and text.isdigit()


def _plain_count(text: str) -> int | None:
    """A voter count in plain digits; None when empty, -1 for anything _Row.count must judge."""
    if not text:
        return None
    return int(text) if text.isascii() and text.isdigit() else -1


def _fast_coordinates(lat_text: str, lng_text: str) -> tuple[float | None, float | None] | None:
    """Rounded (lat, lng) in Indonesia, (None, None) when both are empty; None for anything else."""
    if not (lat_text or lng_text):
        return None, None
    if not (lat_text and lng_text):
        return None
    try:
        lat, lng = float(lat_text), float(lng_text)
    except ValueError:  # a decimal comma or Unicode minus: _Row.number reads those
        return None
    if LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LNG_RANGE[0] <= lng <= LNG_RANGE[1]:
        return round(lat, COORD_DECIMALS), round(lng, COORD_DECIMALS)
    return None
