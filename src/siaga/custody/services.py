"""Every custody write: keyword-only arguments, one transaction, an audit record per change.

Chain events are only ever appended (siaga.custody.chain); handovers, seals,
anomalies and missions change state with their before/after in the audit trail.
"""

import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from siaga.accounts.models import Role
from siaga.accounts.selectors import own_action_count
from siaga.accounts.services import audit_record
from siaga.core.custody import CustodyError
from siaga.custody import chain, timer_wake
from siaga.custody.access import require_custodian
from siaga.custody.anomalies import raise_anomaly, scan_handover
from siaga.custody.bulk import insert_rows
from siaga.custody.models import (Anomaly, Checkpoint, Event, Handover, HandoverState, Item, Mission,
                                  MissionCheckpoint, MissionEscort, MissionLeg, MissionStatus, Node, PositionReport,
                                  Seal)
from siaga.custody.registry import province_known, registry_rows, tps_items
from siaga.custody.routes import (D_HASIL_KABKOTA, D_HASIL_KECAMATAN, D_KEJADIAN_KHUSUS, ENVELOPE, missing_forms,
                                  node_code, node_kind)

CODE_TTL = timedelta(minutes=15)
CODE_ATTEMPTS = 5  # wrong one-time codes before a handover locks against codes
USER_CODE_FAILURES = 10  # wrong codes one user may enter, over all handovers, within CODE_TTL
log = logging.getLogger("siaga.custody")


class CodeRefused(PermissionDenied):
    """A one-time code refused: wrong or expired, the handover locked (both 403), or the user throttled (429)."""

    def __init__(self, message, status=403):
        super().__init__(message)
        self.status = status


class _WrongCode(Exception):
    pass


def _code_hash(handover_client_id: str, code: str) -> str:
    return hashlib.sha256(f"{handover_client_id}:{code}".encode()).hexdigest()


def handover_state(h: Handover, item_codes) -> dict:
    """The audited state of ``h``; ``item_codes`` are its items (already in hand, so no query)."""
    return {"client_id": h.client_id, "state": h.state, "from": h.from_node.code, "to": h.to_node.code,
            "giver": h.giver_name, "receiver": h.receiver_name, "method": h.receiver_method,
            "items": sorted(set(item_codes)), "received": h.received_codes}


@transaction.atomic
def registry_create(*, actor, province_code, election="pemilu", at, envelopes=True, kabkota=None) -> dict:
    """Nodes, items, seals and each item's first (registration) event for a province; skips what exists."""
    if not province_known(province_code):
        raise ValidationError(_("Province %(code)s is not in the region registry: load it first "
                                "(siaga regions load) or check the code.") % {"code": province_code})
    require_custodian(actor, province_code)
    nodes, items, seals, events = registry_rows(province_code=province_code, election=election, at=at,
                                                envelopes=envelopes, kabkota=kabkota)
    known = set(Node.objects.filter(area_code__startswith=province_code).values_list("code", flat=True))
    insert_rows(Node, ["code", "kind", "name", "area_code", "lat", "lng"], (n for n in nodes if n[0] not in known))
    node_ids = dict(Node.objects.filter(area_code__startswith=province_code).values_list("code", "pk"))
    existing = set(Item.objects.filter(province_code=province_code).values_list("code", flat=True))
    fresh = [item for item in items if item["code"] not in existing]
    _insert_items(fresh, seals, events, node_ids, at, province_code)
    result = {"nodes": len(node_ids), "items_created": len(fresh), "items": len(existing) + len(fresh)}
    if fresh:
        audit_record(actor=actor, action="custody.registry.create", obj_type="custody_registry",
                     obj_id=f"{province_code}:{election}", area_code=province_code, after=result)
        transaction.on_commit(checkpoint_after_commit, robust=True)
    return result


ITEM_COLUMNS = ["code", "kind", "race", "election", "tps_id", "province_code", "kabkota_code", "kecamatan_code",
                "desa_code", "holder", "seals", "head_seq", "head_hash", "checkpointed_seq", "updated_at", "round"]


