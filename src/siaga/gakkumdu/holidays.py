"""National holidays and cuti bersama: the days that are not working days besides Saturday and Sunday.

Data, one year at a time, with the decree it comes from. A year whose list is not known in full is marked
`complete=False`; a working-day deadline that runs into it is flagged as uncertain rather than guessed.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class HolidayYear:
    year: int
    source: str
    complete: bool
    days: dict  # date -> name


def _days(year, rows):
    return {date(year, m, d): name for m, d, name in rows}


YEARS = {
    2024: HolidayYear(
        2024, "SKB Menteri Agama, Menteri Ketenagakerjaan dan Menteri PANRB No. 855/2023, 3/2023, 4/2023 "
        "(17 hari libur nasional, 10 cuti bersama); Keppres 10/2024 (14 Februari, Pemilu); Keppres 33/2024 "
        "(27 November, Pilkada)", True,
        _days(2024, [
            (1, 1, "Tahun Baru Masehi"), (2, 8, "Isra Mikraj"), (2, 9, "Cuti bersama Imlek"),
            (2, 10, "Tahun Baru Imlek"), (2, 14, "Pemungutan suara Pemilu"), (3, 11, "Hari Suci Nyepi"),
            (3, 12, "Cuti bersama Nyepi"), (3, 29, "Wafat Isa Almasih"), (3, 31, "Paskah"),
            (4, 8, "Cuti bersama Idulfitri"), (4, 9, "Cuti bersama Idulfitri"), (4, 10, "Idulfitri"),
            (4, 11, "Idulfitri"), (4, 12, "Cuti bersama Idulfitri"), (4, 15, "Cuti bersama Idulfitri"),
            (5, 1, "Hari Buruh"), (5, 9, "Kenaikan Isa Almasih"), (5, 10, "Cuti bersama Kenaikan Isa Almasih"),
            (5, 23, "Waisak"), (5, 24, "Cuti bersama Waisak"), (6, 1, "Hari Lahir Pancasila"),
            (6, 17, "Iduladha"), (6, 18, "Cuti bersama Iduladha"), (7, 7, "Tahun Baru Islam"),
            (8, 17, "Hari Kemerdekaan"), (9, 16, "Maulid Nabi Muhammad"), (11, 27, "Pemungutan suara Pilkada"),
            (12, 25, "Natal"), (12, 26, "Cuti bersama Natal"),
        ])),
    2026: HolidayYear(
        2026, "SKB Menteri Agama, Menteri Ketenagakerjaan dan Menteri PANRB No. 1497/2025, 2/2025, 5/2025 "
        "(17 hari libur nasional, 8 cuti bersama)", True,
        _days(2026, [
            (1, 1, "Tahun Baru Masehi"), (1, 16, "Isra Mikraj"), (2, 16, "Cuti bersama Imlek"),
            (2, 17, "Tahun Baru Imlek"), (3, 18, "Cuti bersama Nyepi"), (3, 19, "Hari Suci Nyepi"),
            (3, 20, "Cuti bersama Idulfitri"), (3, 21, "Idulfitri"), (3, 22, "Idulfitri"),
            (3, 23, "Cuti bersama Idulfitri"), (3, 24, "Cuti bersama Idulfitri"), (4, 3, "Wafat Isa Almasih"),
            (4, 5, "Paskah"), (5, 1, "Hari Buruh"), (5, 14, "Kenaikan Isa Almasih"),
            (5, 15, "Cuti bersama Kenaikan Isa Almasih"), (5, 27, "Iduladha"), (5, 28, "Cuti bersama Iduladha"),
            (5, 31, "Waisak"), (6, 1, "Hari Lahir Pancasila"), (6, 16, "Tahun Baru Islam"),
            (8, 17, "Hari Kemerdekaan"), (8, 25, "Maulid Nabi Muhammad"), (12, 24, "Cuti bersama Natal"),
            (12, 25, "Natal"),
        ])),
    # The SKB for 2027 could not be verified: only the fixed-date holidays are listed, and the year is marked
    # incomplete so that a working-day deadline reaching into it says so.
    2027: HolidayYear(
        2027, "Tanggal tetap saja (1 Januari, 1 Mei, 1 Juni, 17 Agustus, 25 Desember); SKB 2027 belum "
        "diverifikasi", False,
        _days(2027, [(1, 1, "Tahun Baru Masehi"), (5, 1, "Hari Buruh"), (6, 1, "Hari Lahir Pancasila"),
                     (8, 17, "Hari Kemerdekaan"), (12, 25, "Natal")])),
}


def holiday_name(day: date) -> str | None:
    year = YEARS.get(day.year)
    return year.days.get(day) if year else None


def year_known(year: int) -> bool:
    """The holiday list of `year` is complete (working days can be counted with certainty)."""
    return year in YEARS and YEARS[year].complete


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and holiday_name(day) is None
