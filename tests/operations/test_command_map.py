"""The command-post map's data: overdue TPS flagged on the map and listed beside it, scoped to the viewer."""

import pytest

from siaga.operations.models import MissedCheckin, TpsStatus
from siaga.operations.services import checkin_sweep

pytestmark = pytest.mark.django_db


def test_swept_tps_are_overdue_on_the_map_and_in_the_list(client_as, user):
    checkin_sweep(actor=user("kapolda"), province_code="74")   # the demo's voting day has passed: flags
    kolaka = MissedCheckin.objects.filter(resolved_at=None, kabkota_code="74.01")
    overdue_tps = set(kolaka.values_list("tps__code", flat=True))
    assert overdue_tps
    c = client_as("polres.kolaka")
    features = c.get("/api/operations/map?area=74.01").json()["features"]
    flagged = {f["properties"]["kode"] for f in features if f["properties"]["terlambat"]}
    located = {f["properties"]["kode"] for f in features}
    assert flagged == overdue_tps & located
    # A TPS that reported has its last report time on the map; one that never did has none.
    reported = set(TpsStatus.objects.filter(kabkota_code="74.01").values_list("tps__code", flat=True))
    assert all((f["properties"]["t"] is not None) == (f["properties"]["kode"] in reported) for f in features)
    page = c.get("/operasi/").content.decode()
    assert f'data-testid="overdue-total">{kolaka.count():,}'.replace(",", ".") in page
    listed = set(page.split('data-testid="overdue-list"')[1].split('data-focus="')[1:])
    assert listed and {item[:13] for item in listed} <= overdue_tps
    # Scope: nothing of another kab/kota on a Polres map or list.
    assert all(code.startswith("7401") for code in located)
    assert c.get("/api/operations/map?area=74.02").status_code == 403
