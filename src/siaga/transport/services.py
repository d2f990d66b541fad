"""Writes of the transport app: the landmasses of a province (imports of ports, links and forecasts live in
network_import and weather_import)."""

import shapely
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from siaga.accounts.models import Role
from siaga.accounts.scope import user_area
from siaga.accounts.services import audit_record
from siaga.core import transport as core
from siaga.regions.models import Island, Level, Region, RegionGeometry
from siaga.transport.models import Landmass

MAINLAND = "Daratan Sulawesi"
NETWORK_EDITORS = {Role.ADMIN, Role.COMMANDER, Role.OPERATOR}


def require_network_editor(actor) -> None:
    """Ports, links and the marine forecast serve the whole province: loaded by its staff, not a Polres's."""
    if actor.role not in NETWORK_EDITORS or len(user_area(actor)) > 2:
        raise PermissionDenied(_("The transport network and the marine forecast are loaded by an administrator, "
                                 "commander or operator at province level"))


def landmasses_compute(province_code: str) -> core.Landmasses:
    """Landmasses of the province from its kab/kota boundaries (the same coastline as the desa boundaries,
    whose union costs ten times more; desa when no kab/kota has a boundary), each named after the loaded
    island whose point it holds nearest to its inner point (the largest landmass is the mainland)."""
    for level in (Level.KABKOTA, Level.DESA):
        codes = list(Region.objects.filter(level=level, code__startswith=f"{province_code}.")
                     .values_list("code", flat=True))
        if RegionGeometry.objects.filter(region_id__in=codes).exists():
            break
    texts = RegionGeometry.objects.filter(region_id__in=codes).values_list("geojson", flat=True).iterator(500)
    found = core.Landmasses.from_areas(shapely.from_geojson(t) for t in texts)
    islands = list(Island.objects.filter(kabkota__code__startswith=f"{province_code}.").exclude(lat=None)
                   .values_list("name", "lat", "lng", "populated"))
    names = [MAINLAND] + [""] * (len(found.polygons) - 1)
    if islands:
        at = found.locate([i[1] for i in islands], [i[2] for i in islands])
        for idx in range(1, len(found.polygons)):
            lat, lng = found.representative(idx)
            own = [(not i[3], (i[1] - lat) ** 2 + (i[2] - lng) ** 2, i[0]) for i, a in zip(islands, at) if a == idx]
            names[idx] = min(own)[2] if own else f"Pulau #{idx}"
    found.names = [n or f"Pulau #{i}" for i, n in enumerate(names)]
    return found


@transaction.atomic
def landmasses_build(*, actor, province_code: str) -> int:
    require_network_editor(actor)
    found = landmasses_compute(province_code)
    Landmass.objects.filter(province_code=province_code).delete()
    Landmass.objects.bulk_create([
        Landmass(province_code=province_code, index=i, name=found.names[i], area_km2=float(found.area_km2[i]),
                 wkb=shapely.to_wkb(p)) for i, p in enumerate(found.polygons)])
    audit_record(actor=actor, action="transport.landmass.build", obj_type="transport_landmass", obj_id=province_code,
                 area_code=province_code, after={"landmasses": len(found.polygons)})
    return len(found.polygons)