def _insert_items(fresh, seals, events, node_ids, at, province_code):
    """Bulk-insert new items with their seals and first (registration) events."""
    insert_rows(Item, ITEM_COLUMNS + ["node_id"], (
        [item[c] for c in ITEM_COLUMNS] + [node_ids[item["node_code"]]] for item in fresh))
    new = {item["code"] for item in fresh}
    rows = Item.objects.filter(province_code=province_code)
    rows = rows.filter(code__in=new) if len(new) <= 1000 else rows  # a whole registry: one scan, no huge IN list
    ids = dict(rows.values_list("code", "pk")) if new else {}
    insert_rows(Seal, ["number", "item_id", "applied_at"], ((n, ids[code], at) for code, n in seals if code in new))
    insert_rows(Event, ["item_id", "seq", "prev_hash", "hash", "canonical", "tag", "kind", "recorded_at"], (
        (ids[e.item_id], 1, e.prev_hash, e.hash, e.canonical.decode("utf-8"), chain.event_tag(e.hash), "registered",
         at) for e in events if e.item_id in new))


@transaction.atomic
def revote_items_create(*, actor, tps, election, round_no, at) -> list[str]:
    """New ballot boxes and result envelope for a TPS's re-vote (PSU/PSL/PSS), registered at the KPU kab/kota
    warehouse (boxes) and the TPS (envelope) with new seals; their chains start fresh. Returns their codes
    (none new when they exist already)."""
    require_custodian(actor, tps.kabkota_code)
    items, seals, events = tps_items((tps.pk, tps.code, tps.desa_id, tps.kecamatan_code, tps.kabkota_code),
                                     province_code=tps.province_code, election=election, at=at,
                                     stamp=chain.utc_text(at), round_no=round_no)
    existing = set(Item.objects.filter(code__in=[i["code"] for i in items]).values_list("code", flat=True))
    fresh = [i for i in items if i["code"] not in existing]
    if not fresh:
        return []
    node_ids = dict(Node.objects.filter(code__in={i["node_code"] for i in fresh}).values_list("code", "pk"))
    if missing := {i["node_code"] for i in fresh} - set(node_ids):
        raise ValidationError(_("Custody nodes missing for this TPS: %(codes)s (create the registry first: siaga "
                                "custody registry).") % {"codes": ", ".join(sorted(missing))})
    _insert_items(fresh, seals, events, node_ids, at, tps.province_code)
    codes = [i["code"] for i in fresh]
    audit_record(actor=actor, action="custody.revote.items", obj_type="tps", obj_id=tps.code,
                 area_code=tps.kabkota_code, after={"round": round_no, "items": codes})
    transaction.on_commit(checkpoint_after_commit, robust=True)
    return codes


def revote_declared(sender, *, actor, tps, election, round_no, on_date, **_kw):
    """Receiver of regions.signals.tps_revote_declared: the re-vote's new ballots enter custody."""
    from datetime import datetime as _dt
    from datetime import time as _time

    from siaga.custody.routes import LOCAL

    return revote_items_create(actor=actor, tps=tps, election=election, round_no=round_no,
                               at=min(timezone.now(), _dt.combine(on_date, _time(0), tzinfo=LOCAL)))


def _nodes(*codes):
    """The nodes named by ``codes``, in that order (one query)."""
    found = {n.code: n for n in Node.objects.filter(code__in=set(codes))}
    for code in codes:
        if code not in found:
            raise ValidationError(_("Unknown node %(code)s.") % {"code": code})
    return [found[c] for c in codes]


def _items_for(codes):
    if not codes:
        raise ValidationError(_("A handover needs at least one item."))
    found = {i.code: i for i in Item.objects.filter(code__in=codes).only("pk", "code", "desa_code", "kecamatan_code",
                                                                         "seals", "election")}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError(_("Unknown items: %(codes)s.") % {"codes": ", ".join(missing[:10])})
    return [found[c] for c in codes]


def _check_seals(items, seals_seen):
    unknown = set(seals_seen) - {i.code for i in items}
    if unknown:
        raise ValidationError(_("Seals given for items not in the handover: %(codes)s.")
                              % {"codes": ", ".join(sorted(unknown))})


