"""Routing cost over the transport network: every Sultra TPS to its own Polres, and the all-pairs the
optimiser needs (every TPS to every Polres of the province), against the plain distance model on the same
pairs in the same run. Goal: under 10 s for Sultra.

TPS: 8,154 (Pemilu 2024) spread over the real desa centroids with a small jitter; Polres at the kab/kota
centroids; landmasses from the real kab/kota boundaries; ports and links from the demo data file.

    python bench/bench_transport.py [--quick]
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path

import numpy as np
from machine import describe, machine
from shapely.geometry import shape

from siaga.core import transport as t
from siaga.core.geo import TravelModel

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data"
LINKS = ROOT / "src" / "siaga" / "transport" / "data" / "sultra_links.csv"
SULTRA_TPS = 8154
DAYS = {"sen": 0, "sel": 1, "rab": 2, "kam": 3, "jum": 4, "sab": 5, "min": 6}


def _network():
    masses = t.Landmasses.from_areas(shape(f["geometry"]) for f in json.loads(
        (DATA / "sultra" / "kabkota_74.geojson").read_text())["features"])
    ports, links = [], []
    with LINKS.open() as fh:
        for r in csv.DictReader(fh):
            if r["jenis"] == "pelabuhan":
                ports.append(t.Port(r["kode"], r["nama"], float(r["lat"]), float(r["lng"])))
            else:
                links.append(t.Link(r["kode"], r["dari"], r["ke"], r["operator"], float(r["menit"]),
                                    persons=int(r["orang"]), departures=tuple(r["jadwal"].split()),
                                    days=tuple(DAYS[d] for d in r["hari"].split()), sea_area=r["perairan"]))
    return t.Network(ports, links, masses)


def _points(n_tps, rng):
    with (DATA / "national" / "desa_centroids.csv").open() as fh:
        desa = [(r["kode"], float(r["lat"]), float(r["lng"])) for r in csv.DictReader(fh) if r["kode"].startswith("74.")]
    with (DATA / "national" / "kabkota_centroids.csv").open() as fh:
        kab = {r["kode"]: (float(r["lat"]), float(r["lng"])) for r in csv.DictReader(fh) if r["kode"].startswith("74.")}
    pick = rng.integers(0, len(desa), n_tps)
    lat = np.array([desa[i][1] for i in pick]) + rng.normal(0, 0.004, n_tps)
    lng = np.array([desa[i][2] for i in pick]) + rng.normal(0, 0.004, n_tps)
    codes = sorted(kab)
    own = np.array([codes.index(desa[i][0][:5]) for i in pick])
    klat = np.array([kab[c][0] for c in codes])
    klng = np.array([kab[c][1] for c in codes])
    return lat, lng, own, klat, klng


def _timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def run(quick=False):
    rng = np.random.default_rng(7)
    n = SULTRA_TPS // 4 if quick else SULTRA_TPS
    lat, lng, own, klat, klng = _points(n, rng)
    net, build_s = _timed(_network)
    plain = TravelModel()
    _, base_own_s = _timed(lambda: plain.cost_points_km(klat[own], klng[own], False, lat, lng, False))
    _, base_all_s = _timed(lambda: plain.cost_points_km(klat[None, :], klng[None, :], False, lat[:, None],
                                                        lng[:, None], False))
    travel = t.NetworkTravel(net)  # fresh: every point located once inside the measured time
    own_km, own_s = _timed(lambda: travel.cost_points_km(klat[own], klng[own], False, lat, lng, False))
    all_km, all_s = _timed(lambda: travel.cost_points_km(klat[None, :], klng[None, :], False, lat[:, None],
                                                         lng[:, None], False))
    minutes = own_km / travel.km_per_minute
    return {
        "machine": machine(), "tps": n, "polres": len(klat), "pairs_all": int(all_km.size),
        "network_build_s": round(build_s, 3), "landmasses": len(net.landmasses.polygons), "nodes": len(net.nodes),
        "own_polres_s": round(own_s, 3), "all_pairs_s": round(all_s, 3),
        "baseline_own_polres_s": round(base_own_s, 4), "baseline_all_pairs_s": round(base_all_s, 4),
        "ratio_all_pairs_vs_distance_model": round(all_s / max(base_all_s, 1e-9), 1),
        "total_with_build_s": round(build_s + own_s + all_s, 3), "goal_s": 10,
        "tps_over_3h_to_own_polres": int((minutes > 180).sum()),
        "max_hours_to_own_polres": round(float(minutes.max()) / 60, 1),
    }


if __name__ == "__main__":
    result = run("--quick" in sys.argv)
    print(describe())
    print(json.dumps(result, indent=2, default=str))
