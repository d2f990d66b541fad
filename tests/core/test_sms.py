"""The SMS syntax: what officers type and the Indonesian answers to mistakes."""

import pytest

from siaga.core import sms


@pytest.mark.parametrize("text, kind", [("TPS 7405242009001 BUKA", "buka"), ("tps 7405242009001 hitung", "penghitungan"),
                                        ("  TPS   74.05.24.2009001   SELESAI ", "selesai"),
                                        ("TPS 7405242009001 TUNDA", "ditunda")])
def test_status_messages(text, kind):
    assert sms.parse(text) == sms.StatusReport("7405242009001", kind)


def test_incident_with_category_from_its_first_words():
    assert sms.parse("INSIDEN 7405242009001 3 bentrok massa") == \
        sms.IncidentReport("7405242009001", 3, "bentrok", "bentrok massa")
    assert sms.parse("insiden 7405242009001 2 politik uang di desa").category == "politik_uang"
    assert sms.parse("INSIDEN 7405242009001 1 warga ribut kecil").category == "lainnya"


@pytest.mark.parametrize("text, fragment", [
    ("", "Pesan kosong"),
    ("HALO", "Kata awal 'HALO' tidak dikenal"),
    ("TPS 7405242009001", "Format laporan TPS"),
    ("TPS 74052420 BUKA", "Kode TPS '74052420' tidak valid: harus 13 angka"),
    ("TPS 7405242009001 TUTUP", "Status 'TUTUP' tidak dikenal"),
    ("INSIDEN 7405242009001 5 bentrok", "Tingkat '5' tidak valid"),
    ("INSIDEN 7405242009001 3", "Format insiden"),
])
def test_mistakes_are_answered_in_indonesian_with_an_example(text, fragment):
    with pytest.raises(sms.SmsSyntaxError) as err:
        sms.parse(text)
    assert fragment in str(err.value)
    assert "contoh" in str(err.value).lower() or "Pilih" in str(err.value)
