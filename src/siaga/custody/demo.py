"""Demo custody data for a province: the registry, the outbound journey of one kab/kota, a sea escort mission.

Deterministic and idempotent: fixed times, fixed ids; a second run finds the
registry and changes nothing. To stay within a few seconds the outbound
journey is run for one kab/kota (Kolaka, 74.01) in bulk with precomputed
chains; every other kab/kota stays at the warehouse stage. A few handovers go
through the real services to show the anomalies a receipt raises.
"""

from datetime import datetime, timedelta

from django.db import transaction

from siaga.accounts.models import Agency, Role
from siaga.accounts.services import audit_record, user_upsert
from siaga.core import custody as core
from siaga.custody import anomalies, chain, services
from siaga.custody.bulk import insert_rows
from siaga.custody.escort_math import path_km
from siaga.custody.models import Event, Handover, HandoverState, Item, Node
from siaga.custody.routes import LOCAL, node_code
from siaga.regions.models import Region

REGISTERED_AT = datetime(2024, 2, 5, 9, 0, tzinfo=LOCAL)
NOW = datetime(2024, 2, 9, 10, 0, tzinfo=LOCAL)  # the demo's "current time" for the anomaly scan
JOURNEY_KABKOTA = "01"
# Outbound stages run for the journey kab/kota: (from kind, to kind, time).
STAGES = [("kpu", "ppk", datetime(2024, 2, 6, 8, 0, tzinfo=LOCAL)),
          ("ppk", "pps", datetime(2024, 2, 7, 8, 0, tzinfo=LOCAL)),
          ("pps", "tps", datetime(2024, 2, 8, 8, 0, tzinfo=LOCAL))]
SEA_KABKOTA = "07"  # Wakatobi


def run(*, actor, province_code, seed) -> dict:
    if Item.objects.filter(province_code=province_code).exists():
        return _summary(province_code)
    with transaction.atomic():
        kab = f"{province_code}.{JOURNEY_KABKOTA}"
        # Result envelopes matter on the return journey: registered for the journey kab/kota only.
        services.registry_create(actor=actor, province_code=province_code, at=REGISTERED_AT, envelopes=False)
        services.registry_create(actor=actor, province_code=province_code, at=REGISTERED_AT, kabkota=kab)
        boxes = list(Item.objects.filter(kabkota_code=kab, kind="box").select_related("tps").order_by("code"))
        showcase = _showcase_tps(boxes)
        _bulk_journey(actor, boxes, STAGES[:2])
        _bulk_journey(actor, [b for b in boxes if b.tps.code not in showcase], STAGES[2:])
        _receipts_with_anomalies(actor, showcase)
        _ppk_user(actor, kab)
        _sea_mission(actor, f"{province_code}.{SEA_KABKOTA}")
        services.return_escorts_plan(actor=actor, kabkota_code=f"{province_code}.{SEA_KABKOTA}", election="pemilu")
        services.checkpoint_create(actor=actor, at=NOW)
        anomalies.scan(now=NOW, actor=actor)
    return _summary(province_code)


def _summary(province_code):
    from siaga.custody.models import Anomaly, Checkpoint, Event, Mission

    return {"items": Item.objects.filter(province_code=province_code).count(), "events": Event.objects.count(),
            "handovers": Handover.objects.count(), "missions": Mission.objects.count(),
            "checkpoints": Checkpoint.objects.count(), "open_anomalies": Anomaly.objects.filter(state="open").count()}


def _showcase_tps(boxes):
    """Three TPS whose last leg goes through the services: clean, short-and-resealed, and left unconfirmed."""
    return sorted({b.tps.code for b in boxes})[:3]


