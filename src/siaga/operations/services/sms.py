"""SMS: the gateway's token, the officers' registered phones, and every received message answered in Indonesian."""

import hashlib
import re
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from siaga.accounts.models import Role
from siaga.accounts.services import audit_record
from siaga.operations.models import Channel, SmsGateway, SmsMessage, SmsSender
from siaga.operations.services.common import Conflict, Rejected, derived_client_id, require_role
from siaga.operations.services.events import tps_event_record
from siaga.operations.services.incidents import incident_report

# An Indonesian mobile number in international form: 62, then 8 and 7 to 11 more digits (0812-3456-7890,
# +62 812 3456 7890). Only mobiles send SMS; a landline or a short code cannot be a sender.
MOBILE = re.compile(r"628\d{7,11}")
PHONE_CHARACTERS = re.compile(r"[\d\s().+-]+")


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def sms_gateway_issue(*, actor, name):
    """Create (or rotate) a gateway token; the raw token is shown once."""
    require_role(actor, {Role.ADMIN}, "mengatur gateway SMS")
    raw = "sms_" + secrets.token_urlsafe(24)
    SmsGateway.objects.update_or_create(name=name, defaults={"key_hash": _token_hash(raw)})
    audit_record(actor=actor, action="sms.gateway", obj_type="sms_gateway", obj_id=name, after={"name": name})
    return raw


def sms_gateway_for(raw_token: str):
    return SmsGateway.objects.filter(key_hash=_token_hash(raw_token or "")).first()


@transaction.atomic
def sms_sender_register(*, actor, phone, user) -> str:
    """Let this phone report by SMS as the user; returns the number as stored (6281234567890)."""
    require_role(actor, {Role.ADMIN, Role.OPERATOR}, "mendaftarkan nomor SMS")
    phone = mobile_number(phone)
    old = SmsSender.objects.filter(phone=phone).select_related("user").first()
    SmsSender.objects.update_or_create(phone=phone, defaults={"user": user})
    audit_record(actor=actor, action="sms.sender", obj_type="sms_sender", obj_id=phone, area_code=user.area_code,
                 before={"user": old.user.username} if old else None, after={"user": user.username})
    return phone


def normalize_phone(phone: str) -> str:
    digits = "".join(ch for ch in str(phone) if ch.isdigit())
    return "62" + digits[1:] if digits.startswith("0") else digits


def mobile_number(phone: str) -> str:
    """The number in international digits (6281234567890); Rejected, naming it, when it is not an Indonesian
    mobile number written as +62 8..., 62 8... or 08... (spaces, dashes, dots and brackets allowed)."""
    text = str(phone or "").strip()
    number = normalize_phone(text)
    if not PHONE_CHARACTERS.fullmatch(text) or not MOBILE.fullmatch(number):
        raise Rejected(f"Nomor '{text}' bukan nomor ponsel Indonesia yang sah; tulis seperti 0812-3456-7890 "
                       f"atau +62 812 3456 7890.")
    return number


def sms_receive(*, gateway, phone, text, message_id=None, now=None) -> tuple[bool, str]:
    """Handle one received SMS; returns (accepted, Indonesian reply). Every message is logged."""
    from siaga.core import sms

    phone = normalize_phone(phone)
    sender = SmsSender.objects.select_related("user").filter(phone=phone, user__is_active=True).first()
    accepted, reply = False, ""
    if sender is None:
        reply = "Nomor Anda tidak terdaftar sebagai petugas. Hubungi operator Polres."
    else:
        # The gateway's message id makes its retries idempotent; else the text and minute do. Keyed with the
        # server secret: whoever knows the next message id cannot take its client id first.
        seed = f"{gateway.pk}|{phone}|" + (message_id or f"{text}|{(now or timezone.now()):%Y%m%d%H%M}")
        client_id = derived_client_id("sms", seed)
        try:
            parsed = sms.parse(text)
            if isinstance(parsed, sms.StatusReport):
                event, created = tps_event_record(actor=sender.user, client_id=client_id, tps_code=parsed.tps_code,
                                                  kind=parsed.event_kind, at=now, channel=Channel.SMS)
                reply = f"Diterima: TPS {parsed.tps_code} {parsed.event_kind.upper()} (laporan #{event.pk})."
            else:
                incident, created = incident_report(
                    actor=sender.user, client_id=client_id, tps_code=parsed.tps_code, category=parsed.category,
                    severity=parsed.severity, description=parsed.description, occurred_at=now, channel=Channel.SMS)
                reply = (f"Diterima: insiden #{incident.pk} di TPS {parsed.tps_code}, tingkat {parsed.severity}, "
                         f"kategori {parsed.category}.")
            accepted = True
        except Conflict:
            # "Diterima" only for a stored report: this one collides with a report that is not the sender's.
            reply = "Ditolak: laporan tidak tersimpan karena bentrok dengan laporan lain. Hubungi operator Polres."
        except (sms.SmsSyntaxError, Rejected, PermissionDenied) as problem:
            reply = f"Ditolak: {problem}"
    SmsMessage.objects.create(gateway=gateway, phone=phone, text=text[:480], reply=reply[:480], accepted=accepted)
    return accepted, reply
