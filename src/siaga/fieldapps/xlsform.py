"""The XLSForm definitions in forms/ (pyxform's markdown XLSForm: reviewable in a diff) and their XForms.

A form's version is the first 12 hex digits of the SHA-256 of its definition, so it changes whenever the
definition does; its OpenRosa hash is the MD5 of the generated XForm, so it follows the version.
"""

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FORMS_DIR = Path(__file__).resolve().parent / "forms"


@dataclass(frozen=True)
class Form:
    form_id: str
    title: str
    version: str
    xml: str  # the XForm
    media: tuple  # names of the CSV files the form reads (select_one_from_file)
    warnings: tuple

    @property
    def md5(self) -> str:
        return "md5:" + hashlib.md5(self.xml.encode()).hexdigest()


def convert(text: str, *, version: str, validate: bool = False):
    """(XForm text, warnings, external CSV file names) of a markdown XLSForm, with its version set."""
    from pyxform.builder import create_survey_element_from_dict
    from pyxform.xls2json import workbook_to_json
    from pyxform.xls2json_backends import get_xlsform

    workbook = get_xlsform(xlsform=text, file_type=".md")
    workbook.settings[0]["version"] = version
    workbook.settings_header[0]["version"] = None
    warnings = []
    data = workbook_to_json(workbook_dict=workbook, form_name="data", fallback_form_name="data",
                            default_language=None, warnings=warnings)
    survey = create_survey_element_from_dict(data)
    xml = survey.to_xml(validate=validate, pretty_print=False, warnings=warnings)
    media = sorted({row["type"].split()[1] for row in workbook.survey if row.get("type", "").endswith(".csv")})
    return xml, warnings, tuple(media), workbook.settings[0]["form_title"], workbook.settings[0]["form_id"]


def version_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@cache
def forms() -> dict:
    """form id -> Form, for every definition in forms/ (converted once per process)."""
    found = {}
    for path in sorted(FORMS_DIR.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        xml, warnings, media, title, form_id = convert(text, version=version_of(text))
        found[form_id] = Form(form_id, title, version_of(text), xml, media, tuple(warnings))
    return found


def form_get(form_id: str) -> Form | None:
    return forms().get(form_id)