def _bulk_journey(actor, boxes, stages):
    """Handovers grouped per receiving node, with the items' chain events computed in memory."""
    if not boxes:
        return
    nodes = dict(Node.objects.filter(area_code__startswith=boxes[0].kabkota_code).values_list("code", "pk"))
    nodes.update(Node.objects.filter(code__startswith="TPS-" + boxes[0].kabkota_code.replace(".", ""))
                 .values_list("code", "pk"))
    names = dict(Node.objects.filter(pk__in=nodes.values()).values_list("code", "name"))
    locate = {"kpu": lambda b: node_code("kpu", b.kabkota_code), "ppk": lambda b: node_code("ppk", b.kecamatan_code),
              "pps": lambda b: node_code("pps", b.desa_code), "tps": lambda b: node_code("tps", b.tps.code)}
    for origin_kind, dest_kind, at in stages:
        groups = {}
        for box in boxes:
            groups.setdefault((locate[origin_kind](box), locate[dest_kind](box)), []).append(box)
        handovers, events = [], []
        for (origin, dest), group in sorted(groups.items()):
            client_id = f"demo-{dest}"
            h = Handover(client_id=client_id, state=HandoverState.COMPLETE, at=at, from_node_id=nodes[origin],
                         to_node_id=nodes[dest], giver_name=names[origin], receiver_name=names[dest],
                         seals_seen={}, condition="baik", escort=f"Polsek {box_area_name(group[0])}",
                         received_codes=[b.code for b in group], receiver_method="code",
                         giver_confirmed_at=at, receiver_confirmed_at=at + timedelta(minutes=5), created_at=at)
            handovers.append(h)
            for box in group:
                fields = chain.handover_fields(h, origin, dest, box.seals)
                stored = core.store_event(box.head_hash, core.make_event(
                    box.code, box.head_seq + 1, fields.pop("kind"), fields.pop("at"), **fields))
                box.head_seq, box.head_hash, box.node_id, box.holder, box.updated_at = \
                    stored.seq, stored.hash, nodes[dest], names[dest], at
                events.append((h, box, stored))
        Handover.objects.bulk_create(handovers, batch_size=2000)
        ids = dict(Handover.objects.filter(client_id__in=[h.client_id for h in handovers]).values_list("client_id", "pk"))
        insert_rows(Handover.items.through, ["handover_id", "item_id"],
                    ((ids[h.client_id], box.pk) for h, box, _ in events))
        insert_rows(Event, ["item_id", "seq", "prev_hash", "hash", "canonical", "tag", "kind", "handover_id",
                            "recorded_at"],
                    ((box.pk, s.seq, s.prev_hash, s.hash, s.canonical.decode("utf-8"), chain.event_tag(s.hash),
                      "handover", ids[h.client_id], at) for h, box, s in events))
        chain.save_heads(boxes)
        audit_record(actor=actor, action="custody.demo.journey", obj_type="custody_registry",
                     obj_id=f"{boxes[0].kabkota_code}:{dest_kind}", area_code=boxes[0].kabkota_code,
                     after={"handovers": len(handovers), "items": len(boxes)})


def box_area_name(box, _names={}):
    if box.kecamatan_code not in _names:
        _names[box.kecamatan_code] = Region.objects.filter(code=box.kecamatan_code).values_list(
            "name", flat=True).first() or box.kecamatan_code
    return _names[box.kecamatan_code]


def _receipts_with_anomalies(actor, showcase):
    """Last leg of the showcase TPS through the services: one clean, one short with a changed seal, one pending."""
    at = STAGES[2][2]
    for n, tps_code in enumerate(showcase):
        items = list(Item.objects.filter(tps__code=tps_code, kind="box").order_by("code"))
        seals = {i.code: list(i.seals) for i in items}
        received = None
        if n == 1:
            seals[items[0].code] = ["S-TIDAK-DIKENAL-01"]
            received = [i.code for i in items[1:]] + [items[0].code]
            received.remove(items[-1].code)
        handover, _code = services.handover_offer(
            actor=actor, client_id=f"demo-last-{tps_code}", item_codes=[i.code for i in items],
            from_node=items[0].node.code, to_node=node_code("tps", tps_code), at=at + timedelta(hours=n),
            receiver_name=f"Ketua KPPS TPS {tps_code[-3:]}", seals_seen=seals, condition="baik",
            escort="Bhabinkamtibmas")
        Handover.objects.filter(pk=handover.pk).update(giver_confirmed_at=at + timedelta(hours=n))
        if n < 2:
            services.handover_confirm(actor=actor, handover=handover, signature="ttd-ketua-kpps",
                                      received_codes=received, at=at + timedelta(hours=n, minutes=10))


