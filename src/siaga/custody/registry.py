"""The registry rows of a province, computed in memory for bulk insert: nodes, items, seals, first events."""

from siaga.core import custody as core
from siaga.custody.chain import utc_text
from siaga.custody.models import ItemKind, NodeKind
from siaga.custody.routes import ENVELOPE, RACES, node_code
from siaga.regions.models import BALLOT_BOXES, Region, Tps


def province_known(code: str) -> bool:
    return Region.objects.filter(code=code, level=1).exists()


def item_code(tps_code: str, race: str) -> str:
    return f"{tps_code}-{race}"


def seal_number(tps_code: str, index: int) -> str:
    return f"S{tps_code}{index:02d}"


def registry_rows(*, province_code, election, at, envelopes=True, kabkota=None):
    """(nodes (code, kind, name, area, lat, lng), item dicts, seals [(item code, number)], first events).

    Boxes are registered at their KPU kab/kota warehouse; result envelopes at
    their TPS, where they are filled after counting. The KPU provinsi node is the
    top of the return chain (province recap).
    """
    regions = Region.objects.filter(code__startswith=province_code + ".", level__in=(2, 3, 4))
    if kabkota:
        regions = regions.filter(code__startswith=kabkota)
    regions = regions | Region.objects.filter(code=province_code, level=1)  # KPU provinsi: the top of the chain
    kinds = {1: NodeKind.KPUPROV, 2: NodeKind.KPU, 3: NodeKind.PPK, 4: NodeKind.PPS}
    nodes = [(node_code(kinds[level], code), kinds[level].value, f"{kinds[level].label} {name}", code, lat, lng)
             for code, level, name, lat, lng in regions.values_list("code", "level", "name", "lat", "lng")]
    tps_rows = Tps.objects.filter(province_code=province_code, election=election).order_by("code")
    if kabkota:
        tps_rows = tps_rows.filter(kabkota_code=kabkota)
    items, seals, events = [], [], []
    stamp = utc_text(at)
    for pk, code, desa, kec, kab, name, lat, lng in tps_rows.values_list(
            "pk", "code", "desa_id", "kecamatan_code", "kabkota_code", "name", "lat", "lng").iterator(5000):
        nodes.append((node_code("tps", code), NodeKind.TPS.value, name, desa, lat, lng))
        tps_items((pk, code, desa, kec, kab), province_code=province_code, election=election, at=at, stamp=stamp,
                  envelopes=envelopes, out=(items, seals, events))
    return nodes, items, seals, events


def tps_items(tps, *, province_code, election, at, stamp, envelopes=True, round_no=0, out=None):
    """The boxes (and result envelope) of one TPS, each with its seal and first event, appended to ``out``
    (items, seals, events). ``round_no`` > 0: the new ballots of that TPS's re-vote, coded ``<tps>-<race>-u<n>``
    with seals of their own, so the voting day's items and chains stay as they were."""
    pk, code, desa, kec, kab = tps
    items, seals, events = out if out is not None else ([], [], [])
    races = RACES[election][:BALLOT_BOXES[election]]
    kinds_here = [(ItemKind.BOX, race) for race, _ in races]
    if envelopes:
        kinds_here.append((ItemKind.ENVELOPE, ENVELOPE[election][0]))
    suffix = f"-u{round_no}" if round_no else ""
    for index, (kind, race) in enumerate(kinds_here, start=1):
        seal = seal_number(code, index) + (f"U{round_no}" if round_no else "")
        at_node = node_code("kpu", kab) if kind == ItemKind.BOX else node_code("tps", code)
        payload = {"kind": kind.value, "race": race, "tps": code} | ({"revote_round": round_no} if round_no else {})
        event = core.make_event(item_code(code, race) + suffix, 1, "registered", stamp, node=at_node,
                                receiver="KPU" if kind == ItemKind.BOX else "KPPS", seals=[seal],
                                condition="baik", payload=payload)
        stored = core.store_event(core.GENESIS, event)
        items.append({"code": stored.item_id, "kind": kind.value, "race": race, "election": election,
                      "tps_id": pk, "province_code": province_code, "kabkota_code": kab, "kecamatan_code": kec,
                      "desa_code": desa, "node_code": at_node, "holder": event["receiver"], "seals": [seal],
                      "head_seq": 1, "head_hash": stored.hash, "checkpointed_seq": 0, "updated_at": at,
                      "round": round_no})
        seals.append((stored.item_id, seal))
        events.append(stored)
    return items, seals, events
