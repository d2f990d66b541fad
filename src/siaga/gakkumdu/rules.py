"""The Sentra Gakkumdu steps and their statutory deadlines, as data per election law, with the article cited.

A rule counts from an anchor (the date the event became known, the registration, or the start of the step)
in calendar days (`hari`), working days (`hari_kerja`: no weekend, national holiday or cuti bersama) or
hours (`jam`). "Paling lama N hari setelah X" ends at the close of the N-th day after X; "1 × 24 jam" ends
24 hours after the moment X.

Sources, as checked: UU 7/2017 Ps. 454 ayat (5)–(8) (official text: "7 (tujuh) hari kerja" for a report,
"14 (empat belas) hari kerja" for a study with additional information, plain "hari" elsewhere), Ps. 476
ayat (1), Ps. 480, Ps. 482; UU 1/2015 jo. UU 10/2016 Ps. 134 ayat (4)–(6), Ps. 146 (investigation and
prosecution in "hari kerja", as Bawaslu and Polri cite it), Ps. 148. Bawaslu counts Pilkada deadlines
that say only "hari" as calendar days (Bawaslu RI, Workshop Tindak Pidana Pemilihan, September 2024).
`verified=False` marks a rule whose article could not be checked against a text (see its note).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from siaga.gakkumdu import holidays

PEMILU, PILKADA = "pemilu", "pilkada"
ELECTIONS = (PEMILU, PILKADA)
LAWS = {PEMILU: "UU 7/2017", PILKADA: "UU 1/2015 jo. UU 10/2016"}

# Steps in order. Open steps carry a deadline; closed ones end the case.
KAJIAN = "kajian"                    # Bawaslu studies the report with Polri and Kejaksaan (pembahasan pertama)
KAJIAN_TAMBAHAN = "kajian_tambahan"  # ... with additional information (extended once)
PENERUSAN = "penerusan"              # declared an election crime: to the Polri investigator
PENYIDIKAN = "penyidikan"            # Polri investigates
PENUNTUTAN = "penuntutan"            # the prosecutor holds the file
PERBAIKAN = "perbaikan"              # the file was returned once as incomplete
PENGADILAN = "pengadilan"            # pengadilan negeri tries the case
PUTUSAN = "putusan"                  # verdict read: the appeal window runs
BANDING = "banding"                  # pengadilan tinggi decides the appeal
DIHENTIKAN = "dihentikan"            # stopped (not an election crime, or investigation stopped)
SELESAI = "selesai"                  # final and binding

OPEN_STEPS = (KAJIAN, KAJIAN_TAMBAHAN, PENERUSAN, PENYIDIKAN, PENUNTUTAN, PERBAIKAN, PENGADILAN, PUTUSAN, BANDING)
CLOSED_STEPS = (DIHENTIKAN, SELESAI)
STEPS = OPEN_STEPS + CLOSED_STEPS

BAWASLU, POLRI, KEJAKSAAN = "bawaslu", "polri", "kejaksaan"
# Who acts on a case while it is at a step (the agency kind).
ACTOR_OF = {KAJIAN: BAWASLU, KAJIAN_TAMBAHAN: BAWASLU, PENERUSAN: BAWASLU, PENYIDIKAN: POLRI,
            PENUNTUTAN: KEJAKSAAN, PERBAIKAN: POLRI, PENGADILAN: KEJAKSAAN, PUTUSAN: KEJAKSAAN,
            BANDING: KEJAKSAAN}

# step -> the steps it may move to.
NEXT = {
    KAJIAN: (KAJIAN_TAMBAHAN, PENERUSAN, DIHENTIKAN),
    KAJIAN_TAMBAHAN: (PENERUSAN, DIHENTIKAN),
    PENERUSAN: (PENYIDIKAN,),
    PENYIDIKAN: (PENUNTUTAN, DIHENTIKAN),
    PENUNTUTAN: (PERBAIKAN, PENGADILAN),
    PERBAIKAN: (PENUNTUTAN,),
    PENGADILAN: (PUTUSAN,),
    PUTUSAN: (BANDING, SELESAI),
    BANDING: (SELESAI,),
}

HARI, HARI_KERJA, JAM = "hari", "hari_kerja", "jam"
FROM_KNOWN, FROM_REGISTERED, FROM_STEP = "known", "registered", "step"


@dataclass(frozen=True)
class Rule:
    amount: int
    unit: str          # HARI, HARI_KERJA or JAM
    anchor: str        # FROM_KNOWN, FROM_REGISTERED or FROM_STEP
    article: str       # the article cited, e.g. "Ps. 480 ayat (1) UU 7/2017"
    lapses: bool = True  # a missed deadline voids the step; False: a window that simply closes (appeal)
    verified: bool = True
    note: str = ""

    @property
    def label(self):
        return {HARI: f"{self.amount} hari", HARI_KERJA: f"{self.amount} hari kerja",
                JAM: f"{self.amount // 24} × 24 jam"}[self.unit]


U7, U10 = "UU 7/2017", "UU 1/2015 jo. UU 10/2016"

# The filing deadline of a report or finding, counted from the day the event became known or was found.
FILING = {
    (PEMILU, "laporan"): Rule(7, HARI_KERJA, FROM_KNOWN, f"Ps. 454 ayat (6) {U7}"),
    (PEMILU, "temuan"): Rule(7, HARI, FROM_KNOWN, f"Ps. 454 ayat (5) {U7}"),
    (PILKADA, "laporan"): Rule(7, HARI, FROM_KNOWN, f"Ps. 134 ayat (4) {U10}"),
    (PILKADA, "temuan"): Rule(7, HARI, FROM_KNOWN, f"Ps. 134 ayat (4) {U10}"),
}

RULES = {
    PEMILU: {
        KAJIAN: Rule(7, HARI, FROM_REGISTERED, f"Ps. 454 ayat (7) {U7}"),
        KAJIAN_TAMBAHAN: Rule(14, HARI_KERJA, FROM_REGISTERED, f"Ps. 454 ayat (8) {U7}"),
        PENERUSAN: Rule(24, JAM, FROM_STEP, f"Ps. 476 ayat (1) {U7}"),
        PENYIDIKAN: Rule(14, HARI, FROM_STEP, f"Ps. 480 ayat (1) {U7}"),
        # The prosecutor returns an incomplete file within 3 days (Ps. 480 ayat (2)), else takes it to court.
        PENUNTUTAN: Rule(5, HARI, FROM_STEP, f"Ps. 480 ayat (4) {U7}"),
        PERBAIKAN: Rule(3, HARI, FROM_STEP, f"Ps. 480 ayat (3) {U7}"),
        PENGADILAN: Rule(7, HARI, FROM_STEP, f"Ps. 482 ayat (1) {U7}"),
        PUTUSAN: Rule(3, HARI, FROM_STEP, f"Ps. 482 ayat (2) {U7}", lapses=False),
        BANDING: Rule(7, HARI, FROM_STEP, f"Ps. 482 ayat (4) {U7}"),
    },
    PILKADA: {
        KAJIAN: Rule(3, HARI, FROM_REGISTERED, f"Ps. 134 ayat (5) {U10}"),
        KAJIAN_TAMBAHAN: Rule(5, HARI, FROM_REGISTERED, f"Ps. 134 ayat (6) {U10}", note="3 hari + 2 hari"),
        PENERUSAN: Rule(24, JAM, FROM_STEP, "Peraturan Bersama Bawaslu, Kapolri dan Jaksa Agung tentang Sentra "
                        "Gakkumdu Pemilihan", verified=False,
                        note="1 × 24 jam as Polri and Bawaslu cite it for Pilkada 2024; the article was not checked"),
        PENYIDIKAN: Rule(14, HARI_KERJA, FROM_STEP, f"Ps. 146 {U10}"),
        PENUNTUTAN: Rule(5, HARI_KERJA, FROM_STEP, f"Ps. 146 {U10}"),
        PERBAIKAN: Rule(3, HARI_KERJA, FROM_STEP, f"Ps. 146 {U10}"),
        PENGADILAN: Rule(7, HARI, FROM_STEP, f"Ps. 148 {U10}"),
        PUTUSAN: Rule(3, HARI, FROM_STEP, f"Ps. 148 {U10}", lapses=False),
        BANDING: Rule(7, HARI, FROM_STEP, f"Ps. 148 {U10}"),
    },
}

# The prosecutor may return the file only once, and within this many days of receiving it.
RETURN_WITHIN = {PEMILU: Rule(3, HARI, FROM_STEP, f"Ps. 480 ayat (2) {U7}"),
                 PILKADA: Rule(3, HARI_KERJA, FROM_STEP, f"Ps. 146 {U10}")}


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (start itself not counted)."""
    day = start
    while n > 0:
        day += timedelta(days=1)
        if holidays.is_working_day(day):
            n -= 1
    return day


def due(rule: Rule, start: datetime, tz) -> datetime:
    """The moment the rule's period ends, counted from `start` (an aware datetime)."""
    if rule.unit == JAM:
        return start + timedelta(hours=rule.amount)
    local = start.astimezone(tz).date()
    last = add_working_days(local, rule.amount) if rule.unit == HARI_KERJA else local + timedelta(days=rule.amount)
    return datetime.combine(last, time(23, 59, 59), tzinfo=tz)


def due_date(rule: Rule, start: date) -> date:
    """The last day of a day-counted rule from a date."""
    return add_working_days(start, rule.amount) if rule.unit == HARI_KERJA else start + timedelta(days=rule.amount)


def uncertain(rule: Rule, start: date, end: date) -> bool:
    """A working-day count that runs through a year whose holidays are not known in full."""
    return rule.unit == HARI_KERJA and any(not holidays.year_known(y) for y in range(start.year, end.year + 1))
