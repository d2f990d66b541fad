"""Plain records read from the region sources, and the error that names a file and line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shapely.geometry import MultiPolygon


# Called with the number of records just read from a file, and with 0 after each
# remote file is fetched: the shape of tqdm's ``update``.
Progress = Callable[[int], object]


class SourceError(Exception):
    """Region data that cannot be read; names the file (and line) in Indonesian and English."""

    def __init__(self, message_id: str, message_en: str, path: object = None, line: int | None = None):
        self.message_id = message_id
        self.message_en = message_en
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(self.message("id") + " / " + self.message("en"))

    def message(self, lang: str = "id") -> str:
        text = self.message_id if lang == "id" else self.message_en
        where = self.path or ""
        if self.line is not None:
            where += f":{self.line}" if lang == "en" else f" baris {self.line}"
        return f"{where}: {text}" if where else text


@dataclass(frozen=True, slots=True)
class RegionRecord:
    code: str  # dotted canonical
    parent_code: str | None
    level: str  # provinsi, kabkota, kecamatan, desa
    name: str
    kind: str  # provinsi, kabupaten, kota, kecamatan, desa, kelurahan
    lat: float | None = None
    lng: float | None = None
    geometry: str | None = None  # GeoJSON MultiPolygon, lon/lat, simplified for display
    geometry_full: str | None = None  # unsimplified, only with full_geometry=True


@dataclass(frozen=True, slots=True)
class IslandRecord:
    code: str  # as published, e.g. 74.01.40001 (74.00.x spans several kab/kota)
    kabkota_code: str | None
    province_code: str
    name: str
    lat: float
    lng: float
    populated: bool
    outermost: bool  # a small outermost island (pulau-pulau kecil terluar)


@dataclass(frozen=True, slots=True)
class BoundaryRecord:
    """One boundary as read from a GeoJSON feature or a SQL dump row."""

    code: str
    name: str
    geometry: MultiPolygon | None  # repaired, lon/lat
    lat: float | None  # the publisher's centroid
    lng: float | None
    repaired: bool
    dropped: bool  # geometry present in the file but nothing polygonal survived


@dataclass
class SourceData:
    regions: dict[str, RegionRecord]
    islands: list[IslandRecord]
    stats: dict
