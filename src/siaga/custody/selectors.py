"""Reads of custody data; every function takes the viewer and applies their area and agency scope."""

from collections import defaultdict

from django.db.models import Count, Prefetch, Q
from django.http import Http404

from siaga.core.custody import StoredEvent
from siaga.custody.access import area_code_q, item_q, sees_escort_names
from siaga.custody.models import Anomaly, Checkpoint, Event, Handover, Item, Mission, Node
from siaga.custody.routes import item_path


def item_list(*, viewer, node=None, search="", kind=None):
    rows = Item.objects.filter(item_q(viewer)).select_related("node", "tps")
    if node is not None:
        rows = rows.filter(node=node)
    if search:
        rows = rows.filter(Q(code__startswith=search) | Q(tps__name__icontains=search))
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("code")


def item_get(*, viewer, code) -> Item:
    item = item_list(viewer=viewer).filter(code=code).first()
    if item is None:
        raise Http404(code)
    return item


def item_journey(*, viewer, item):
    """The item's chain events (parsed), its expected path and where it is on it."""
    item = item_get(viewer=viewer, code=item.code)
    events = [(e.seq, e.hash, e.event()) for e in _events(item)]
    path = item_path(item.kabkota_code, item.kecamatan_code, item.desa_code, item.tps.code)
    return {"item": item, "events": events, "path": path, "at": item.node.code if item.node_id else None}


def _events(item):
    for seq, prev, hash_, text in item.events.order_by("seq").values_list("seq", "prev_hash", "hash", "canonical"):
        yield StoredEvent(item.code, seq, prev, hash_, text.encode("utf-8"))


def node_list(*, viewer, kind=None, parent_area=None):
    rows = Node.objects.filter(area_code_q(viewer))
    if kind:
        rows = rows.filter(kind=kind)
    if parent_area:
        rows = rows.filter(Q(area_code=parent_area) | Q(area_code__startswith=parent_area + "."))
    return rows


def node_get(*, viewer, code) -> Node:
    node = node_list(viewer=viewer).filter(code=code).first()
    if node is None:
        raise Http404(code)
    return node


def where_items_are(*, viewer, kind=None, area=None):
    """Per node: how many of the viewer's items are there now, by race (the 'where is every box' view)."""
    rows = Item.objects.filter(item_q(viewer))
    if area:
        rows = rows.filter(Q(desa_code=area) | Q(desa_code__startswith=area + "."))
    if kind:
        rows = rows.filter(node__kind=kind)
    counts = {}
    for node_id, code, name, nkind, lat, lng, race, n in (
            rows.values_list("node_id", "node__code", "node__name", "node__kind", "node__lat", "node__lng", "race")
            .annotate(n=Count("pk")).order_by("node__code", "race")):
        entry = counts.setdefault(code, {"code": code, "name": name, "kind": nkind, "lat": lat, "lng": lng,
                                         "races": {}, "total": 0})
        entry["races"][race] = n
        entry["total"] += n
    return list(counts.values())


def reconciliation(*, viewer, node):
    """Per race at ``node``: items sent to it, received, sent on, held now (sent must equal received)."""
    node = node_get(viewer=viewer, code=node.code)
    visible = Item.objects.filter(item_q(viewer))
    rows = defaultdict(lambda: dict.fromkeys(("sent_to", "received", "sent_on", "held"), 0))
    incoming = Handover.objects.filter(state="complete", to_node=node)
    for h in incoming.prefetch_related(Prefetch("items", queryset=visible.only("code", "race"))):
        taken = set(h.received_codes)
        for item in h.items.all():
            rows[item.race]["sent_to"] += 1
            rows[item.race]["received"] += item.code in taken
    links = Handover.items.through.objects.filter(handover__state="complete", handover__from_node=node,
                                                  item__in=visible)
    for race, n in links.values_list("item__race").annotate(n=Count("pk")):
        rows[race]["sent_on"] = n
    for race, n in visible.filter(node=node).values_list("race").annotate(n=Count("pk")):
        rows[race]["held"] = n
    return [{"race": race, **row, "ok": row["sent_to"] == row["received"]} for race, row in sorted(rows.items())]


def anomaly_list(*, viewer, state="open", kind=None):
    rows = Anomaly.objects.filter(area_code_q(viewer)).select_related("item", "node", "mission")
    if state:
        rows = rows.filter(state=state)
    if kind:
        rows = rows.filter(kind=kind)
    return rows


def anomaly_get(*, viewer, pk) -> Anomaly:
    anomaly = anomaly_list(viewer=viewer, state=None).filter(pk=pk).first()
    if anomaly is None:
        raise Http404(pk)
    return anomaly