def handover_offer(*, actor, client_id, item_codes, from_node, to_node, at, receiver=None, receiver_name="",
                   seals_seen=None, condition="", escort="", mission=None, client_seq=0, device="", forms=None):
    """The giver's half of a handover. Returns (handover, one-time code for the receiver's device or None).

    ``forms``: the result and recap forms handed over with the items ({form code: its number}); a return leg
    without the forms it must carry (siaga.custody.routes.forms_required) raises a ``forms_missing`` anomaly,
    as a changed seal does, and the forms go into every received item's chain event.

    Idempotent on ``client_id``: a retry returns the stored handover and no new code.
    """
    if Handover.objects.filter(client_id=client_id).exists():
        return Handover.objects.get(client_id=client_id), None
    origin, destination = _nodes(from_node, to_node)
    require_custodian(actor, origin.area_code)
    items = _items_for(list(item_codes))
    for item in items:  # the giver's area bounds the items too, not only the node they say they hold them at
        require_custodian(actor, item.desa_code)
    seals_seen = seals_seen or {}
    _check_seals(items, seals_seen)
    forms = _clean_forms(forms)
    if receiver is None and not receiver_name:
        raise ValidationError(_("Name the receiver."))
    code = f"{secrets.randbelow(10**6):06d}"
    try:
        with transaction.atomic():
            handover = Handover.objects.create(
                client_id=client_id, client_seq=client_seq, device=device, at=at, from_node=origin,
                to_node=destination, giver=actor, giver_name=actor.get_full_name() or actor.username,
                receiver=receiver, receiver_name=receiver_name or receiver.get_full_name() or receiver.username,
                seals_seen=seals_seen, forms=forms, condition=condition, escort=escort, mission=mission,
                code_hash=_code_hash(client_id, code), code_expires_at=timezone.now() + CODE_TTL,
                giver_confirmed_at=timezone.now())
            insert_rows(Handover.items.through, ["handover", "item"],
                        ((handover.pk, pk) for pk in sorted({i.pk for i in items})))
            audit_record(actor=actor, action="custody.handover.offer", obj_type="custody_handover",
                         obj_id=client_id, area_code=origin.area_code,
                         after=handover_state(handover, [i.code for i in items]))
            _seal_anomalies(actor, handover, items, seals_seen)
            _form_anomalies(actor, handover, items)
    except IntegrityError:  # a concurrent retry stored it first
        return Handover.objects.get(client_id=client_id), None
    return handover, code


def _clean_forms(forms) -> dict:
    """{form code: number} with blank numbers dropped; a code must be one of the known forms."""
    known = {code for table in (ENVELOPE, D_HASIL_KECAMATAN, D_HASIL_KABKOTA) for code, _l in table.values()}
    known.add(D_KEJADIAN_KHUSUS[0])
    cleaned = {str(k).strip(): str(v).strip() for k, v in (forms or {}).items() if str(v or "").strip()}
    if unknown := sorted(set(cleaned) - known):
        raise ValidationError(_("Unknown forms: %(codes)s (known: %(known)s).")
                              % {"codes": ", ".join(unknown), "known": ", ".join(sorted(known))})
    return cleaned


def _form_anomalies(actor, handover, items):
    """A return leg whose required forms (C.Hasil, D.Hasil, D.Kejadian Khusus) were not recorded."""
    elections = sorted({i.election for i in items})
    origin, destination = handover.from_node, handover.to_node
    for election in elections:
        missing = missing_forms(election, node_kind(origin.code), node_kind(destination.code), handover.forms)
        if missing:
            raise_anomaly(kind="forms_missing", key=f"forms:{handover.client_id}:{election}", node=destination,
                          area_code=origin.area_code, actor=actor,
                          detail={"handover": handover.client_id, "from": origin.code, "to": destination.code,
                                  "missing": missing, "election": election})


def _seal_anomalies(actor, handover, items, seals_seen):
    """Seals the giver saw that differ from the registry are recorded when the handover is offered, not only at
    receipt (same key as the receipt's scan, so the receipt does not raise it twice)."""
    for item in items:
        seen = seals_seen.get(item.code)
        if seen is not None and sorted(seen) != sorted(item.seals):
            raise_anomaly(kind="seal_changed", key=f"seal:{item.code}:{handover.client_id}", item=item,
                          node=handover.from_node, area_code=item.kecamatan_code, actor=actor,
                          detail={"expected": list(item.seals), "seen": list(seen), "handover": handover.client_id,
                                  "at": "offer"})


