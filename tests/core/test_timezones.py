"""Indonesia's three time zones by province: every province of the reference data has exactly one."""

import csv

from siaga.core.timezones import WIB, WIT, WITA, zone_for_province, zone_named


def test_every_province_of_the_reference_data_has_a_zone(shared_data):
    with open(shared_data / "hierarchy" / "provinces.csv", newline="") as f:
        codes = [row["code"] for row in csv.DictReader(f)]
    assert len(codes) == 38
    assert all(zone_for_province(code) in (WIB, WITA, WIT) for code in codes)


def test_hand_checked_provinces_and_region_codes():
    # Jakarta, Banten, Kalimantan Barat/Tengah: WIB; Bali, Kalimantan Selatan, Sulawesi Tenggara: WITA;
    # Maluku, Papua, Papua Barat Daya: WIT.
    assert [zone_for_province(c).abbreviation for c in ("31", "36", "61", "62")] == ["WIB"] * 4
    assert [zone_for_province(c).abbreviation for c in ("51", "63", "74", "74.01", "74.01.04")] == ["WITA"] * 5
    assert [zone_for_province(c).abbreviation for c in ("81", "91", "96")] == ["WIT"] * 3
    assert zone_for_province("") is None and zone_for_province("99") is None


def test_labels_and_iana_names():
    assert WITA.label == "WITA (UTC+8)" and WIB.label == "WIB (UTC+7)" and WIT.label == "WIT (UTC+9)"
    assert zone_named("Asia/Makassar") is WITA and zone_named("Europe/Paris") is None
