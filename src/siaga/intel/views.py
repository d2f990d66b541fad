"""Intel pages: LIs, Lapsus and Kirka (list, forms, detail with read log and forwarding), Lapinhar, early
warning, cases."""

from datetime import date
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siaga.accounts.scope import code_q, user_area
from siaga.coordination.clearance import LEVEL, clearance, reader_of
from siaga.coordination.services import CREDIBILITY, RELIABILITY
from siaga.intel import selectors, services
from siaga.intel.document import FORMATS, product_document
from siaga.intel.models import CaseKind, CaseStatus, Classification
from siaga.operations.selectors import incident_get, incidents
from siaga.planning.models import Stage
from siaga.planning.selectors import operation_list, threat_list
from siaga.regions.models import Region


def polri_workspace(view):
    """Pages where Polri writes and works (forms, early warning, cases): others are refused, not shown an
    empty form they could never send."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.is_polri(request.user):
            raise PermissionDenied(_("This page is for Polri units"))
        return view(request, *args, **kwargs)

    return wrapper


def _render(request, template, context):
    return render(request, template, {**context, "polri": selectors.is_polri(request.user)})


def _errors(request, exc):
    messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))


def _areas(viewer, levels=(1, 2, 3)):
    """(code, name) of the regions a form offers: the viewer's province, kab/kota and kecamatan."""
    rows = Region.objects.filter(code_q(viewer, "code"), level__in=levels).order_by("code")
    return [(r.code, ("— " * (r.level - 1)) + r.name) for r in rows.only("code", "name", "level")]


def _day(text):
    try:
        return date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _reported_on(text):
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise ValidationError(_("The date Bawaslu received the case is not a date (YYYY-MM-DD): %(value)s")
                              % {"value": text}) from None


@login_required
def index(request):
    search = request.GET.get("q", "").strip()
    products = services.products_open(reader=request.user, via="search" if search else "list", search=search)
    return _render(request, "intel/index.html", {
        "products": products, "search": search, "inbox": selectors.forwards_inbox(viewer=request.user)[:20],
        "clearance": clearance(reader_of(request.user))})


@login_required
@polri_workspace
def li_new(request):
    form = request.POST if request.method == "POST" else _initial(request.user)
    if request.method == "POST":
        try:
            product = services.li_create(
                actor=request.user, title=form.get("title", ""), area_code=form.get("area_code", ""),
                day=_day(form.get("day")), classification=form.get("classification", ""),
                source=form.get("source", "").strip(), source_reliability=form.get("source_reliability", ""),
                credibility=int(form.get("credibility") or 0), facts=form.get("facts", "").strip(),
                analysis=form.get("analysis", "").strip(), assessment=form.get("assessment", "").strip(),
                recommendation=form.get("recommendation", "").strip())
        except (ValidationError, PermissionDenied, ValueError) as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Information report %(number)s saved.") % {"number": product.number})
            return redirect("intel:product", pk=product.pk)
    return _render(request, "intel/li_new.html", {
        "form": form, "classifications": _allowed(request.user), "areas": _areas(request.user),
        "reliabilities": RELIABILITY, "credibilities": CREDIBILITY})


def _allowed(user):
    return [c for c in Classification if LEVEL[c.value] <= clearance(reader_of(user))]


def _initial(user):
    return {"area_code": user_area(user), "day": timezone.localdate().isoformat(), "classification": "terbatas"}


def _saved(request, product):
    messages.success(request, _("%(kind)s %(number)s saved.") % {"kind": product.get_kind_display(),
                                                                 "number": product.number})
    return redirect("intel:product", pk=product.pk)


@login_required
@polri_workspace
def lapsus_new(request):
    """A Laporan Khusus on one event, linked to an incident when there is one."""
    form = request.POST if request.method == "POST" else _initial(request.user)
    if request.method == "POST":
        try:
            pk = form.get("incident", "")
            incident = incident_get(viewer=request.user, pk=int(pk)) if pk.isdigit() else None
            product = services.lapsus_write(
                actor=request.user, title=form.get("title", ""), area_code=form.get("area_code", ""),
                day=_day(form.get("day")), classification=form.get("classification", ""),
                what=form.get("what", ""), where=form.get("where", ""), when=form.get("when", ""),
                who=form.get("who", ""), cause=form.get("cause", ""), action=form.get("action", ""),
                assessment=form.get("assessment", ""), recommendation=form.get("recommendation", ""),
                incident=incident)
        except (ValidationError, PermissionDenied, Http404) as exc:
            _errors(request, exc)
        else:
            return _saved(request, product)
    return _render(request, "intel/lapsus_new.html", {
        "form": form, "classifications": _allowed(request.user), "areas": _areas(request.user),
        "incidents": incidents(viewer=request.user).order_by("-occurred_at")[:50]})


@login_required
@polri_workspace
def kirka_new(request):
    """A Perkiraan Keadaan for a stage and an area, citing the threat-register entries picked from the list."""
    form = request.POST if request.method == "POST" else _initial(request.user)
    stages = Stage.objects.filter(operation__in=operation_list(viewer=request.user)).select_related(
        "operation").order_by("operation__name", "order")
    if request.method == "POST":
        stage = stages.filter(pk=form.get("stage") if str(form.get("stage", "")).isdigit() else None).first()
        try:
            if stage is None:
                raise ValidationError(_("Choose the stage assessed"))
            product = services.kirka_write(
                actor=request.user, operation=stage.operation, stage=stage, area_code=form.get("area_code", ""),
                classification=form.get("classification", ""), facts=form.get("facts", "").strip(),
                assessment=form.get("assessment", "").strip(),
                recommendation=form.get("recommendation", "").strip(), day=_day(form.get("day")),
                threat_ids=[pk for pk in form.getlist("threat") if pk.isdigit()])
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            return _saved(request, product)
    threats = [t for op in operation_list(viewer=request.user) for t in threat_list(viewer=request.user, operation=op)]
    return _render(request, "intel/kirka_new.html", {
        "form": form, "classifications": _allowed(request.user), "areas": _areas(request.user),
        "stages": stages, "threats": threats,
        "picked": form.getlist("threat") if hasattr(form, "getlist") else []})


