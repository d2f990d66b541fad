"""What a phone sends with a report besides the report itself: its GPS fix and one photo.

Both are checked before anything is stored, so a report with a broken photo or an impossible position is
refused whole (the phone shows why) instead of being stored without them.
"""

import base64
import binascii
import math
import uuid

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from siaga.operations.models import TpsEventPhoto
from siaga.operations.services.common import Rejected

PHOTO_TYPES = {b"\xff\xd8\xff": ("image/jpeg", ".jpg"), b"\x89PNG\r\n\x1a\n": ("image/png", ".png")}
PHOTO_MAX_BYTES = 5 * 1024 * 1024
GPS_ACCURACY_MAX_M = 100_000  # a fix worse than 100 km says nothing about where the officer is


def gps_checked(lat, lng, accuracy):
    """(lat, lng, accuracy) as stored, or Rejected: both coordinates or none, on Earth, accuracy in metres."""
    if lat is None and lng is None:
        return None, None, None
    if lat is None or lng is None:
        raise Rejected(_("A GPS position needs both latitude and longitude."))
    if not (math.isfinite(lat) and math.isfinite(lng)) or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise Rejected(_("GPS position (%(lat)s, %(lng)s) is not a place on Earth.") % {"lat": lat, "lng": lng})
    if accuracy is not None and not (math.isfinite(accuracy) and 0 <= accuracy <= GPS_ACCURACY_MAX_M):
        raise Rejected(_("GPS accuracy %(m)s m is not plausible (0 to 100,000 m).") % {"m": accuracy})
    return lat, lng, accuracy


def photo_decoded(data: str | None):
    """(bytes, content type, extension) of a photo sent as base64 or a data: URL, or None; Rejected when it is
    too large or not a JPEG/PNG by its content (the declared type is ignored)."""
    if not data:
        return None
    payload = data.split(",", 1)[1] if data.startswith("data:") else data
    if len(payload) > (PHOTO_MAX_BYTES * 4) // 3 + 8:  # refuse before decoding megabytes
        raise Rejected(_("The photo is too large; the limit is 5 MB."))
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise Rejected(_("The photo could not be read (invalid base64)."))
    if len(raw) > PHOTO_MAX_BYTES:
        raise Rejected(_("The photo is too large; the limit is 5 MB."))
    for magic, (content_type, ext) in PHOTO_TYPES.items():
        if raw.startswith(magic):
            return raw, content_type, ext
    raise Rejected(_("The attachment is not a JPEG or PNG photo."))


def event_photo_save(event, photo) -> TpsEventPhoto:
    raw, content_type, ext = photo
    row = TpsEventPhoto(event=event, content_type=content_type, size=len(raw))
    row.file.save(f"{uuid.uuid4().hex}{ext}", ContentFile(raw), save=False)
    row.save()
    return row


def field_officer_link(*, actor, user, nrp):
    """Tie a sign-in to its roster entry (deployment Personnel by NRP): the report form then offers that person's
    posts in the newest plan. Audited; one person per sign-in and one sign-in per person."""
    from siaga.accounts.services import audit_record
    from siaga.deployment.models import Personnel
    from siaga.operations.models import FieldOfficer

    person = Personnel.objects.filter(nrp=nrp).select_related("unit").first()
    if person is None:
        raise Rejected(_("No officer with NRP %(nrp)s in the roster.") % {"nrp": nrp})
    taken = FieldOfficer.objects.filter(person=person).exclude(user=user).select_related("user").first()
    if taken is not None:
        raise Rejected(_("NRP %(nrp)s is already the sign-in %(user)s.") % {"nrp": nrp, "user": taken.user.username})
    before = FieldOfficer.objects.filter(user=user).values_list("person__nrp", flat=True).first()
    link, _created = FieldOfficer.objects.update_or_create(user=user, defaults={"person": person})
    if before != nrp:
        audit_record(actor=actor, action="field_officer.link", obj_type="user", obj_id=user.username,
                     area_code=person.unit.area_code, before={"nrp": before} if before else None, after={"nrp": nrp})
    return link
