"""Custody pages: where every box is, a box's journey, a node with its reconciliation and labels,
anomalies, escort missions, and the public checkpoint roots."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from siaga.custody import selectors, services
from siaga.custody.labels import label_svg
from siaga.custody.missions import mission_eta_hours
from siaga.custody.models import NodeKind

LIST_LIMIT = 300


@login_required
def index(request):
    kind = request.GET.get("kind") or NodeKind.KPU
    nodes = selectors.where_items_are(viewer=request.user, kind=kind)
    points = [{"code": n["code"], "name": n["name"], "lat": n["lat"], "lng": n["lng"], "total": n["total"]}
              for n in nodes if n["lat"] is not None]
    return render(request, "custody/index.html", {
        "nodes": nodes[:LIST_LIMIT], "more": max(0, len(nodes) - LIST_LIMIT), "kind": kind,
        "kinds": NodeKind.choices, "points": points, "q": request.GET.get("q", ""),
        "found": selectors.item_list(viewer=request.user, search=request.GET["q"].strip())[:50]
        if request.GET.get("q") else None})


@login_required
def item_detail(request, code):
    item = selectors.item_get(viewer=request.user, code=code)
    journey = selectors.item_journey(viewer=request.user, item=item)
    visited = {ev["node"] for _, _, ev in journey["events"]}
    return render(request, "custody/item.html", {**journey, "visited": visited, "label": label_svg(item.code)})


@login_required
def node_detail(request, code):
    node = selectors.node_get(viewer=request.user, code=code)
    items = selectors.item_list(viewer=request.user, node=node)
    return render(request, "custody/node.html", {
        "node": node, "items": items[:LIST_LIMIT], "count": items.count(),
        "reconciliation": selectors.reconciliation(viewer=request.user, node=node)})


@login_required
def node_labels(request, code):
    node = selectors.node_get(viewer=request.user, code=code)
    items = selectors.item_list(viewer=request.user, node=node)[:LIST_LIMIT]
    return render(request, "custody/labels.html", {
        "node": node, "labels": [(i, label_svg(i.code)) for i in items]})


@login_required
def anomaly_index(request):
    state = request.GET.get("state", "open")
    return render(request, "custody/anomalies.html", {
        "anomalies": selectors.anomaly_list(viewer=request.user, state=state or None)[:LIST_LIMIT],
        "state": state})


@login_required
@require_POST
def anomaly_resolve(request, pk):
    anomaly = selectors.anomaly_get(viewer=request.user, pk=pk)
    try:
        services.anomaly_resolve(actor=request.user, anomaly=anomaly, note=request.POST.get("note", ""))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("custody:anomalies")


@login_required
def mission_index(request):
    missions = []
    for m in selectors.mission_list(viewer=request.user):
        legs = list(m.legs.all())
        missions.append({
            "mission": m, "legs": legs, "eta": mission_eta_hours(m),
            "escorts": selectors.mission_escorts(viewer=request.user, mission=m),
            "checkpoints": list(m.checkpoints.all()), "cargo": m.items.count(),
            "map": {"code": m.code, "status": m.status,
                    "legs": [{"mode": leg.mode, "path": leg.path, "arrived": leg.actual_arrive is not None}
                             for leg in legs],
                    "positions": [[p.lat, p.lng] for p in m.positions.all()]}})
    return render(request, "custody/missions.html", {
        "missions": missions, "map_data": [m["map"] for m in missions]})


def public_checkpoints(request):
    """No sign-in: only roots, counts and times, for anyone to compare with a published copy."""
    return render(request, "custody/checkpoints.html", {"checkpoints": selectors.checkpoint_list()[:200]})
