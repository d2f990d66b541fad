"""The XLSForm definitions: pyxform converts each without warnings, the choices follow Siaga's model, and the
version and hash follow the definition."""

import shutil

import pytest

from siaga.core import tps_state
from siaga.fieldapps import xlsform
from siaga.operations.models import Category


def test_every_definition_converts_without_warnings_and_names_its_media():
    forms = xlsform.forms()
    assert sorted(forms) == ["siaga_checkin", "siaga_insiden", "siaga_psu", "siaga_serah_terima"]
    for form in forms.values():
        assert form.warnings == ()
        assert f'id="{form.form_id}"' in form.xml and f'version="{form.version}"' in form.xml
        assert "<instanceID/>" in form.xml
    assert forms["siaga_serah_terima"].media == ("simpul.csv",) and 'type="barcode"' in forms["siaga_serah_terima"].xml
    assert forms["siaga_insiden"].media == ("tps.csv",) and "geopoint" in forms["siaga_insiden"].xml


def test_choice_lists_are_siagas_own_values():
    import re

    checkin = xlsform.forms()["siaga_checkin"].xml
    stages = set(re.findall(r"<name>(\w+)</name>", checkin))
    assert stages and stages <= set(tps_state.EVENT_KINDS)
    incident = xlsform.forms()["siaga_insiden"].xml
    assert set(Category.values) <= set(re.findall(r"<name>(\w+)</name>", incident))


def test_the_version_and_hash_change_with_the_definition():
    text = (xlsform.FORMS_DIR / "siaga_psu.md").read_text(encoding="utf-8")
    changed = text.replace("Yang Anda lihat di lokasi", "Yang Anda saksikan di lokasi")
    assert xlsform.version_of(text) == xlsform.forms()["siaga_psu"].version != xlsform.version_of(changed)
    xml, warnings, *_ = xlsform.convert(changed, version=xlsform.version_of(changed))
    assert warnings == [] and xml != xlsform.forms()["siaga_psu"].xml
    assert xlsform.convert(text, version=xlsform.version_of(text))[0] == xlsform.forms()["siaga_psu"].xml


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate needs Java")
def test_odk_validate_accepts_the_handover_form():
    text = (xlsform.FORMS_DIR / "siaga_serah_terima.md").read_text(encoding="utf-8")
    xlsform.convert(text, version="x", validate=True)  # raises with ODK Validate's message when it fails
