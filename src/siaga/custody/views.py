"""Custody pages: where every box is, a box's journey, a node with its reconciliation, labels and the
handover form, a handover with its confirmation, anomalies, escort missions, and the public checkpoint roots."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siaga.custody import selectors, services
from siaga.custody.charts import custody_progress_chart
from siaga.custody.access import item_q, require_custodian
from siaga.custody.forms import HandoverForm, next_nodes
from siaga.custody.labels import label_svg
from siaga.custody.missions import mission_eta_hours
from siaga.custody.models import NodeKind
from siaga.readreplica import replica_reads
from siaga.regions.selectors import page_area

LIST_LIMIT = 300


@login_required
@replica_reads
def index(request):
    kind = request.GET.get("kind") or NodeKind.KPU
    nodes = selectors.where_items_are(viewer=request.user, kind=kind)
    points = [{"code": n["code"], "name": n["name"], "lat": n["lat"], "lng": n["lng"], "total": n["total"]}
              for n in nodes if n["lat"] is not None]
    return render(request, "custody/index.html", {
        "nodes": nodes[:LIST_LIMIT], "more": max(0, len(nodes) - LIST_LIMIT), "kind": kind,
        "kinds": NodeKind.choices, "points": points, "q": request.GET.get("q", ""),
        "found": selectors.item_list(viewer=request.user, search=request.GET["q"].strip())[:50]
        if request.GET.get("q") else None, "progress_chart": _progress_chart(request.user)})


def _progress_chart(viewer):
    rows = selectors.progress_by_level(viewer=viewer, area=page_area(viewer=viewer))
    return custody_progress_chart(rows) if rows else None


@login_required
def item_detail(request, code):
    item = selectors.item_get(viewer=request.user, code=code)
    journey = selectors.item_journey(viewer=request.user, item=item)
    visited = {ev["node"] for _, _, ev in journey["events"]}
    return render(request, "custody/item.html", {**journey, "visited": visited, "label": label_svg(item.code)})


@login_required
def node_detail(request, code):
    node = selectors.node_get(viewer=request.user, code=code)
    return _node_page(request, node)


def _may_give(user, node) -> bool:
    """Whether to offer the handover form; the service checks again (and the items' areas) on submit."""
    try:
        require_custodian(user, node.area_code)
    except PermissionDenied:
        return False
    return True


def _node_page(request, node, form=None, error="", status=200):
    q = request.GET.get("q", "").strip()
    items = selectors.item_list(viewer=request.user, node=node, search=q)
    shown = list(items[:LIST_LIMIT])
    context = {"node": node, "items": shown, "count": items.count(), "q": q, "error": error,
               "reconciliation": selectors.reconciliation(viewer=request.user, node=node),
               "pending": selectors.handover_list(viewer=request.user, state="pending")
               .filter(Q(from_node=node) | Q(to_node=node))[:LIST_LIMIT]}
    if shown and _may_give(request.user, node):
        form = form or HandoverForm(items=items, nodes=next_nodes(node, shown), giver=request.user)
        context.update(form=form, rows=form.rows(shown))
    return render(request, "custody/node.html", context, status=status)


def _problem(exc):
    """(message, status) for a refusal of a service or a form."""
    if isinstance(exc, PermissionDenied):
        return str(exc) or _("Access denied."), getattr(exc, "status", 403)
    return "; ".join(exc.messages), 400


@login_required
@require_POST
def handover_new(request, code):
    """The giver's half from the node page; a resubmitted form (same client_id) finds its stored handover."""
    node = selectors.node_get(viewer=request.user, code=code)
    items = selectors.item_list(viewer=request.user, node=node)
    form = HandoverForm(request.POST, items=items, nodes=next_nodes(node, list(items[:LIST_LIMIT])),
                        giver=request.user)
    try:
        if not form.is_valid():
            raise ValidationError(form.problems())
        handover, one_time = services.handover_offer(actor=request.user, from_node=node.code, at=timezone.now(),
                                                     **form.offer_kwargs())
    except (ValidationError, PermissionDenied) as exc:
        error, status = _problem(exc)
        return _node_page(request, node, form=form, error=error, status=status)
    # The offer's own code is not shown: the giver must not hold what proves the receiver's consent. The
    # receiver confirms signed in, or shows the giver a code from their own device, or signs (no account).
    if one_time is None:
        messages.info(request, _("This form was already sent: here is the handover it recorded."))
    return redirect("custody:handover", client_id=handover.client_id)


@login_required
def handover_detail(request, client_id):
    return _handover_page(request, selectors.handover_get(viewer=request.user, client_id=client_id))


def _handover_page(request, handover, code=None, error="", status=200):
    items = handover.items.filter(item_q(request.user)).order_by("code")
    return render(request, "custody/handover.html", {
        "handover": handover, "code": code, "error": error, "is_receiver": handover.receiver_id == request.user.pk,
        "items": [(i, handover.seals_seen.get(i.code, i.seals), i.code in handover.received_codes) for i in items],
    }, status=status)


@login_required
@require_POST
def handover_code(request, client_id):
    """A one-time code on the named receiver's own page, for the giver to enter on theirs."""
    handover = selectors.handover_get(viewer=request.user, client_id=client_id)
    try:
        code = services.handover_code_for(viewer=request.user, handover=handover)
    except PermissionDenied as exc:
        error, status = _problem(exc)
        return _handover_page(request, handover, error=error, status=status)
    return _handover_page(request, handover, code=code)


@login_required
@require_POST
def handover_confirm(request, client_id):
    """The receiver's half: their one-time code, or their signature name when they have no account."""
    handover = selectors.handover_get(viewer=request.user, client_id=client_id)
    try:
        handover = services.handover_confirm(actor=request.user, handover=handover,
                                             code=request.POST.get("code", "").strip(),
                                             signature=request.POST.get("signature", "").strip())
    except (ValidationError, PermissionDenied) as exc:
        error, status = _problem(exc)
        return _handover_page(request, handover, error=error, status=status)
    messages.success(request, _("Handover complete: the items are recorded at %(node)s.")
                     % {"node": handover.to_node.name})
    return redirect("custody:handover", client_id=client_id)


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
    rows = (selectors.mission_list(viewer=request.user).prefetch_related("escorts", "checkpoints", "positions")
            .annotate(cargo=Count("items", distinct=True)))
    for m in rows:
        legs, positions = list(m.legs.all()), list(m.positions.all())
        missions.append({
            "mission": m, "legs": legs, "eta": mission_eta_hours(m, positions[-1]) if positions else None,
            "late": bool(m.due_at and legs and legs[-1].planned_arrive > m.due_at),
            "escorts": selectors.mission_escorts(viewer=request.user, mission=m),
            "checkpoints": list(m.checkpoints.all()), "cargo": m.cargo,
            "map": {"code": m.code, "status": m.status,
                    "legs": [{"mode": leg.mode, "path": leg.path, "arrived": leg.actual_arrive is not None}
                             for leg in legs],
                    "positions": [[p.lat, p.lng] for p in positions]}})
    return render(request, "custody/missions.html", {
        "missions": missions, "map_data": [m["map"] for m in missions]})


def public_checkpoints(request):
    """No sign-in: only roots, counts and times, for anyone to compare with a published copy."""
    from siaga.custody.keys import custody_key

    return render(request, "custody/checkpoints.html", {"checkpoints": selectors.checkpoint_list()[:200],
                                                        "public_key": custody_key().public_hex})