@login_required
def product_detail(request, pk):
    product = services.product_open(reader=request.user, pk=pk)
    return _render(request, "intel/product.html", {
        "product": product, "reads": selectors.product_reads(viewer=request.user, product=product)[:30],
        "forwards": product.forwards.select_related("to_agency", "from_agency"),
        "cases": selectors.case_list(viewer=request.user).filter(products=product),
        "case_kinds": CaseKind.choices, "today": timezone.localdate()})


@login_required
def product_download(request, pk, fmt):
    if fmt not in FORMATS:
        raise Http404(fmt)
    product = selectors.product_get(viewer=request.user, pk=pk)
    data = product_document(product, viewer=request.user, fmt=fmt)
    services.product_reads_log(reader=request.user, products=[product], via="document")
    response = HttpResponse(data, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{product.kind}-{product.pk}.{fmt}"'
    return response


@login_required
@require_POST
def product_forward(request, pk):
    product = selectors.product_get(viewer=request.user, pk=pk)
    try:
        forward = services.product_forward(actor=request.user, product=product)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Forwarded to %(unit)s.") % {"unit": forward.to_agency.name})
    return redirect("intel:product", pk=pk)


@login_required
@require_POST
def forward_ack(request, pk):
    forward = selectors.forwards_inbox(viewer=request.user).filter(pk=pk).first()
    if forward is None:
        raise Http404(pk)
    services.forward_acknowledge(actor=request.user, forward=forward)
    return redirect("intel:product", pk=forward.product_id)


@login_required
def lapinhar(request):
    """GET shows the day's report of an area; POST compiles it (again), with the analyst's notes when sent."""
    data = request.POST if request.method == "POST" else request.GET
    day = _day(data.get("day"))
    area = data.get("area") or user_area(request.user)
    if request.method == "POST":
        if "show" not in request.POST:
            try:
                services.lapinhar_compile(actor=request.user, day=day, area_code=area,
                                          analyst_text=request.POST.get("analyst_text"))
            except (ValidationError, PermissionDenied) as exc:
                _errors(request, exc)
        return redirect(f"{reverse('intel:lapinhar')}?{urlencode({'day': day.isoformat(), 'area': area})}")
    product = selectors.lapinhar_get(viewer=request.user, day=day, area=area)
    if product is not None:
        services.product_reads_log(reader=request.user, products=[product], via="page")
    return _render(request, "intel/lapinhar.html", {
        "product": product, "day": day, "area": area, "areas": _areas(request.user, levels=(1, 2)),
        "c": product.compiled if product else None})


@login_required
@polri_workspace
def watch(request):
    if request.method == "POST":
        try:
            result = services.watch_evaluate(actor=request.user, today=_day(request.POST.get("today")))
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("%(n)s new alert(s).") % {"n": len(result["fired"])})
        return redirect("intel:watch")
    return _render(request, "intel/watch.html", {
        "alerts": selectors.alert_list(viewer=request.user, open_only=True),
        "past": selectors.alert_list(viewer=request.user).filter(cleared_on__isnull=False)[:20],
        "rules": selectors.rule_list(viewer=request.user)})


@login_required
@polri_workspace
def cases(request):
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        products = [selectors.product_get(viewer=request.user, pk=int(pk)) for pk in form.getlist("product")
                    if pk.isdigit()]
        try:
            incidents = [incident_get(viewer=request.user, pk=int(pk))
                         for pk in form.get("incidents", "").replace(",", " ").split() if pk.isdigit()]
            case = services.case_open(
                actor=request.user, kind=form.get("kind", ""), title=form.get("title", ""),
                area_code=form.get("area_code", "").strip(), occurred_on=_day(form.get("occurred_on")),
                summary=form.get("summary", ""), subjects=form.get("subjects", "").splitlines(),
                links=form.get("links", "").split(), products=products, incidents=incidents)
        except (ValidationError, PermissionDenied, Http404) as exc:
            _errors(request, exc)
        else:
            return redirect("intel:case", pk=case.pk)
    return _render(request, "intel/cases.html", {
        "cases": selectors.case_list(viewer=request.user), "kinds": CaseKind.choices, "form": form,
        "desa": Region.objects.filter(code_q(request.user, "code"), level=4).order_by("code").values_list(
            "code", "name", "parent__name")})


@login_required
def case_detail(request, pk):
    case = selectors.case_get(viewer=request.user, pk=pk)
    if request.method == "POST":
        try:
            if request.POST.get("forward"):
                services.case_forward_gakkumdu(actor=request.user, case=case, election=request.POST.get("election"),
                                               origin=request.POST.get("origin"),
                                               reported_on=_reported_on(request.POST.get("reported_on")))
            elif request.FILES.get("evidence"):
                upload = request.FILES["evidence"]
                services.evidence_add(actor=request.user, case=case, name=upload.name, content=upload.read())
            else:
                services.case_update(actor=request.user, case=case, status=request.POST.get("status") or None,
                                     links=request.POST.get("links", "").split())
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        return redirect("intel:case", pk=pk)
    return _render(request, "intel/case.html", {
        "case": case, "evidence": case.evidence.all(), "statuses": CaseStatus.choices,
        "products": selectors.product_list(viewer=request.user).filter(cases=case),
        "duplicates": services.case_duplicates(viewer=request.user, case=case)})

