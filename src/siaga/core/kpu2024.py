"""Published figures of the 2024 elections that calibrate generated TPS (demo and benchmarks).

Sources (kept with the figures, see the project's domain reference ``shared/domain.md``):

* National and provincial totals: KPU, Pemilu 2024 (14 Feb 2024) DPT recapitulation: 820,161 TPS,
  204.8 million voters; Pilkada 2024 (27 Nov 2024): 435,296 TPS, about 203 million voters.
* Sulawesi Tenggara, Pemilu 2024: TPS per kab/kota and the DPT reported by the KPU kab/kota offices
  of Kota Kendari (238,205), Konawe (182,840) and Konawe Kepulauan (28,942); the province about
  1.87 million voters in 8,154 TPS. TPS per desa: median 3, 90th percentile 6, maximum 44.
* Sulawesi Tenggara, Pilkada 2024: 4,611 TPS and 1,876,792 voters; Kota Kendari 238,683 voters in
  525 TPS, Konawe Selatan 222,821 in 566 TPS.
* Desa per kab/kota: the Kemendagri code list (Kepmendagri 300.2.2-2138/2025), used to scale a
  kab/kota's figures when only part of its desa is given.

Figures not published (the DPT of the other kab/kota) are left as ``None``: the generator derives
them, it never stores invented numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

NATIONAL_DESA = 83_762
NATIONAL_TPS = {"pemilu": 820_161, "pilkada": 435_296}
NATIONAL_VOTERS = {"pemilu": 204_800_000, "pilkada": 203_000_000}

SULTRA = "74"
SULTRA_DESA = 2_285
SULTRA_TPS = {"pemilu": 8_154, "pilkada": 4_611}
SULTRA_VOTERS = {"pemilu": 1_870_000, "pilkada": 1_876_792}
SULTRA_MAX_TPS_PER_DESA = 44  # Pemilu 2024


@dataclass(frozen=True, slots=True)
class KabkotaFigures:
    code: str  # dotted Kemendagri code, e.g. "74.71"
    name: str
    desa: int  # desa/kelurahan in the Kemendagri list
    tps: int  # published TPS
    voters: int | None = None  # published DPT, when known


# Sulawesi Tenggara, Pemilu 2024 (KPU): TPS per kab/kota, the DPT where a KPU office reported it.
SULTRA_PEMILU: tuple[KabkotaFigures, ...] = (
    KabkotaFigures("74.01", "Kolaka", 135, 705),
    KabkotaFigures("74.02", "Konawe", 348, 803, 182_840),
    KabkotaFigures("74.03", "Muna", 150, 643),
    KabkotaFigures("74.04", "Buton", 95, 356),
    KabkotaFigures("74.05", "Konawe Selatan", 351, 1_000),
    KabkotaFigures("74.06", "Bombana", 143, 472),
    KabkotaFigures("74.07", "Wakatobi", 100, 340),
    KabkotaFigures("74.08", "Kolaka Utara", 133, 422),
    KabkotaFigures("74.09", "Konawe Utara", 170, 260),
    KabkotaFigures("74.10", "Buton Utara", 90, 224),
    KabkotaFigures("74.11", "Kolaka Timur", 133, 398),
    KabkotaFigures("74.12", "Konawe Kepulauan", 96, 141, 28_942),
    KabkotaFigures("74.13", "Muna Barat", 86, 254),
    KabkotaFigures("74.14", "Buton Tengah", 77, 334),
    KabkotaFigures("74.15", "Buton Selatan", 70, 323),
    KabkotaFigures("74.71", "Kota Kendari", 65, 1_030, 238_205),
    KabkotaFigures("74.72", "Kota Baubau", 43, 449),
)

# Sulawesi Tenggara, Pilkada 2024 (KPU): the kab/kota whose TPS and DPT were published, (tps, voters).
SULTRA_PILKADA: dict[str, tuple[int, int]] = {
    "74.71": (525, 238_683),
    "74.05": (566, 222_821),
}