def handover_code_for(*, viewer, handover):
    """A fresh one-time code, shown only on the receiver's own device."""
    if handover.receiver_id != viewer.pk or handover.state != HandoverState.PENDING:
        raise PermissionDenied(_("Only the named receiver can see this code."))
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        handover = Handover.objects.select_for_update(of=("self",)).select_related("to_node").get(pk=handover.pk)
        before = {"code_expires_at": str(handover.code_expires_at), "failures": handover.code_failures,
                  "locked": handover.code_locked_at is not None}
        # The named receiver asking for a new code is present and consenting: wrong guesses start again from 0.
        handover.code_hash = _code_hash(handover.client_id, code)
        handover.code_expires_at = timezone.now() + CODE_TTL
        handover.code_failures, handover.code_locked_at = 0, None
        handover.save(update_fields=["code_hash", "code_expires_at", "code_failures", "code_locked_at"])
        audit_record(actor=viewer, action="custody.handover.code", obj_type="custody_handover",
                     obj_id=handover.client_id, area_code=handover.to_node.area_code, before=before,
                     after={"code_expires_at": str(handover.code_expires_at), "failures": 0, "locked": False})
    return code


def _receiver_method(actor, handover, code, signature):
    if handover.receiver_id is not None and actor.pk == handover.receiver_id:
        return "device"
    if code:
        if handover.code_locked_at is not None:
            raise CodeRefused(_locked_message())
        good = hmac.compare_digest(handover.code_hash, _code_hash(handover.client_id, code))
        if not good or handover.code_expires_at is None or timezone.now() > handover.code_expires_at:
            raise _WrongCode()
        return "code"
    if signature:
        if handover.receiver_id is not None:
            raise PermissionDenied(_("This receiver has an account: confirm on their device or with their code."))
        return "signature"
    raise PermissionDenied(_("The receiver has not confirmed: a code, a signature or the receiver's "
                             "own sign-in is needed."))


def _locked_message():
    return _("This handover is locked after %(n)s wrong codes: the receiver confirms signed in on their own "
             "device, or asks for a new code there.") % {"n": CODE_ATTEMPTS}


def handover_confirm(*, actor, handover, code="", signature="", received_codes=None, at=None, checkpoint=True):
    """The receiver's half: appends one chain event per received item and moves them to the receiving node.

    Locks the handover row, then its items in ascending id order; a fixed number of queries whatever the
    number of items (anomalies aside). A wrong one-time code is counted and audited in a transaction of its
    own (so the refusal does not undo it); after CODE_ATTEMPTS the handover takes no more codes, and a user
    with USER_CODE_FAILURES wrong codes within CODE_TTL is refused any code (429). ``checkpoint``: take the
    automatic checkpoint once this commits (a batch takes one at its end instead).
    """
    if code:
        _code_gate(actor, handover)
    try:
        with transaction.atomic():
            handover, appended = _confirm(actor, handover, code, signature, received_codes, at)
    except _WrongCode:
        _code_failed(actor, handover)
    if appended and checkpoint:
        transaction.on_commit(checkpoint_after_commit, robust=True)
    return handover


def _confirm(actor, handover, code, signature, received_codes, at):
    handover = (Handover.objects.select_for_update(of=("self",)).select_related("from_node", "to_node")
                .get(pk=handover.pk))
    if handover.state == HandoverState.COMPLETE:
        return handover, False
    method = _receiver_method(actor, handover, code, signature)
    require_custodian(actor, handover.to_node.area_code if method == "device" else handover.from_node.area_code)
    locked = chain.lock_items(handover=handover, tps_code=F("tps__code"))
    listed = sorted(item.code for item in locked.values())
    received = listed if received_codes is None else sorted(set(received_codes))
    if extra := set(received) - set(listed):
        raise ValidationError(_("Items not in this handover: %(codes)s.") % {"codes": ", ".join(sorted(extra))})
    before = handover_state(handover, listed)
    handover.state, handover.receiver_method, handover.signature = HandoverState.COMPLETE, method, signature
    handover.received_codes, handover.receiver_confirmed_at = received, at or timezone.now()
    handover.code_hash = ""
    handover.save(update_fields=["state", "receiver_method", "signature", "received_codes",
                                 "receiver_confirmed_at", "code_hash"])
    _record_receipt(handover, locked, received)
    audit_record(actor=actor, action="custody.handover.confirm", obj_type="custody_handover",
                 obj_id=handover.client_id, area_code=handover.to_node.area_code, before=before,
                 after=handover_state(handover, listed))
    return handover, True


