"""Writes for agencies, users and tokens; the audit trail every app writes to."""

from django.db import transaction

from siaga.accounts.models import Agency, ApiToken, AuditLog, User


def audit_entry(*, actor, action, obj_type, obj_id, area_code="", before=None, after=None, note="") -> AuditLog:
    """One audit entry, not yet saved (for writers that store many at once)."""
    return AuditLog(actor=actor if actor is not None and actor.pk else None,
                    actor_name=getattr(actor, "username", None) or "system", action=action, object_type=obj_type,
                    object_id=str(obj_id), area_code=area_code, before=before, after=after, note=note)


def audit_record(**entry) -> AuditLog:
    """Append one audit entry (audit_entry's arguments). Call inside the transaction that makes the change."""
    log = audit_entry(**entry)
    log.save(force_insert=True)
    return log


def _agency_state(agency):
    return {"code": agency.code, "name": agency.name, "kind": agency.kind, "level": agency.level,
            "area_code": agency.area_code, "parent": agency.parent.code if agency.parent else None}


@transaction.atomic
def agency_upsert(*, actor, code, name, kind, level, area_code="", parent=None, lat=None, lng=None):
    agency = Agency.objects.filter(code=code).first()
    before = _agency_state(agency) if agency else None
    values = dict(name=name, kind=kind, level=level, area_code=area_code, parent=parent, lat=lat, lng=lng)
    if agency is None:
        agency = Agency.objects.create(code=code, **values)
    else:
        for key, value in values.items():
            setattr(agency, key, value)
        agency.save()
    after = _agency_state(agency)
    if before != after:
        audit_record(actor=actor, action="agency.upsert", obj_type="agency", obj_id=code,
                     area_code=area_code, before=before, after=after)
    return agency


def _user_state(user):
    return {"username": user.username, "agency": user.agency.code if user.agency else None, "role": user.role,
            "area_code": user.area_code, "is_active": user.is_active, "is_staff": user.is_staff}


@transaction.atomic
def user_upsert(*, actor, username, password, agency, role, area_code=None, full_name="", is_staff=False):
    """Create or update a user; the area defaults to the agency's area."""
    user = User.objects.filter(username=username).first()
    before = _user_state(user) if user else None
    if user is None:
        user = User(username=username)
    user.agency = agency
    user.role = role
    user.area_code = agency.area_code if area_code is None else area_code
    user.first_name = full_name
    user.is_staff = is_staff
    if password:
        user.set_password(password)
    user.save()
    after = _user_state(user)
    if before != after:
        audit_record(actor=actor, action="user.upsert", obj_type="user", obj_id=username,
                     area_code=user.area_code, before=before, after=after)
    return user


@transaction.atomic
def token_issue(*, actor, user, name):
    """Issue an API token for a field device; the raw key is shown once."""
    token, raw = ApiToken.issue(user=user, name=name)
    audit_record(actor=actor, action="token.issue", obj_type="api_token", obj_id=token.pk,
                 area_code=user.area_code, after={"user": user.username, "name": name, "prefix": token.prefix})
    return token, raw
