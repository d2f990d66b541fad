"""Numbers of intelligence products in the unit's series.

Shape, after Polri's rules for official letters (naskah dinas): classification code / kind-sequence /
month in Roman numerals / year / the issuing Satfung, e.g. "R/LI-12/XII/2026/Ditintelkam":
  - classification code: B (biasa), T (terbatas), R (rahasia), SR (sangat rahasia);
  - kind and its running number within the year: LI-12, Lapinhar-3, Lapsus-1, Kirka-2;
  - the month of the product in Roman numerals (XII);
  - the year (2026);
  - the issuing function: Ditintelkam (Polda), Satintelkam (Polres), Unitintelkam (Polsek).
The sequence runs per unit (agency), kind and year, and restarts at 1 each January.

Concurrency: the next number is taken with one UPDATE ... SET last = last + 1 on the series row, which
the database serialises (row lock on PostgreSQL, the write lock on SQLite), inside the caller's transaction.
"""

from django.db import IntegrityError, transaction
from django.db.models import F

from siaga.accounts.models import AgencyLevel
from siaga.intel.models import Kind, Series
from siaga.planning.renpam.fmt import roman_month

CLASS_CODE = {"biasa": "B", "terbatas": "T", "rahasia": "R", "sangat_rahasia": "SR"}
KIND_CODE = {Kind.LI: "LI", Kind.LAPINHAR: "Lapinhar", Kind.LAPSUS: "Lapsus", Kind.KIRKA: "Kirka"}
SATFUNG = {AgencyLevel.PROVINCE: "Ditintelkam", AgencyLevel.KABKOTA: "Satintelkam",
           AgencyLevel.KECAMATAN: "Unitintelkam", AgencyLevel.NATIONAL: "Baintelkam"}


def next_seq(*, unit, kind, year) -> int:
    with transaction.atomic():
        if not Series.objects.filter(unit=unit, kind=kind, year=year).update(last=F("last") + 1):
            try:
                with transaction.atomic():
                    Series.objects.create(unit=unit, kind=kind, year=year, last=1)
                return 1
            except IntegrityError:  # another writer created the series first
                Series.objects.filter(unit=unit, kind=kind, year=year).update(last=F("last") + 1)
        return Series.objects.get(unit=unit, kind=kind, year=year).last


def format_number(*, classification, kind, seq, day, unit) -> str:
    return (f"{CLASS_CODE[classification]}/{KIND_CODE[kind]}-{seq}/{roman_month(day)}/{day.year}/"
            f"{SATFUNG.get(unit.level, 'Intelkam')}")
