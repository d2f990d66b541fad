"""Reads of agencies and the audit trail, scoped by the viewer's area."""

from siaga.accounts.models import Agency, AuditLog
from siaga.accounts.scope import code_q


def agency_list(*, viewer):
    return Agency.objects.filter(code_q(viewer, "area_code")).order_by("code")


def audit_list(*, viewer, object_type=None, object_id=None):
    rows = AuditLog.objects.filter(code_q(viewer, "area_code"))
    if object_type:
        rows = rows.filter(object_type=object_type)
    if object_id:
        rows = rows.filter(object_id=str(object_id))
    return rows


def own_action_count(*, viewer, action, since) -> int:
    """How many times ``viewer`` did ``action`` since ``since`` (their own trail, whatever its area): rate limits."""
    return AuditLog.objects.filter(actor=viewer, action=action, at__gte=since).count()