def _ppk_user(actor, kab):
    kec = Region.objects.filter(parent_id=kab).order_by("code").first()
    user_upsert(actor=actor, username="ppk.kolaka", password="siaga-demo-2024",
                agency=Agency.objects.get(code=f"KPU-{kab}"), role=Role.OPERATOR, area_code=kec.code,
                full_name=f"PPK {kec.name}")


def _escorts(actor, kab):
    """Three officers of the kab/kota from the roster, as the demo's actor sees it (Polsek names without one)."""
    try:
        from siaga.deployment.selectors import personnel_list
    except ImportError:
        people = []
    else:
        people = list(personnel_list(viewer=actor).filter(unit__area_code__startswith=kab)[:3])
    if people:
        return [{"name": f"{p.rank} {p.name}", "nrp": p.nrp, "unit": p.unit.name} for p in people]
    polsek = Agency.objects.filter(code__startswith=f"POLSEK-{kab}.").order_by("code")[:2]
    return [{"name": f"Personel {a.name}", "nrp": "", "unit": a.name} for a in polsek]


def _sea_mission(actor, kab):
    """Warehouse -> harbour by land, then by boat to the farthest island kecamatan of Wakatobi."""
    home = Region.objects.get(code=kab)
    kecs = [r for r in Region.objects.filter(parent_id=kab).exclude(lat=None).order_by("code")]
    far = max(kecs, key=lambda r: path_km([(home.lat, home.lng), (r.lat, r.lng)]))
    harbour = (round(home.lat + 0.01, 5), round(home.lng + 0.01, 5))
    middle = (round((harbour[0] + far.lat) / 2, 5), round((harbour[1] + far.lng) / 2, 5))
    day = NOW.replace(hour=6)
    sea_hours = path_km([harbour, middle, (far.lat, far.lng)]) / 15
    legs = [
        {"mode": "land", "origin": f"Gudang KPU {home.name}", "destination": "Pelabuhan",
         "path": [[home.lat, home.lng], list(harbour)], "planned_depart": day,
         "planned_arrive": day + timedelta(hours=1), "actual_depart": day, "actual_arrive": day + timedelta(hours=1)},
        {"mode": "sea", "origin": "Pelabuhan", "destination": f"Kecamatan {far.name}", "boat": "KM Siaga Bahari",
         "path": [list(harbour), list(middle), [far.lat, far.lng]], "planned_depart": day + timedelta(hours=1.5),
         "planned_arrive": day + timedelta(hours=1.5 + sea_hours + 1), "actual_depart": day + timedelta(hours=1.5)},
    ]
    cargo = Item.objects.filter(kecamatan_code=far.code, kind="box").values_list("code", flat=True)
    mission = services.mission_create(
        actor=actor, code=f"KAWAL-{kab}-01", name=f"Kawal logistik {home.name} - {far.name}", area_code=kab,
        legs=legs, escorts=_escorts(actor, kab), item_codes=list(cargo),
        checkpoints=[{"leg": 1, "name": "Tengah perairan", "lat": middle[0], "lng": middle[1],
                      "planned_at": day + timedelta(hours=1.5 + sea_hours / 2)}])
    for minutes, (lat, lng) in ((30, harbour), (150, middle)):
        services.position_report(actor=actor, mission=mission, client_id=f"demo-pos-{kab}-{minutes}",
                                 at=day + timedelta(minutes=minutes), lat=lat, lng=lng)
    return mission