def handover_list(*, viewer, state=None):
    rows = Handover.objects.filter(Q(area_code_q(viewer, "from_node__area_code")) | Q(area_code_q(viewer, "to_node__area_code")))
    if state:
        rows = rows.filter(state=state)
    return rows.select_related("from_node", "to_node")


def handover_get(*, viewer, client_id) -> Handover:
    handover = handover_list(viewer=viewer).filter(client_id=client_id).first()
    if handover is None:
        raise Http404(client_id)
    return handover


def handovers_waiting_for(*, viewer):
    """Pending handovers naming the viewer as receiver (their device confirms or shows the code)."""
    return Handover.objects.filter(receiver=viewer, state="pending").select_related("from_node", "to_node")


def pending_handovers_for(user):
    """What the home page tells a receiver: the pending handovers naming them, newest first (their home shows
    them with a link to confirm; custody/_pending_handovers.html, tag {% pending_handovers %})."""
    if not getattr(user, "is_authenticated", False):
        return Handover.objects.none()
    return handovers_waiting_for(viewer=user).order_by("-at", "-pk")


def mission_list(*, viewer):
    return Mission.objects.filter(area_code_q(viewer)).prefetch_related("legs")


def mission_get(*, viewer, code) -> Mission:
    mission = mission_list(viewer=viewer).filter(code=code).first()
    if mission is None:
        raise Http404(code)
    return mission


def mission_escorts(*, viewer, mission):
    """Escorts with names for Polri/TNI viewers; others see units and a count only."""
    escorts = list(mission.escorts.all())
    if sees_escort_names(viewer):
        return escorts
    return [{"name": "—", "nrp": "", "unit": e.unit} for e in escorts]


def chains_by_level() -> dict[str, int]:
    """Public by design, like the checkpoints: how many chains end (for now) at each level of the chain, KPU
    provinsi included; counts only, nothing about items or people."""
    counts = dict(Item.objects.order_by().values_list("node__kind").annotate(n=Count("pk")))
    return {kind: counts.get(kind, 0) for kind in ("tps", "pps", "ppk", "kpu", "kpuprov")}


def checkpoint_list():
    """Public by design: checkpoint roots, counts and times carry nothing about items or people."""
    return Checkpoint.objects.order_by("-seq").values("seq", "at", "root", "item_count", "event_count", "hash",
                                                     "prev_hash")


def event_count(*, viewer):
    return Event.objects.filter(item_q(viewer, "item__")).count()


def kpi_escort_coverage(*, viewer, operation, **_):
    """Share (%) of the legs of the escort missions in the operation's area (the part the viewer reads)
    whose mission has at least one escort assigned; None when there is no leg."""
    from siaga.accounts.scope import readable_area
    from siaga.core.kpi import share
    from siaga.custody.models import MissionLeg

    area = readable_area(viewer, operation.area_code)
    legs = MissionLeg.objects.filter(mission__in=mission_list(viewer=viewer).filter(
        Q(area_code=area) | Q(area_code__startswith=area + ".")))
    return share(legs.filter(mission__escorts__isnull=False).distinct().count(), legs.count())


# The way boxes travel after counting: TPS -> desa -> kecamatan -> KPU kab/kota -> KPU provinsi.
CUSTODY_LEVELS = ("tps", "pps", "ppk", "kpu", "kpuprov")
CHILD_FIELDS = {0: "province_code", 2: "kabkota_code", 5: "kecamatan_code", 8: "desa_code", 13: "desa_code"}


def progress_by_level(*, viewer, area=""):
    """Per child region of ``area`` (kab/kota of a province, ...): the viewer's items by the level of the node
    holding them now (TPS, PPS, PPK, KPU; items not yet at a node are left out), the least advanced first."""
    from siaga.regions.models import Region

    field = CHILD_FIELDS.get(len(area or ""), "desa_code")
    rows = Item.objects.filter(item_q(viewer)).exclude(node=None)
    if area:
        rows = rows.filter(Q(desa_code=area) | Q(desa_code__startswith=area + "."))
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(CUSTODY_LEVELS, 0))
    for code, kind, n in rows.order_by().values_list(field, "node__kind").annotate(n=Count("pk")):
        if kind in CUSTODY_LEVELS:
            counts[code][kind] += n
    names = dict(Region.objects.filter(code__in=list(counts)).values_list("code", "name"))
    out = [{"code": code, "name": names.get(code, code), "levels": levels, "total": sum(levels.values())}
           for code, levels in counts.items()]
    return sorted(out, key=lambda r: (-(r["levels"]["tps"] + r["levels"]["pps"]) / (r["total"] or 1), r["code"]))
