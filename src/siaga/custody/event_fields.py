"""The fields of chain events built from records: one shape for the writers and the integrity checks."""

import hashlib
from datetime import UTC, datetime


def utc_text(moment: datetime) -> str:
    """The chain's time format: UTC, whole seconds, trailing Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def handover_fields(handover, from_code: str, to_code: str, seals) -> dict:
    """The chain-event fields of one item received in ``handover`` (all but item_id and seq).

    Every field of the handover record that says who, where, when and how is in
    here, so an edit of the record afterwards shows against its events.
    """
    payload_forms = {"forms": dict(sorted(handover.forms.items()))} if handover.forms else {}
    signature = hashlib.sha256(handover.signature.encode("utf-8")).hexdigest() if handover.signature else None
    return {
        "kind": "handover", "at": utc_text(handover.at), "node": to_code, "giver": handover.giver_name,
        "receiver": handover.receiver_name, "seals": list(seals), "condition": handover.condition or None,
        "payload": {"handover": handover.client_id, "from": from_code, "device": handover.device,
                    "client_seq": handover.client_seq, "method": handover.receiver_method,
                    "escort": handover.escort, "signature_sha256": signature,
                    "confirmed": [utc_text(handover.giver_confirmed_at), utc_text(handover.receiver_confirmed_at)],
                    **payload_forms},
    }  # fmt: skip