def _code_gate(actor, handover):
    """Refuse (429, audited) a user who entered USER_CODE_FAILURES wrong codes within CODE_TTL."""
    failures = own_action_count(viewer=actor, action="custody.handover.code_failed", since=timezone.now() - CODE_TTL)
    if failures < USER_CODE_FAILURES:
        return
    with transaction.atomic():
        audit_record(actor=actor, action="custody.handover.code_throttled", obj_type="custody_handover",
                     obj_id=handover.client_id, area_code=handover.from_node.area_code,
                     after={"failures_recent": failures})
    raise CodeRefused(_("Too many wrong codes: wait %(minutes)s minutes before entering another.")
                      % {"minutes": int(CODE_TTL.total_seconds() // 60)}, status=429)


def _code_failed(actor, handover):
    """Count and audit one wrong or expired code; lock the handover at CODE_ATTEMPTS. Always raises."""
    with transaction.atomic():
        handover = (Handover.objects.select_for_update(of=("self",)).select_related("from_node")
                    .get(pk=handover.pk))
        before = {"failures": handover.code_failures, "locked": handover.code_locked_at is not None}
        handover.code_failures += 1
        if handover.code_failures >= CODE_ATTEMPTS and handover.code_locked_at is None:
            handover.code_locked_at, handover.code_hash = timezone.now(), ""
        handover.save(update_fields=["code_failures", "code_locked_at", "code_hash"])
        audit_record(actor=actor, action="custody.handover.code_failed", obj_type="custody_handover",
                     obj_id=handover.client_id, area_code=handover.from_node.area_code, before=before,
                     after={"failures": handover.code_failures, "locked": handover.code_locked_at is not None})
    if handover.code_locked_at is not None:
        raise CodeRefused(_locked_message())
    raise CodeRefused(_("The confirmation code is wrong or has expired."))


def _record_receipt(handover, locked, received):
    """Chain events for the received items (``locked``: all the handover's items, locked), summary moves,
    and the anomalies this receipt shows."""
    previous = {pk: (item.node_id, list(item.seals)) for pk, item in locked.items()}
    by_code = {item.code: item for item in locked.values()}
    drafts = []
    for code in received:
        item = by_code[code]
        seen = handover.seals_seen.get(code, item.seals)
        drafts.append((item.pk, chain.handover_fields(handover, handover.from_node.code, handover.to_node.code,
                                                      seen)))
        item.node_id, item.holder, item.updated_at = handover.to_node_id, handover.receiver_name, handover.at
    chain.append(locked, drafts, handover=handover)
    chain.save_heads(by_code[c] for c in received)
    scan_handover(handover, [by_code[c] for c in received], previous, listed=sorted(by_code))


def handover_sync(*, actor, records):
    """Store handovers recorded offline, in the device's order; a record already stored is skipped.

    Each record: client_id, client_seq, at, item_codes, from_node, to_node, receiver_name or receiver,
    and the receiver's signature (or none: then it waits for the receiver's confirmation).
    Returns [(client_id, "stored" | "duplicate")].
    """
    ordered = sorted(records, key=lambda r: (r.get("device", ""), r["client_seq"], r["at"]))
    results = []
    for record in ordered:
        results.append((record["client_id"], _sync_one(actor, record)))
    if any(result == "stored" for _, result in results):
        transaction.on_commit(checkpoint_after_commit, robust=True)  # one checkpoint for the batch
    return results


def _sync_one(actor, record):
    with transaction.atomic():
        # Lock the items first: a concurrent retry of this record then waits here and sees it stored.
        items = _items_for(list(record["item_codes"]))
        chain.lock_items([i.pk for i in items])
        if Handover.objects.filter(client_id=record["client_id"]).exists():
            return "duplicate"
        fields = {k: record[k] for k in ("client_id", "item_codes", "from_node", "to_node", "at")}
        handover, _code = handover_offer(
            actor=actor, **fields, receiver=record.get("receiver"), receiver_name=record.get("receiver_name", ""),
            seals_seen=record.get("seals_seen"), forms=record.get("forms"), condition=record.get("condition", ""),
            escort=record.get("escort", ""), client_seq=record["client_seq"], device=record.get("device", ""))
        if record.get("signature"):
            handover_confirm(actor=actor, handover=handover, signature=record["signature"],
                             received_codes=record.get("received_codes"), at=record["at"], checkpoint=False)
    return "stored"


@transaction.atomic
def seal_replace(*, actor, item, old, new, reason, at):
    """Record a seal replacement as a chain event; the old seal row keeps its number, marked replaced."""
    require_custodian(actor, item.kecamatan_code)
    locked = chain.lock_items([item.pk])[item.pk]
    if old not in locked.seals:
        raise ValidationError(_("Seal %(seal)s is not on item %(item)s.") % {"seal": old, "item": item.code})
    before = {"seals": list(locked.seals)}
    seals = [new if s == old else s for s in locked.seals]
    chain.append({locked.pk: locked}, [(locked.pk, {
        "kind": "seal_replaced", "at": chain.utc_text(at), "node": locked.node.code if locked.node_id else None,
        "giver": actor.username, "seals": seals, "payload": {"old": old, "new": new, "reason": reason}})])
    Seal.objects.filter(number=old).update(replaced_at=at)
    Seal.objects.create(number=new, item=locked, applied_at=at)
    locked.seals, locked.updated_at = seals, at
    chain.save_heads([locked])
    audit_record(actor=actor, action="custody.seal.replace", obj_type="custody_item", obj_id=locked.code,
                 area_code=locked.kecamatan_code, before=before, after={"seals": seals, "reason": reason})
    transaction.on_commit(checkpoint_after_commit, robust=True)
    return locked


@transaction.atomic
def event_correct(*, actor, item, seq, reason, changes, at):
    """A correction: a new event that names the earlier one it corrects (nothing is edited)."""
    require_custodian(actor, item.kecamatan_code)
    locked = chain.lock_items([item.pk])[item.pk]
    if not 1 <= seq <= locked.head_seq:
        raise ValidationError(_("Item %(item)s has no event %(seq)s.") % {"item": item.code, "seq": seq})
    if not reason:
        raise ValidationError(_("Give the reason for the correction."))
    (event,) = chain.append({locked.pk: locked}, [(locked.pk, {
        "kind": "correction", "at": chain.utc_text(at), "node": locked.node.code if locked.node_id else None,
        "giver": actor.username, "seals": list(locked.seals), "corrects": seq,
        "payload": {"reason": reason, "changes": changes}})])
    chain.save_heads([locked])
    audit_record(actor=actor, action="custody.event.correct", obj_type="custody_item", obj_id=locked.code,
                 area_code=locked.kecamatan_code, after={"seq": event.seq, "corrects": seq, "reason": reason})
    transaction.on_commit(checkpoint_after_commit, robust=True)
    return event


@transaction.atomic
def checkpoint_create(*, actor, at=None):
    """A checkpoint covers every chain in the database, so only administrators take one."""
    if not (actor.role == Role.ADMIN or actor.is_superuser):
        raise PermissionDenied(_("Only an administrator may take a custody checkpoint."))
    cp = chain.take_checkpoint(at or timezone.now())
    audit_record(actor=actor, action="custody.checkpoint", obj_type="custody_checkpoint", obj_id=cp.seq,
                 after={"root": cp.root, "items": cp.item_count, "events": cp.event_count, "hash": cp.hash})
    return cp


def checkpoint_after_commit():
    """The checkpoint of a batch that just committed, unless one was taken less than
    ``settings.CUSTODY_CHECKPOINT_GAP`` seconds ago (default 5): a checkpoint reads every chain head, so at
    the voting-night peak (40 handovers a second nationally) batches share one; the timer takes the rest.
    Under `siaga serve` the timer thread takes it (``timer_wake.nudge``), off the request that committed."""
    if timer_wake.nudge():
        return None
    gap = getattr(settings, "CUSTODY_CHECKPOINT_GAP", 5)
    last = Checkpoint.objects.order_by("-seq").values_list("at", flat=True).first()
    if gap and last and (timezone.now() - datetime.fromisoformat(last.replace("Z", "+00:00"))).total_seconds() < gap:
        return None
    return checkpoint_auto()


def checkpoint_auto(at=None):
    """A signed checkpoint if any chain head moved since the last one, by the system; None otherwise.

    Runs after batches of appends commit (``checkpoint_after_commit``) and on the timer (custody.timer,
    ``siaga custody checkpoint --every``). It runs after the batch is stored, so a refusal (an event without
    the server's tag: see chain) is logged and audited, not raised: the next checkpoint tries again, and
    ``siaga custody verify`` names the event.
    """
    try:
        with transaction.atomic():
            if not Item.objects.filter(head_seq__gt=F("checkpointed_seq")).exists():
                return None
            cp = chain.take_checkpoint(at or timezone.now())
            audit_record(actor=None, action="custody.checkpoint.auto", obj_type="custody_checkpoint",
                         obj_id=cp.seq, after={"root": cp.root, "items": cp.item_count,
                                               "events": cp.event_count, "hash": cp.hash})
            return cp
    except (CustodyError, IntegrityError) as exc:  # IntegrityError: another worker took this seq a moment ago
        log.error("custody checkpoint not taken: %s", exc)
        if isinstance(exc, CustodyError):
            with transaction.atomic():
                audit_record(actor=None, action="custody.checkpoint.refused", obj_type="custody_checkpoint",
                             obj_id="-", note=str(exc)[:500])
        return None


@transaction.atomic
def anomaly_resolve(*, actor, anomaly, note):
    require_custodian(actor, anomaly.area_code)
    anomaly = Anomaly.objects.select_for_update().get(pk=anomaly.pk)
    if anomaly.state != "open":
        raise ValidationError(_("This anomaly is already resolved."))
    if not note.strip():
        raise ValidationError(_("Say how the anomaly was resolved."))
    anomaly.state, anomaly.resolved_at, anomaly.resolved_by, anomaly.resolution = \
        "resolved", timezone.now(), actor, note.strip()
    anomaly.save()
    audit_record(actor=actor, action="custody.anomaly.resolve", obj_type="custody_anomaly", obj_id=anomaly.pk,
                 area_code=anomaly.area_code, before={"state": "open"}, after={"state": "resolved", "note": note})
    return anomaly


@transaction.atomic
def mission_create(*, actor, code, name, area_code, legs, escorts=(), item_codes=(), checkpoints=(),
                   off_route_km=2.0, due_at=None):
    """An escort mission with its legs (mode, origin, destination, path, times, boat), escorts and cargo."""
    require_custodian(actor, area_code)
    if Mission.objects.filter(code=code).exists():
        raise ValidationError(_("Mission %(code)s already exists.") % {"code": code})
    if not legs:
        raise ValidationError(_("A mission needs at least one leg."))
    mission = Mission.objects.create(code=code, name=name, area_code=area_code, off_route_km=off_route_km,
                                     due_at=due_at)
    leg_rows = [MissionLeg.objects.create(mission=mission, position=n, **leg) for n, leg in enumerate(legs)]
    for escort in escorts:
        MissionEscort.objects.create(mission=mission, **escort)
    for cp in checkpoints:
        MissionCheckpoint.objects.create(mission=mission, leg=leg_rows[cp.pop("leg")], **cp)
    mission.items.set(_items_for(list(item_codes)) if item_codes else [])
    audit_record(actor=actor, action="custody.mission.create", obj_type="custody_mission", obj_id=code,
                 area_code=area_code, after={"name": name, "legs": len(leg_rows), "escorts": len(escorts),
                                             "items": len(item_codes)})
    return mission


def position_report(*, actor, mission, client_id, at, lat, lng):
    """An escort phone's position; a retried report (same client_id) is stored once. Raises off-route alerts."""
    from siaga.custody.missions import current_leg, off_route_km

    require_custodian(actor, mission.area_code)
    try:
        with transaction.atomic():
            if PositionReport.objects.filter(client_id=client_id).exists():
                return PositionReport.objects.get(client_id=client_id), False
            leg = current_leg(mission, at)
            distance = off_route_km(leg, lat, lng) if leg else 0.0
            report = PositionReport.objects.create(mission=mission, client_id=client_id, at=at, lat=lat, lng=lng,
                                                   reporter=actor, off_route_km=round(distance, 3))
            before = mission.status
            if mission.status == MissionStatus.PLANNED:
                Mission.objects.filter(pk=mission.pk).update(status=MissionStatus.UNDERWAY)
                mission.status = MissionStatus.UNDERWAY
            audit_record(actor=actor, action="custody.mission.position", obj_type="custody_mission",
                         obj_id=mission.code, area_code=mission.area_code, before={"status": before},
                         after={"status": mission.status, "lat": lat, "lng": lng, "at": str(at)})
            if distance > mission.off_route_km:
                raise_anomaly(kind="off_route", key=f"off_route:{mission.code}", mission=mission,
                              area_code=mission.area_code, actor=actor,
                              detail={"km": round(distance, 2), "lat": lat, "lng": lng, "at": str(at)})
    except IntegrityError:
        return PositionReport.objects.get(client_id=client_id), False
    return report, True


@transaction.atomic
def leg_update(*, actor, leg, depart=None, arrive=None, hold_until=None, hold_reason=""):
    """Actual departure/arrival of a leg, or a weather hold."""
    require_custodian(actor, leg.mission.area_code)
    before = {"depart": str(leg.actual_depart), "arrive": str(leg.actual_arrive), "hold": str(leg.hold_until)}
    leg.actual_depart = depart or leg.actual_depart
    leg.actual_arrive = arrive or leg.actual_arrive
    if hold_until is not None:
        leg.hold_until, leg.hold_reason = hold_until, hold_reason
    leg.save()
    mission = leg.mission
    if all(row.actual_arrive for row in mission.legs.all()):
        Mission.objects.filter(pk=mission.pk).update(status=MissionStatus.ARRIVED)
    audit_record(actor=actor, action="custody.mission.leg", obj_type="custody_mission", obj_id=mission.code,
                 area_code=mission.area_code, before=before,
                 after={"depart": str(leg.actual_depart), "arrive": str(leg.actual_arrive),
                        "hold": str(leg.hold_until), "reason": hold_reason})
    return leg



@transaction.atomic
def return_escorts_plan(*, actor, kabkota_code, election) -> dict:
    """Escort missions for the return legs of a kab/kota's recapitulation chain, one per leg (each PPS -> PPK,
    each PPK -> KPU kab/kota, KPU kab/kota -> KPU provinsi), carrying the election's boxes that pass there,
    departing in the leg's window of the stage calendar and due by its deadline, routed over the transport
    network. Idempotent: a leg that has its mission keeps it. Returns {created, existing, skipped (legs the
    calendar has no window for)}."""
    from siaga.custody.anomalies import calendar_for
    from siaga.custody.return_escorts import RETURN_LEGS, mission_code, planned_legs, window
    from siaga.transport import selectors as transport

    from siaga.regions.models import Level, Region

    if not Region.objects.filter(code=kabkota_code, level=Level.KABKOTA).exists():
        raise ValidationError(_("Unknown kab/kota: %(code)s.") % {"code": kabkota_code})
    require_custodian(actor, kabkota_code)
    calendar = calendar_for(election, kabkota_code)
    net = transport.network(province_code=kabkota_code[:2])
    links = transport.links() if net is not None else {}
    boxes = Item.objects.filter(kabkota_code=kabkota_code, election=election, kind="box")
    parent = {"pps": ("desa_code", lambda c: node_code("ppk", c[:8])),
              "ppk": ("kecamatan_code", lambda c: node_code("kpu", c[:5])),
              "kpu": ("kabkota_code", lambda c: node_code("kpuprov", c[:2]))}
    out = {"created": 0, "existing": 0, "skipped": 0}
    for origin_kind, destination_kind in RETURN_LEGS:
        span = window(calendar, origin_kind, destination_kind)
        field, up = parent[origin_kind]
        areas = sorted(set(boxes.values_list(field, flat=True)))
        if span is None:
            out["skipped"] += len(areas)
            continue
        nodes = Node.objects.in_bulk([node_code(origin_kind, a) for a in areas] + [up(a) for a in areas],
                                     field_name="code")
        _place_province_node(nodes.get(node_code("kpuprov", kabkota_code[:2])))
        for area in areas:
            origin, destination = nodes.get(node_code(origin_kind, area)), nodes.get(up(area))
            code = mission_code(election, node_code(origin_kind, area))
            if Mission.objects.filter(code=code).exists():
                out["existing"] += 1
                continue
            if origin is None or destination is None or None in (origin.lat, destination.lat):
                out["skipped"] += 1
                continue
            legs = planned_legs(net, links, (origin.name, origin.lat, origin.lng),
                                (destination.name, destination.lat, destination.lng), span[0])
            mission_create(actor=actor, code=code, name=f"Kawal {origin.name} - {destination.name}"[:200],
                           area_code=area if origin_kind != "kpu" else kabkota_code, legs=legs,
                           item_codes=list(boxes.filter(**{field: area}).values_list("code", flat=True)),
                           due_at=span[1])
            out["created"] += 1
    return out


def _place_province_node(node):
    """A province node without a point stands at the province's first city (xx.71: Kendari in Sultra, the
    capital in most provinces), where the KPU provinsi holds its recap."""
    from siaga.regions.models import Region

    if node is None or node.lat is not None:
        return
    city = Region.objects.filter(code=f"{node.area_code[:2]}.71").exclude(lat=None).first()
    if city is not None:
        node.lat, node.lng = city.lat, city.lng
