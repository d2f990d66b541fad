"""Kemendagri region codes and KPU TPS codes: one canonical dotted form."""

import pytest
from hypothesis import given, strategies as st

from siaga.core.codes import (
    CodeError, is_kelurahan, is_kota, is_special_tps_number, normalize_region_code, parent_code, region_level,
    split_tps_code, tps_code,
)


@pytest.mark.parametrize("raw,canonical", [
    ("74", "74"), ("7405", "74.05"), ("740524", "74.05.24"), ("7405242009", "74.05.24.2009"),
    ("74.05.24.2009", "74.05.24.2009"), (" 74.05 ", "74.05"), (7405242009, "74.05.24.2009"),
    ("7405242009.0", "74.05.24.2009"),
])
def test_normalize(raw, canonical):
    assert normalize_region_code(raw) == canonical


@pytest.mark.parametrize("raw", ["", "7", "740", "74052", "74.5", "74.05.24.209", "74-05", "7405242009001", "٧٤"])
def test_normalize_rejects(raw):
    with pytest.raises(CodeError):
        normalize_region_code(raw)


def test_levels_and_parents():
    assert [region_level(c) for c in ("74", "74.05", "74.05.24", "74.05.24.2009")] == [
        "provinsi", "kabkota", "kecamatan", "desa"]
    assert parent_code("74.05.24.2009") == "74.05.24" and parent_code("74") is None
    assert is_kota("74.71") and not is_kota("74.05")
    assert is_kelurahan("74.71.01.1001") and not is_kelurahan("74.05.24.2009")


def test_tps_codes():
    assert tps_code("74.05.24.2009", 1) == "7405242009001"
    assert split_tps_code("7405242009001") == ("74.05.24.2009", 1)
    assert split_tps_code("74.05.24.2009.001".replace(".001", "001")) == ("74.05.24.2009", 1)
    assert split_tps_code("7405242009901.0") == ("74.05.24.2009", 901)
    assert is_special_tps_number(901) and not is_special_tps_number(99)
    for bad in ("7405242009000", "740524200901", "74052420090011", "abc"):
        with pytest.raises(CodeError):
            split_tps_code(bad)
    with pytest.raises(CodeError):
        tps_code("74.05.24.2009", 1000)


codes = st.tuples(st.integers(11, 99), st.integers(1, 99), st.integers(1, 99), st.integers(1001, 2999))


@given(codes, st.integers(1, 999))
def test_tps_code_round_trip(parts, number):
    desa = "{:02d}.{:02d}.{:02d}.{:04d}".format(*parts)
    assert normalize_region_code(desa.replace(".", "")) == desa
    assert split_tps_code(tps_code(desa, number)) == (desa, number)
