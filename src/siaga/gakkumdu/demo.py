"""Demo Sentra Gakkumdu cases for Sultra: two from 2024 that ended (one tried and final, one stopped) and
four live ones dated from today, so the page shows running clocks: one in its last hours, one past its
deadline. Idempotent: nothing is added when a case exists."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from siaga.accounts.models import User
from siaga.gakkumdu import rules
from siaga.gakkumdu.clock import local_zone
from siaga.gakkumdu.models import GakkumduCase
from siaga.gakkumdu.services import gakkumdu_advance, gakkumdu_register


def run(*, actor, province_code, seed):
    if GakkumduCase.objects.exists():
        return {"created": False}
    p = province_code
    users = User.objects.in_bulk(["bawaslu", "penyidik", "kejaksaan"], field_name="username")
    if len(users) < 3:
        return {"created": False}
    bawaslu, penyidik, jaksa = users["bawaslu"], users["penyidik"], users["kejaksaan"]
    tz = local_zone()
    now = timezone.now()
    today = now.astimezone(tz).date()

    def at(day, hour=10):
        return datetime.combine(day, time(hour), tzinfo=tz)

    def case(election, origin, title, known, reported, area, moves=()):
        c = gakkumdu_register(actor=bawaslu, election=election, origin=origin, title=title,
                              summary=f"{title}. Barang bukti dan keterangan saksi dihimpun Panwascam.",
                              known_on=known, reported_on=reported, region_code=area)
        for who, step, moment in moves:
            c = gakkumdu_advance(actor=who, case=c, to=step, at=moment)
        return c

    case(rules.PEMILU, "laporan", "Politik uang oleh tim kampanye caleg di Kolaka", date(2024, 2, 10),
         date(2024, 2, 12), f"{p}.01", [
             (bawaslu, rules.PENERUSAN, at(date(2024, 2, 15))), (bawaslu, rules.PENYIDIKAN, at(date(2024, 2, 15), 16)),
             (penyidik, rules.PENUNTUTAN, at(date(2024, 2, 27))), (jaksa, rules.PENGADILAN, at(date(2024, 3, 1))),
             (jaksa, rules.PUTUSAN, at(date(2024, 3, 6))), (jaksa, rules.SELESAI, at(date(2024, 3, 10)))])
    case(rules.PILKADA, "laporan", "Kepala desa mengarahkan warga memilih paslon di Muna", date(2024, 11, 18),
         date(2024, 11, 20), f"{p}.03", [(bawaslu, rules.DIHENTIKAN, at(date(2024, 11, 22)))])
    # Live clocks, counted from today.
    case(rules.PILKADA, "temuan", "Pembagian sembako bergambar paslon di Konawe Selatan", today - timedelta(days=2),
         today - timedelta(days=1), f"{p}.05", [(bawaslu, rules.PENERUSAN, now - timedelta(hours=20))])
    case(rules.PEMILU, "laporan", "Perusakan alat peraga dan intimidasi pengawas TPS di Kendari",
         today - timedelta(days=11), today - timedelta(days=10), f"{p}.71", [
             (bawaslu, rules.PENERUSAN, at(today - timedelta(days=9))),
             (bawaslu, rules.PENYIDIKAN, at(today - timedelta(days=9), 15))])
    case(rules.PEMILU, "laporan", "Pemalsuan dokumen dukungan calon anggota DPD di Baubau",
         today - timedelta(days=8), today - timedelta(days=7), f"{p}.72", [
             (bawaslu, rules.PENERUSAN, at(today - timedelta(days=6))),
             (bawaslu, rules.PENYIDIKAN, at(today - timedelta(days=6), 14)),
             (penyidik, rules.PENUNTUTAN, at(today - timedelta(days=2)))])
    case(rules.PILKADA, "laporan", "Hoaks DPT ganda di media sosial, Buton Tengah", today - timedelta(days=3),
         today - timedelta(days=2), f"{p}.14")
    case(rules.PILKADA, "laporan", "Intimidasi saksi paslon di Kolaka Utara", today - timedelta(days=8),
         today - timedelta(days=6), f"{p}.08")
    return {"created": True, "cases": 7}
