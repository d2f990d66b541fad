"""Exports of the scored map: TPS rawan per Polres (XLSX), classes (GeoJSON), map image (PNG).

Every export reads through the selectors, so a Polres user exports only its area, and is of one
election (``election=None``: the default election, selectors.default_election).
The PNG is drawn with Pillow from the stored boundaries: no tiles, no internet.
"""

import json

import openpyxl
from PIL import Image, ImageDraw

from siaga.core.scoring import CLASS_NAMES, RAWAN
from siaga.core.siaga_index import LEVEL_KEYS
from siaga.regions.selectors import region_geometries
from siaga.regions.tps_file import neutralise
from siaga.risk import selectors
from siaga.risk.presenters import class_label, indicator_names, reason_text
from siaga.risk.sources import reads_every_source

CLASS_COLOURS = ("#16a34a", "#f59e0b", "#dc2626", "#7c3aed")  # kurang rawan, rawan, sangat rawan, khusus
LEVEL_COLOURS = ("#fef3c7", "#fdba74", "#ef4444")  # Tingkat Siaga 1, 2, 3 (core.siaga_index)
XLSX_HEADER = ["Polres", "Kab/Kota", "Kecamatan", "Desa", "Kode TPS", "Nama TPS", "Kelas", "Skor", "Alasan"]


def _rawan_rows(viewer, area, election):
    return selectors.tps_risk_list(viewer=viewer, area=area, klass=[RAWAN, 2, 3],
                                   election=selectors.election_or_default(election)).select_related(
        "tps__desa__parent__parent", "catalogue").order_by("tps__kabkota_code", "-klass", "-score", "tps__code")


def tps_rawan_xlsx(*, viewer, area, out, election=None) -> int:
    """One sheet per Polres (kab/kota) listing its TPS rawan, sangat rawan and khusus with the reasons."""
    from siaga.accounts.models import Agency

    rows = selectors.viewer_explanations(viewer, list(_rawan_rows(viewer, area, election)))
    polres = dict(Agency.objects.filter(code__startswith="POLRES-").values_list("area_code", "name"))
    names = indicator_names({c[0] for r in rows for c in r.contributions}
                            | {x[6:] for r in rows for x in r.reasons if x.startswith(("floor:", "polri:"))})
    book = openpyxl.Workbook(write_only=True)
    sheets = {}
    for risk in rows:
        tps = risk.tps
        kab = tps.desa.parent.parent
        if kab.code not in sheets:
            sheets[kab.code] = book.create_sheet(kab.code)
            sheets[kab.code].append(XLSX_HEADER)
        reasons = [f"{names.get(c, c)} ({p:.1f})" for c, p in risk.contributions] + [
            reason_text(r, names, risk.catalogue) for r in risk.reasons]
        sheets[kab.code].append([neutralise(polres.get(kab.code, "")), neutralise(kab.name),
                                 neutralise(tps.desa.parent.name), neutralise(tps.desa.name), tps.code,
                                 neutralise(tps.name), class_label(risk.klass),
                                 None if risk.score is None else round(risk.score, 2),
                                 neutralise("; ".join(reasons))])
    if not sheets:
        book.create_sheet("TPS").append(XLSX_HEADER)
    book.save(out)
    return len(rows)


def tps_features(viewer, area, klass=None, indicator=None, election=None, view="gabungan"):
    """GeoJSON point features of scored TPS with their class in ``view`` (Bawaslu's, the police's or the
    combined one; selectors.VIEW_FIELDS) and score, for a viewer who reads every source."""
    with_score = reads_every_source(viewer)
    field = selectors.VIEW_FIELDS[selectors.view_or_default(view)]
    rows = selectors.tps_risk_list(viewer=viewer, area=area, klass=klass, indicator=indicator, view=view,
                                   election=selectors.election_or_default(election)).exclude(
        tps__lat=None).exclude(**{field: None}).values_list("tps__code", "tps__name", "tps__lat", "tps__lng", field,
                                                           "score")
    for code, name, lat, lng, k, score in rows.iterator(chunk_size=5000):
        yield {"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(lng, 6), round(lat, 6)]},
               "properties": {"kode": code, "nama": name, "kelas": CLASS_NAMES[k], "kelas_id": k,
                              "skor": round(score, 2) if with_score else None}}


def classes_geojson(*, viewer, area, out, election=None) -> int:
    features = list(tps_features(viewer, area, election=election))
    out.write(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode())
    return len(features)


def area_features(viewer, code, election=None):
    """Boundaries of the children of an area with their Indeks Kerawanan Siaga and Tingkat Siaga (in one election)
    in the properties."""
    region, risks = selectors.area_risk_children(viewer=viewer, code=code, election=election)
    by_code = {r.region_id: r for r in risks}
    for child, geojson in region_geometries(viewer=viewer, parent=region):
        risk = by_code.get(child.code)
        yield child, geojson, {
            "kode": child.code, "nama": child.name, "level": child.level,
            "siaga_index": round(risk.index, 2) if risk else None,
            "siaga_level": LEVEL_KEYS[risk.siaga_level] if risk else None,
            "tps": risk.tps if risk else 0, "rawan": risk.rawan if risk else 0,
            "sangat_rawan": risk.sangat_rawan if risk else 0, "khusus": risk.khusus if risk else 0,
        }


def _rings(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"]]
    return []


def map_png(*, viewer, area, out, width=1200, election=None) -> tuple[int, int]:
    """Choropleth of the area's children by Tingkat Siaga in one election, with its TPS rawan or worse as dots."""
    shapes = [(json.loads(g), props) for _, g, props in area_features(viewer, area, election)]
    points = [f for f in tps_features(viewer, area, klass=[1, 2, 3], election=election)]
    coords = [pt for g, _ in shapes for ring in _rings(g) for pt in ring] or [
        f["geometry"]["coordinates"] for f in points] or [[120.0, -4.0], [121.0, -3.0]]
    min_x, max_x = min(c[0] for c in coords), max(c[0] for c in coords)
    min_y, max_y = min(c[1] for c in coords), max(c[1] for c in coords)
    span_x, span_y = max(max_x - min_x, 1e-6), max(max_y - min_y, 1e-6)
    height = max(int(width * span_y / span_x), 200)
    scale = min((width - 20) / span_x, (height - 20) / span_y)

    def xy(lng, lat):
        return 10 + (lng - min_x) * scale, 10 + (max_y - lat) * scale

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for geometry, props in shapes:
        fill = LEVEL_COLOURS[LEVEL_KEYS.index(props["siaga_level"])] if props["siaga_level"] else "#e5e7eb"
        for ring in _rings(geometry):
            draw.polygon([xy(*pt[:2]) for pt in ring], fill=fill, outline="#334155")
    for f in points:
        x, y = xy(*f["geometry"]["coordinates"])
        colour = CLASS_COLOURS[f["properties"]["kelas_id"]]
        draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=colour, outline="#0f172a")
    image.save(out, format="PNG")
    return image.size
