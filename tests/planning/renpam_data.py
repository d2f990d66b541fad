"""Test data for the Rencana Pengamanan: a Pemilu 2024 operation beside the demo's Pilkada one, and
Pilkada TPS (the demo registry may hold only Pemilu's)."""

from datetime import date as d

from siaga.accounts.models import Agency
from siaga.planning import services
from siaga.planning.models import Operation
from siaga.regions.models import Election, Tps

PEMILU_OPERATION = "Operasi Mantap Brata Anoa 2023-2024"
PEMILU_STAGES = [
    ("kampanye", d(2023, 11, 28), d(2024, 2, 10)), ("tenang", d(2024, 2, 11), d(2024, 2, 13)),
    ("logistik", d(2024, 1, 1), d(2024, 2, 13)), ("pemungutan", d(2024, 2, 14), d(2024, 2, 15)),
    ("rekap_kecamatan", d(2024, 2, 15), d(2024, 3, 2)), ("rekap_kabkota", d(2024, 2, 17), d(2024, 3, 5)),
    ("rekap_provinsi", d(2024, 2, 19), d(2024, 3, 10)), ("sengketa", d(2024, 3, 21), d(2024, 4, 22)),
]


def pemilu_operation(actor):
    existing = Operation.objects.filter(election=Election.PEMILU, area_code="74").first()
    if existing:
        return existing
    polda = Agency.objects.get(code="POLDA-74")
    return services.operation_create(
        actor=actor, name=PEMILU_OPERATION, election=Election.PEMILU, starts_on=d(2023, 10, 1),
        ends_on=d(2024, 4, 30), organiser=polda, area_code="74", stages=PEMILU_STAGES,
        task_forces=[("Satgas Preventif", "pengamanan TPS", polda), ("Satgas Tindak", "penanganan kerusuhan", polda)])


def pilkada_tps(per_desa=1, kabkota="74.03"):
    """Pilkada TPS in the kab/kota (one per desa of its Pemilu TPS, when the registry has none):
    returns the Pilkada TPS count of the province."""
    if not Tps.objects.filter(election=Election.PILKADA, province_code="74").exists():
        seen = set()
        rows = []
        for tps in Tps.objects.filter(election=Election.PEMILU, kabkota_code=kabkota).order_by("code"):
            if tps.desa_id in seen:
                continue
            seen.add(tps.desa_id)
            rows.append(Tps(code=tps.code, election=Election.PILKADA, desa_id=tps.desa_id,
                            kecamatan_code=tps.kecamatan_code, kabkota_code=tps.kabkota_code,
                            province_code=tps.province_code, number=1, name="TPS 001", voters=tps.voters * 2,
                            lat=tps.lat, lng=tps.lng))
        Tps.objects.bulk_create(rows)
    return Tps.objects.filter(election=Election.PILKADA, province_code="74").count()
