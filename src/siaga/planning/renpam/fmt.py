"""Indonesian formats for official documents: 8.154; 38,32; 99,9 %; 14 Februari 2024; XI (month)."""

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def num(value) -> str:
    """Whole number with dots between thousands: 8154 -> 8.154 ('-' for None)."""
    if value is None:
        return "-"
    return f"{int(round(value)):,}".replace(",", ".")


def dec(value, places=2) -> str:
    """Decimal with a comma and dotted thousands: 38.32 -> 38,32."""
    if value is None:
        return "-"
    text = f"{value:,.{places}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def pct(part, whole, places=1) -> str:
    """Share as '99,9 %' ('-' when the whole is zero)."""
    return "-" if not whole else f"{dec(100 * part / whole, places)} %"


def rupiah(value) -> str:
    return f"Rp {num(value)}"


def day(value) -> str:
    """14 Februari 2024 ('-' for None); accepts a date or a datetime."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}" if value else "-"


def period(start, end) -> str:
    return day(start) if start == end else f"{day(start)} s.d. {day(end)}"


def roman_month(value) -> str:
    return ROMAN[value.month - 1]
