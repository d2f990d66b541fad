"""Dispatch suggestions over the transport network: for an incident on Wawonii (Konawe Kepulauan) a polsek on
the island comes before a unit closer as the crow flies across the strait on the mainland, which has to go by
Kendari harbour and the Kendari - Langara speedboat; without a network the straight line decides (hand-checked)."""

import pytest

from siaga.accounts.models import Agency
from siaga.core.geo import haversine_km
from siaga.operations import selectors, services

INCIDENT = (-4.096, 122.941)  # south-west coast of Wawonii, facing the mainland
MAINLAND = (-4.118, 122.876)  # the mainland tip across the strait, 7.6 km away
ISLAND = "POLSEK-74.12.06"  # Polsek Wawonii Selatan, 14.0 km away on the island
MOVED = "POLSEK-74.71.11"  # Polsek Nambo (Kendari), placed on the mainland tip for the test
KDI, LGR = (-3.9680, 122.5930), (-4.0710, 122.9420)  # the ports of the demo network file


def _rows(user, cid):
    Agency.objects.filter(code=MOVED).update(lat=MAINLAND[0], lng=MAINLAND[1])
    found, _ = services.incident_report(actor=user("admin"), client_id=cid(), category="kerusuhan", severity=4,
                                        description="Massa merusak TPS", area_code="74.12.07", lat=INCIDENT[0],
                                        lng=INCIDENT[1])
    rows = selectors.dispatch_suggestions(viewer=user("admin"), incident=found, limit=None)
    return {r["code"]: (i, r) for i, r in enumerate(rows)}


def test_an_island_polsek_comes_before_a_nearer_unit_across_the_strait(user, cid):
    rows = _rows(user, cid)
    (i_island, island), (i_moved, moved) = rows[ISLAND], rows[MOVED]
    assert moved["distance_km"] < island["distance_km"]  # closer as the crow flies
    assert i_island < i_moved
    # Same island: 14.02 km x 1.3 road factor / 40 km/h x 60 = 27.3 min.
    km = float(haversine_km(*INCIDENT, -4.167708, 123.044925))
    assert island["eta_minutes"] == pytest.approx(km * 1.3 / 40 * 60) == pytest.approx(27.3, abs=0.1)
    # Across the strait: by land to Kendari harbour (mainland 40 km/h, detour 1.3), the KDI-LGR speedboat
    # (105 min), by land from Langara to the incident (Wawonii, 724 km2 >= 500 km2: 35 km/h).
    to_kdi = float(haversine_km(*MAINLAND, *KDI)) * 1.3 / 40 * 60
    from_lgr = float(haversine_km(*LGR, *INCIDENT)) * 1.3 / 35 * 60
    assert moved["eta_minutes"] == pytest.approx(to_kdi + 105 + from_lgr, abs=0.01)
    assert 175 < moved["eta_minutes"] < 185


def test_without_a_network_the_straight_line_decides(user, cid, monkeypatch):
    monkeypatch.setattr("siaga.transport.selectors.network", lambda **kw: None)
    rows = _rows(user, cid)
    (i_island, island), (i_moved, moved) = rows[ISLAND], rows[MOVED]
    assert moved["distance_km"] < island["distance_km"]
    assert i_moved < i_island
    assert moved["eta_minutes"] == pytest.approx(moved["distance_km"] * 1.3 / 40 * 60)
