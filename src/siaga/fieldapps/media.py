"""The CSV media of the forms, made for one user: only the TPS and custody places of that user's area.

Collect downloads them through the manifest; their hash is in the manifest, so a phone fetches them again
only when the list of its user's area changed."""

import csv
import hashlib
import io

from siaga.custody.selectors import node_list
from siaga.operations.selectors import tps_in_scope


def _csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "label"])
    writer.writerows(rows)
    return out.getvalue().encode()


def tps_csv(user) -> bytes:
    rows = tps_in_scope(viewer=user).order_by("code").values_list("code", "number", "desa__name")
    return _csv((code, f"TPS {number:03d} {desa} ({code})") for code, number, desa in rows)


def nodes_csv(user) -> bytes:
    return _csv((n.code, f"{n.name} ({n.code})") for n in node_list(viewer=user).only("code", "name"))


MEDIA = {"tps.csv": tps_csv, "simpul.csv": nodes_csv}


def media_file(name: str, user) -> bytes | None:
    make = MEDIA.get(name)
    return make(user) if make else None


def md5(content: bytes) -> str:
    return "md5:" + hashlib.md5(content).hexdigest()
