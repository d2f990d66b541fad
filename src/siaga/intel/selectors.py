"""Reads of intelligence products, alerts and cases, scoped by the viewer.

Products follow coordination's clearance rule (coordination/clearance.py: area, clearance, need to know)
and one narrower need-to-know for the intel products: a reader sees a product about a wider area than
their own (a Polda's LI seen from a Polres) only when it was shared with their agency or role or forwarded
to them; products about their own ground they read by clearance. Selectors only read; opening a product
for someone goes through services.product_open / products_open, which log the read.
"""

from django.db.models import Q
from django.http import Http404

from siaga.accounts.models import AgencyKind
from siaga.accounts.scope import code_q
from siaga.coordination.clearance import reader_of, readable_q
from siaga.intel.models import Alert, Case, Forward, Kind, Product, WatchRule
from siaga.planning.access import is_polri_editor


def _readable(viewer):
    reader = reader_of(viewer)
    shared = Product.shared_agencies.through.objects.filter(agency_id=reader.agency_id).values("product_id")
    rows = Product.objects.filter(readable_q(reader, shared))
    if reader.area and reader.agency_id is not None:
        forwarded = Forward.objects.filter(to_agency_id=reader.agency_id).values("product_id")
        own_ground = Q(area_code=reader.area) | Q(area_code__startswith=reader.area + ".")
        rows = rows.filter(own_ground | Q(pk__in=shared) | Q(pk__in=forwarded)
                           | Q(author_agency_id=reader.agency_id) | Q(shared_roles__contains=f",{reader.role},"))
    return rows


def product_list(*, viewer, kind=None, area=None, day=None, search=""):
    rows = _readable(viewer).select_related("author_agency", "author", "stage")
    if kind:
        rows = rows.filter(kind=kind)
    if area:
        rows = rows.filter(Q(area_code=area) | Q(area_code__startswith=area + "."))
    if day:
        rows = rows.filter(day=day)
    if search:
        rows = rows.filter(Q(title__icontains=search) | Q(facts__icontains=search) | Q(number__icontains=search))
    return rows


def product_get(*, viewer, pk) -> Product:
    product = product_list(viewer=viewer).filter(pk=pk).first()
    if product is None:
        raise Http404(pk)
    return product


def product_reads(*, viewer, product):
    """The read log of a product: for its author agency and Polri editors."""
    if product.author_agency_id != viewer.agency_id and not is_polri_editor(viewer):
        return product.reads.none()
    return product.reads.select_related("reader")


def lapinhar_get(*, viewer, day, area):
    return product_list(viewer=viewer, kind=Kind.LAPINHAR, day=day).filter(area_code=area).first()


def forwards_inbox(*, viewer):
    """Products forwarded to the viewer's agency, unacknowledged first."""
    if viewer.agency_id is None:
        return Forward.objects.none()
    return (Forward.objects.filter(to_agency_id=viewer.agency_id)
            .select_related("product", "from_agency").order_by("acknowledged_at", "-sent_at"))


# Early detection ---------------------------------------------------------------------

def is_polri(viewer):
    """Polri members (and the agency-less administrator): the directorate's own workspace."""
    return viewer.agency is None and is_polri_editor(viewer) or (
        viewer.agency is not None and viewer.agency.kind == AgencyKind.POLRI)


def rule_list(*, viewer):
    return WatchRule.objects.all() if is_polri(viewer) else WatchRule.objects.none()


def alert_list(*, viewer, open_only=False, area=None, day=None):
    """Alerts in the viewer's area (Polri only)."""
    if not is_polri(viewer):
        return Alert.objects.none()
    rows = Alert.objects.filter(code_q(viewer, "area_code")).select_related("rule")
    if open_only:
        rows = rows.filter(cleared_on__isnull=True)
    if area:
        rows = rows.filter(Q(area_code=area) | Q(area_code__startswith=area + "."))
    if day:
        rows = rows.filter(fired_on__lte=day).filter(Q(cleared_on__isnull=True) | Q(cleared_on__gt=day))
    return rows


# Cases ---------------------------------------------------------------------------------

def case_list(*, viewer, kind=None, status=None):
    """Cases in the viewer's area, for Polri only (partners see them through Sentra Gakkumdu)."""
    if not is_polri(viewer):
        return Case.objects.none()
    rows = Case.objects.filter(code_q(viewer, "area_code")).select_related("author_agency", "tps")
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    return rows


def case_get(*, viewer, pk) -> Case:
    case = case_list(viewer=viewer).filter(pk=pk).first()
    if case is None:
        raise Http404(pk)
    return case
