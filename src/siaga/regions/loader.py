"""Store the official region hierarchy and boundaries; re-running changes only what differs."""

from pathlib import Path

from django.conf import settings
from django.db import transaction

from siaga.accounts.services import audit_record
from siaga.regions.models import Island, Region, RegionGeometry
from siaga.regions.sources import read_source

LEVEL_NUMBER = {"provinsi": 1, "kabkota": 2, "kecamatan": 3, "desa": 4}
_FIELDS = ("parent_id", "level", "name", "kind", "lat", "lng", "has_geometry")


def default_source() -> str:
    """SIAGA_REGION_SOURCE, else a `shared/data` folder beside the checkout, else the publishers' files."""
    if settings.SIAGA_REGION_SOURCE:
        return settings.SIAGA_REGION_SOURCE
    for start in (Path.cwd(), Path(__file__).resolve()):
        for folder in (start, *start.parents):
            candidate = folder / "shared" / "data"
            if (candidate / "hierarchy" / "provinces.csv").is_file():
                return str(candidate)
    return "public"


def _values(record):
    return (record.parent_code, LEVEL_NUMBER[record.level], record.name, record.kind, record.lat, record.lng,
            record.geometry is not None)


def regions_load(*, source, provinces=None, actor=None, show_progress=False) -> dict:
    """Read a source and store it. Returns counts of created, updated and unchanged regions."""
    progress = None
    if show_progress:
        from siaga.cli import progress_bar

        progress = progress_bar(None, "wilayah")
    data = read_source(source, provinces=provinces, cache_dir=settings.SIAGA_HOME / "sources",
                       progress=progress.update if progress is not None else None)
    if progress is not None:  # a tqdm bar without a total has no truth value
        progress.close()
    existing = {code: tuple(values) for code, *values in Region.objects.values_list("code", *_FIELDS)}
    geometries = dict(RegionGeometry.objects.values_list("region_id", "geojson")) if existing else {}
    created, updated, new_geoms, changed_geoms = [], [], [], []
    records = sorted(data.regions.values(), key=lambda r: (LEVEL_NUMBER[r.level], r.code))
    for record in records:
        values = _values(record)
        region = Region(code=record.code, **dict(zip(_FIELDS, values)))
        if record.code not in existing:
            created.append(region)
        elif existing[record.code] != values:
            updated.append(region)
        if record.geometry is not None:
            old = geometries.get(record.code)
            if old is None:
                new_geoms.append(RegionGeometry(region_id=record.code, geojson=record.geometry))
            elif old != record.geometry:
                changed_geoms.append(RegionGeometry(region_id=record.code, geojson=record.geometry))
    with transaction.atomic():
        Region.objects.bulk_create(created, batch_size=2000)
        Region.objects.bulk_update(updated, _FIELDS[1:] + ("parent",), batch_size=2000)
        RegionGeometry.objects.bulk_create(new_geoms, batch_size=500)
        RegionGeometry.objects.bulk_update(changed_geoms, ["geojson"], batch_size=500)
        islands = _store_islands(data.islands)
        result = {"created": len(created), "updated": len(updated),
                  "unchanged": len(records) - len(created) - len(updated),
                  "geometries_written": len(new_geoms) + len(changed_geoms), "islands": islands,
                  **{k: v for k, v in data.stats.items() if isinstance(v, (int, float, str))}}
        if created or updated or new_geoms or changed_geoms:
            audit_record(actor=actor, action="regions.load", obj_type="region_source", obj_id=str(source)[:64],
                         after={k: v for k, v in result.items()}, note=str(source))
    return result


def _store_islands(islands):
    known = set(Region.objects.filter(level=2).values_list("code", flat=True))
    rows = [Island(code=i.code, kabkota_id=i.kabkota_code, name=i.name, lat=i.lat, lng=i.lng,
                   populated=i.populated, outermost=i.outermost) for i in islands if i.kabkota_code in known]
    Island.objects.bulk_create(rows, batch_size=2000, update_conflicts=True, unique_fields=["code"],
                               update_fields=["kabkota", "name", "lat", "lng", "populated", "outermost"])
    return len(rows)
