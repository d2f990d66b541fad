"""The OpenRosa 1.0 wire formats: form list, manifest, response message, and reading a submission's XML.

Plain functions over text and dicts (no database): the views build answers with them and the tests read them.
"""

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from defusedxml import ElementTree

VERSION = "1.0"
FORMLIST_NS = "http://openrosa.org/xforms/xformsList"
MANIFEST_NS = "http://openrosa.org/xforms/xformsManifest"
RESPONSE_NS = "http://openrosa.org/http/response"
ACCEPT_CONTENT_LENGTH = 20 * 1024 * 1024  # what one submission request may carry (Collect splits larger ones)


def _element(tag, text) -> str:
    return f"<{tag}>{escape(str(text))}</{tag}>"


def form_list(entries) -> str:
    """entries: dicts with formID, name, version, hash, downloadUrl, manifestUrl (None when no media)."""
    forms = []
    for e in entries:
        parts = [_element(k, e[k]) for k in ("formID", "name", "version", "hash", "downloadUrl")]
        if e.get("manifestUrl"):
            parts.append(_element("manifestUrl", e["manifestUrl"]))
        forms.append("<xform>" + "".join(parts) + "</xform>")
    return f'<?xml version="1.0" encoding="UTF-8"?><xforms xmlns="{FORMLIST_NS}">{"".join(forms)}</xforms>'


def manifest(files) -> str:
    """files: dicts with filename, hash, downloadUrl."""
    media = "".join("<mediaFile>" + "".join(_element(k, f[k]) for k in ("filename", "hash", "downloadUrl"))
                    + "</mediaFile>" for f in files)
    return f'<?xml version="1.0" encoding="UTF-8"?><manifest xmlns="{MANIFEST_NS}">{media}</manifest>'


def response(message: str, nature: str = "") -> str:
    attr = f' nature="{escape(nature)}"' if nature else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><OpenRosaResponse xmlns="{RESPONSE_NS}">'
            f"<message{attr}>{escape(message)}</message></OpenRosaResponse>")


class Unreadable(ValueError):
    """A submission whose XML cannot be read as an XForm instance."""


@dataclass
class Instance:
    form_id: str
    version: str
    instance_id: str
    answers: dict = field(default_factory=dict)  # leaf name -> text; a repeat -> list of such dicts


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _read(node) -> dict:
    answers = {}
    for child in node:
        name = _local(child.tag)
        if len(child):
            value = _read(child)
            if name in answers and isinstance(answers[name], list):
                answers[name].append(value)
            elif name in answers:
                answers[name] = [answers[name], value]
            else:
                answers[name] = value
        else:
            answers[name] = (child.text or "").strip()
    return answers


def instance_read(xml: bytes) -> Instance:
    """Read a submitted instance; Unreadable when it is not XML or carries no form id or instanceID."""
    try:
        root = ElementTree.fromstring(xml)
    except Exception as exc:  # defusedxml's and expat's errors alike
        raise Unreadable(str(exc)) from None
    answers = _read(root)
    meta = answers.pop("meta", {})
    instance_id = meta.get("instanceID", "") if isinstance(meta, dict) else ""
    form_id = root.get("id", "")
    if not form_id or not instance_id:
        raise Unreadable("form id or meta/instanceID missing")
    return Instance(form_id, root.get("version", ""), instance_id, answers)


def repeated(value) -> list:
    """A repeat's entries as a list whether it came once or more often."""
    if value in (None, ""):
        return []
    return value if isinstance(value, list) else [value]


def geopoint(text: str):
    """(lat, lng, accuracy) of an ODK geopoint "lat lng altitude accuracy", or (None, None, None)."""
    parts = (text or "").split()
    if len(parts) < 2:
        return None, None, None
    try:
        lat, lng = float(parts[0]), float(parts[1])
        accuracy = float(parts[3]) if len(parts) > 3 else None
    except ValueError:
        return None, None, None
    return lat, lng, accuracy
