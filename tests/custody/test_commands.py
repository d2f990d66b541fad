"""`siaga custody ...` as typed: a province that is not loaded is a clear error, not zeros; the key to publish."""

import pytest

from siaga.cli import main
from siaga.custody.keys import custody_key
from siaga.custody.models import Item


@pytest.mark.parametrize("lang, message", [
    ("id", "siaga: Provinsi 99 tidak ada dalam daftar wilayah: muat dulu (siaga regions load) atau periksa kodenya."),
    ("en", "siaga: Province 99 is not in the region registry: load it first (siaga regions load) or check the code."),
])
def test_registry_of_an_unknown_province_is_refused_in_the_users_language(db, capsys, lang, message):
    items = Item.objects.count()
    with pytest.raises(SystemExit) as done:
        main(["custody", "registry", "--province", "99", "--lang", lang])
    out = capsys.readouterr()
    assert done.value.code == 2 and out.err.strip() == message and "Traceback" not in out.err
    assert out.out == "" and Item.objects.count() == items


def test_key_prints_the_public_key_that_verifies_checkpoints(db, capsys):
    with pytest.raises(SystemExit) as done:
        main(["custody", "key"])
    assert done.value.code == 0
    assert capsys.readouterr().out.split()[0] == custody_key().public_hex
