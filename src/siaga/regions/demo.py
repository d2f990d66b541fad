"""Demo and benchmark TPS: generated from the loaded desa, then stored through the real importer."""

import io
import json
from collections import defaultdict

from shapely.geometry import shape

from siaga.core.codes import is_kelurahan
from siaga.core.tps_merge import merge_tps
from siaga.core.kpu2024 import SULTRA, SULTRA_PILKADA, SULTRA_TPS
from siaga.core.tpsgen import DesaInput, generate_national, generate_tps, write_csv
from siaga.regions.models import Region, RegionGeometry


def desa_inputs(province_codes=None) -> dict[str, list[DesaInput]]:
    """The loaded desa with centroid and boundary, grouped by province."""
    desa = Region.objects.filter(level=4)
    if province_codes:
        desa = desa.filter(parent__parent__parent_id__in=province_codes)
    geometries = dict(RegionGeometry.objects.filter(region__in=desa).values_list("region_id", "geojson"))
    grouped = defaultdict(list)
    for code, name, lat, lng in desa.order_by("code").values_list("code", "name", "lat", "lng").iterator(2000):
        geojson = geometries.get(code)
        grouped[code[:2]].append(DesaInput(code=code, name=name, lat=lat, lng=lng, kelurahan=is_kelurahan(code),
                                           geometry=shape(json.loads(geojson)) if geojson else None))
    return dict(grouped)


def generate_tps_file(*, provinces=None, seed=2024, election="pemilu", output) -> int:
    by_province = desa_inputs(provinces)
    if provinces and len(by_province) == 1:
        rows = generate_tps(next(iter(by_province.values())), election=election, seed=seed)
    else:
        rows = generate_national(by_province, election=election, seed=seed)
    with open(output, "w", newline="", encoding="utf-8") as fh:
        return write_csv(rows, fh)


def demo_tps(*, actor, province_code, seed=2024) -> dict:
    """Generate a province's Pemilu TPS (for Sultra calibrated per kab/kota on the published figures),
    derive its Pilkada TPS from them as KPU did (merging TPS of one desa up to 600 voters, to the
    published totals where known: the province and the kab/kota KPU reported) and import both;
    re-running changes nothing."""
    from siaga.regions.selectors import tps_stats
    from siaga.regions.tps_import import tps_import

    pemilu = generate_tps(desa_inputs({province_code})[province_code], election="pemilu", seed=seed)
    if province_code == SULTRA:
        pilkada = merge_tps(pemilu, election="pilkada", target=SULTRA_TPS["pilkada"],
                            kabkota_targets={code: tps for code, (tps, _) in SULTRA_PILKADA.items()})
    else:
        pilkada = merge_tps(pemilu, election="pilkada")
    buffer = io.StringIO()
    write_csv([*pemilu, *pilkada], buffer)
    result = tps_import(actor=actor, data=buffer.getvalue().encode(), filename=f"demo-tps-{province_code}.csv")
    stats = tps_stats(viewer=actor, province=province_code, election="pemilu")
    pilkada_stats = tps_stats(viewer=actor, province=province_code, election="pilkada")
    return {"tps": stats["tps"], "voters": stats["voters"], "tps_pilkada": pilkada_stats["tps"],
            "voters_pilkada": pilkada_stats["voters"], **result.as_dict()}
