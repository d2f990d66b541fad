"""The security marking of a document: the highest classification of anything it includes."""

LEVELS = ("biasa", "terbatas", "rahasia", "sangat_rahasia")
LABELS = {"biasa": "BIASA", "terbatas": "TERBATAS", "rahasia": "RAHASIA", "sangat_rahasia": "SANGAT RAHASIA"}


def level_of(text: str) -> str | None:
    key = str(text).strip().lower().replace(" ", "_")
    return key if key in LEVELS else None


def highest(*levels) -> str:
    known = [level for level in levels if level in LEVELS]
    return max(known, key=LEVELS.index) if known else "biasa"


def table_levels(blocks) -> list[str]:
    """Classifications printed in a 'Klasifikasi' column of tables (intelligence reports carry their own)."""
    found = []
    for block in blocks:
        if block[0] != "table" or "Klasifikasi" not in block[1]:
            continue
        column = block[1].index("Klasifikasi")
        found += [level for row in block[2] if (level := level_of(row[column]))]
    return found
