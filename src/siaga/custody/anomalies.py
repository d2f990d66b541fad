"""Anomalies: raised at once when a receipt shows a problem, and by the periodic scan for late things.

One open anomaly per cause (its ``key``); raising it again while open changes nothing.
"""

from collections import Counter
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count

from siaga.accounts.services import audit_record
from siaga.custody.models import Anomaly, Handover, HandoverState, Item, Mission, MissionStatus, Node
from siaga.custody.routes import Calendar, is_expected_move, item_path, overdue_stages
from siaga.planning.selectors import stage_calendar

CONFIRM_GRACE = timedelta(minutes=30)


def raise_anomaly(*, kind, key, area_code, detail, actor=None, item=None, node=None, mission=None):
    """Open an anomaly unless one is already open for ``key``; returns it, or None when it already was."""
    if Anomaly.objects.filter(key=key, state="open").exists():
        return None
    try:
        with transaction.atomic():
            anomaly = Anomaly.objects.create(kind=kind, key=key, area_code=area_code, detail=detail, item=item,
                                             node=node, mission=mission)
            audit_record(actor=actor, action="custody.anomaly.raise", obj_type="custody_anomaly", obj_id=anomaly.pk,
                         area_code=area_code, after={"kind": kind, "key": key, **detail})
    except IntegrityError:  # raised concurrently by another worker
        return None
    return anomaly


def calendar_for(election: str, area_code: str) -> Calendar:
    """The stage calendar of the operation securing ``election`` where ``area_code`` lies."""
    return Calendar(stage_calendar(election=election, area_code=area_code))


def _path(item):
    return item_path(item.kabkota_code, item.kecamatan_code, item.desa_code, item.tps_code)


def scan_handover(handover, received_items, previous, listed):
    """Anomalies a completed handover shows: wrong node, seals changed, items short.

    ``previous`` maps item id -> (node id before the receipt, seals before); each received item carries
    ``tps_code`` (its TPS's code, read along when it was locked).
    """
    origin, destination = handover.from_node.code, handover.to_node.code
    nodes = {handover.from_node_id: origin, handover.to_node_id: destination}
    if others := {n for n, _ in previous.values() if n and n not in nodes}:
        nodes.update(Node.objects.filter(pk__in=others).values_list("pk", "code"))
    for item in received_items:
        node_before, seals_before = previous[item.pk]
        was_at = nodes.get(node_before)
        area = item.kecamatan_code
        if item.kind == "box" and (was_at != origin or not is_expected_move(_path(item), origin, destination)):
            raise_anomaly(kind="unexpected_node", key=f"node:{item.code}:{destination}", item=item,
                          node=handover.to_node, area_code=area,
                          detail={"was_at": was_at, "from": origin, "to": destination, "handover": handover.client_id})
        seen = handover.seals_seen.get(item.code)
        if seen is not None and sorted(seen) != sorted(seals_before):
            raise_anomaly(kind="seal_changed", key=f"seal:{item.code}:{handover.client_id}", item=item,
                          node=handover.to_node, area_code=area,
                          detail={"expected": seals_before, "seen": seen, "handover": handover.client_id})
    short = sorted(set(listed) - {i.code for i in received_items})
    if short:
        races = Counter(code.rsplit("-", 1)[1] for code in short)
        raise_anomaly(kind="count_mismatch", key=f"count:{handover.client_id}", node=handover.to_node,
                      area_code=handover.to_node.area_code,
                      detail={"handover": handover.client_id, "sent": len(listed), "received": len(received_items),
                              "missing": short[:50], "by_race": dict(races)})


def scan(*, now, actor=None) -> dict:
    """Late things at ``now``: overdue legs (per node and stage), unconfirmed handovers, overdue missions."""
    raised = Counter()
    for election, province in Item.objects.order_by().values_list("election", "province_code").distinct():
        stages = overdue_stages(calendar_for(election, province), now)
        if not stages:
            continue
        # Group by node without a join (SQLite's planner can pick a pathological join order here).
        held = dict(Item.objects.filter(election=election, province_code=province, kind="box").values_list("node_id")
                    .annotate(n=Count("pk")).order_by())
        kinds = {kind for _, late in stages for kind in late}
        nodes = {pk: (code, kind, area) for pk, code, kind, area in
                 Node.objects.filter(kind__in=kinds).values_list("pk", "code", "kind", "area_code") if pk in held}
        for stage, late_kinds in stages:
            for node_id, (code, kind, area) in sorted(nodes.items(), key=lambda n: n[1][0]):
                if kind in late_kinds and raise_anomaly(
                        kind="overdue_leg", key=f"overdue:{code}:{stage}", actor=actor, node=Node(pk=node_id, code=code),
                        area_code=area, detail={"stage": stage, "items": held[node_id]}):
                    raised["overdue_leg"] += 1
    stale = Handover.objects.filter(state=HandoverState.PENDING, giver_confirmed_at__lt=now - CONFIRM_GRACE)
    for h in stale.select_related("to_node"):
        if raise_anomaly(kind="unconfirmed", key=f"unconfirmed:{h.client_id}", node=h.to_node, actor=actor,
                         area_code=h.to_node.area_code,
                         detail={"handover": h.client_id, "receiver": h.receiver_name, "since": str(h.giver_confirmed_at)}):
            raised["unconfirmed"] += 1
    for mission in Mission.objects.exclude(status=MissionStatus.ARRIVED).prefetch_related("legs"):
        late = [leg for leg in mission.legs.all()
                if leg.actual_arrive is None and now > max(leg.planned_arrive, leg.hold_until or leg.planned_arrive)]
        if late and raise_anomaly(kind="mission_overdue", key=f"mission:{mission.code}:{late[0].position}",
                                  mission=mission, area_code=mission.area_code, actor=actor,
                                  detail={"leg": late[0].position, "due": str(late[0].planned_arrive)}):
            raised["mission_overdue"] += 1
    return dict(raised)
