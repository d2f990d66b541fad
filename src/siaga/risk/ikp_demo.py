"""Demo: Bawaslu's published IKP 2024 for the demo province, imported through the real IKP importer.

The file (risk/data/ikp_2024.csv) holds only figures found published: Sulawesi Tenggara's province score 38,32
(sedang) with the edition's province bands. The per-kab/kota scores and the dimension scores of Sultra were not
found in a public source, so they are left out rather than invented; a thematic release with Sultra's figure
likewise. Rows of provinces not loaded are not in the file (the importer refuses unknown areas).
"""

from pathlib import Path

from siaga.regions.models import Region
from siaga.risk.ikp_import import ikp_import

DATA = Path(__file__).with_name("data") / "ikp_2024.csv"


def load_ikp(*, actor, province_code: str) -> dict:
    if not Region.objects.filter(code=province_code).exists() or province_code != "74":
        return {}
    return ikp_import(actor=actor, data=DATA.read_bytes(), filename=DATA.name).as_dict()
