"""Indonesia's three time zones by province (Permendagri province codes), the one place that knows them.

WIB (UTC+7): Sumatra, Java and West/Central Kalimantan; WITA (UTC+8): Bali, Nusa Tenggara,
South/East/North Kalimantan and Sulawesi; WIT (UTC+9): Maluku and Papua.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Zone:
    abbreviation: str  # what Indonesians write after a time: "14.05 WITA"
    name: str          # IANA zone
    utc_offset: int    # hours; Indonesia has no daylight saving

    @property
    def label(self):
        return f"{self.abbreviation} (UTC+{self.utc_offset})"


WIB = Zone("WIB", "Asia/Jakarta", 7)
WITA = Zone("WITA", "Asia/Makassar", 8)
WIT = Zone("WIT", "Asia/Jayapura", 9)

_WIB_PROVINCES = {"11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
                  "31", "32", "33", "34", "35", "36", "61", "62"}
_WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96", "97"}
ZONES = (WIB, WITA, WIT)


def zone_for_province(code: str):
    """The zone of a province (its 2-digit code, or any region code that starts with it); None if unknown."""
    province = (code or "")[:2]
    if province in _WIB_PROVINCES:
        return WIB
    if province in _WITA_PROVINCES:
        return WITA
    if province in _WIT_PROVINCES:
        return WIT
    return None


def zone_named(iana_name: str):
    """The Indonesian zone whose IANA name this is (settings.TIME_ZONE), or None."""
    return next((z for z in ZONES if z.name == iana_name), None)
