"""Demo: the landmasses of the province and the main Sultra ports and links (data/sultra_links.csv)."""

from pathlib import Path

from siaga.transport.models import Landmass
from siaga.transport.network_import import network_import
from siaga.transport.services import landmasses_build

DATA = Path(__file__).parent / "data" / "sultra_links.csv"


def run(*, actor, province_code, seed):
    out = {}
    if not Landmass.objects.filter(province_code=province_code).exists():
        out["landmasses"] = landmasses_build(actor=actor, province_code=province_code)
    if province_code == "74":
        out.update(network_import(actor=actor, data=DATA.read_bytes(), filename=DATA.name))
    return out
