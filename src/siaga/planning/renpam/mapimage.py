"""The map annex: the risk app's map (siaga risk export --format png) framed with a title, legend,
scale bar and north arrow, drawn with Pillow."""

import io
import json
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from siaga.core.siaga_index import LEVEL_LABELS
from siaga.risk.exports import CLASS_COLOURS, LEVEL_COLOURS, area_features, map_png

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
NICE_KM = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500)


def _font(size, bold=False):
    path = FONT_BOLD if bold else FONT
    return ImageFont.truetype(str(path), size) if path.is_file() else ImageFont.load_default()


def _bounds(viewer, area, election):
    """The same extent map_png draws: the children's boundaries."""
    xs, ys = [], []
    for _, geojson, _ in area_features(viewer, area, election):
        geometry = json.loads(geojson)
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry.get("coordinates", [])
        for polygon in polygons:
            for lng, lat, *_ in polygon[0]:
                xs.append(lng)
                ys.append(lat)
    return (min(xs), max(xs), min(ys), max(ys)) if xs else None


def framed_map(*, viewer, area, title, election, width=1400) -> bytes | None:
    """PNG of the area's map in one election with its frame, or None when the area has no boundaries to draw."""
    bounds = _bounds(viewer, area, election)
    if bounds is None:
        return None
    raw = io.BytesIO()
    map_w, map_h = map_png(viewer=viewer, area=area, out=raw, width=width, election=election)
    inner = Image.open(io.BytesIO(raw.getvalue())).convert("RGB")
    min_x, max_x, min_y, max_y = bounds
    scale = min((map_w - 20) / max(max_x - min_x, 1e-6), (map_h - 20) / max(max_y - min_y, 1e-6))  # px per degree
    km_per_px = 111.32 * math.cos(math.radians((min_y + max_y) / 2)) / scale
    title_h, legend_w = 90, 520
    canvas = Image.new("RGB", (map_w + legend_w, max(map_h, 560) + title_h), "white")
    canvas.paste(inner, (0, title_h))
    draw = ImageDraw.Draw(canvas)
    draw.text((20, 22), title, fill="#0f172a", font=_font(40, bold=True))
    draw.rectangle([0, title_h, map_w - 1, title_h + map_h - 1], outline="#0f172a", width=2)
    _north_arrow(draw, map_w - 60, title_h + 20)
    _scale_bar(draw, 30, title_h + map_h - 40, km_per_px, map_w // 4)
    _legend(draw, map_w + 20, title_h + 10)
    out = io.BytesIO()
    canvas.save(out, format="PNG")
    return out.getvalue()


def _north_arrow(draw, x, y):
    draw.polygon([(x, y), (x - 27, y + 82), (x, y + 63)], fill="#0f172a")
    draw.polygon([(x, y), (x + 27, y + 82), (x, y + 63)], fill="white", outline="#0f172a")
    draw.text((x - 13, y + 86), "U", fill="#0f172a", font=_font(34, bold=True))


def _scale_bar(draw, x, y, km_per_px, max_px):
    km = max((k for k in NICE_KM if k / km_per_px <= max_px), default=NICE_KM[0])
    length = km / km_per_px
    half = length / 2
    draw.rectangle([x, y - 10, x + half, y + 6], fill="#0f172a")
    draw.rectangle([x + half, y - 10, x + length, y + 6], fill="white", outline="#0f172a")
    font = _font(28)
    draw.text((x - 6, y - 46), "0", fill="#0f172a", font=font)
    draw.text((x + half - 14, y - 46), f"{km / 2:g}".replace(".", ","), fill="#0f172a", font=font)
    draw.text((x + length - 14, y - 46), f"{km} km", fill="#0f172a", font=font)


def _legend(draw, x, y):
    bold, font = _font(32, bold=True), _font(28)
    draw.text((x, y), "Legenda", fill="#0f172a", font=bold)
    y += 56
    draw.text((x, y), "Indeks Kerawanan Siaga", fill="#0f172a", font=font)
    y += 44
    for colour, label in zip(LEVEL_COLOURS + ("#e5e7eb",), LEVEL_LABELS["id"] + ("Belum dinilai",)):
        draw.rectangle([x, y, x + 44, y + 30], fill=colour, outline="#334155")
        draw.text((x + 60, y), label, fill="#0f172a", font=font)
        y += 44
    y += 20
    draw.text((x, y), "TPS menurut kelas", fill="#0f172a", font=font)
    y += 44
    for colour, label in zip(CLASS_COLOURS[1:], ("Rawan", "Sangat rawan", "Khusus")):
        draw.ellipse([x + 10, y + 4, x + 34, y + 28], fill=colour, outline="#0f172a")
        draw.text((x + 60, y), label, fill="#0f172a", font=font)
        y += 44
    y += 20
    draw.line([x, y + 15, x + 44, y + 15], fill="#334155", width=3)
    draw.text((x + 60, y), "Batas kab/kota", fill="#0f172a", font=font)
    y += 64
    draw.text((x, y), "Sumber: Siaga (batas\nwilayah, TPS KPU,\npenilaian kerawanan)", fill="#475569",
              font=_font(24))
