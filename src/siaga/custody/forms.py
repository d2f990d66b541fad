"""The handover form of the node page: which items, to whom, the seals seen; the receiving-node suggestions."""

import re
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from siaga.accounts.models import User
from siaga.accounts.scope import area_contains
from siaga.custody.models import Item, Node
from siaga.custody.routes import (D_HASIL_KABKOTA, D_HASIL_KECAMATAN, D_KEJADIAN_KHUSUS, ENVELOPE, RACES,
                                  item_path, node_kind)

SEAL_SPLIT = re.compile(r"[,\s]+")
RACE_LABELS = {code: label for races in RACES.values() for code, label in races} | dict(ENVELOPE.values())


def seal_field(code: str) -> str:
    return f"seals-{code}"


def next_nodes(node, items):
    """The nodes one step from ``node`` on the expected route of ``items``, onward first."""
    ahead, back = [], []
    for item in items:
        path = item_path(item.kabkota_code, item.kecamatan_code, item.desa_code, item.tps.code)
        if node.code in path:
            at = path.index(node.code)
            ahead += path[at + 1:at + 2]
            back += path[max(at - 1, 0):at]
    codes = list(dict.fromkeys(ahead + back))
    nodes = {n.code: n for n in Node.objects.filter(code__in=codes)}
    return [nodes[code] for code in codes if code in nodes]


def receiver_choices(nodes, giver):
    """(username, label) of the people who may receive at the given nodes: active custodians whose own area holds a
    node's area and is at most one level above it (a TPS's receivers work in its desa or kecamatan, a PPK's in
    its kecamatan or kab/kota; not the Polda or national accounts), never the giver; the most local first."""
    from siaga.custody.access import may_handle

    depth = lambda code: code.count(".") + 1 if code else 0  # noqa: E731
    areas = [n.area_code for n in nodes]
    people = []
    for user in User.objects.filter(is_active=True).exclude(area_code="").exclude(pk=giver.pk).select_related("agency"):
        if any(area_contains(user.area_code, a) and depth(user.area_code) >= depth(a) - 1 for a in areas) \
                and may_handle(user):
            people.append(user)
    people.sort(key=lambda u: (-len(u.area_code), u.get_full_name() or u.username))
    return [(u.username, f"{u.get_full_name() or u.username} · {u.agency.name if u.agency_id else u.area_code}")
            for u in people]


def _seal_set(text) -> list[str]:
    return sorted({s for s in SEAL_SPLIT.split(text or "") if s})


class HandoverForm(forms.Form):
    """The giver's half; ``items`` are the items the giver may tick (those at the node), ``nodes`` the receiving
    nodes the route allows from here (next_nodes) and the receivers are the people of those nodes' areas.

    Nothing is pre-filled from the registry: no item is ticked and every seal field starts empty, so the giver
    must read (or scan) each seal. Seals that differ from the registry are shown and must be confirmed before the
    handover is stored; they are stored as seen and raise a seal anomaly."""

    client_id = forms.UUIDField(label=_("Form id"), widget=forms.HiddenInput)
    items = forms.ModelMultipleChoiceField(queryset=Item.objects.none(), to_field_name="code",
                                           label=_("Items"), error_messages={"required": _("Tick at least one item.")})
    to_node = forms.ChoiceField(label=_("Receiving node"), choices=(),
                                error_messages={"required": _("Choose the receiving node."),
                                                "invalid_choice": _("Choose a receiving node on the route.")})
    receiver = forms.ChoiceField(label=_("Receiver (with an account)"), choices=(), required=False,
                                 error_messages={"invalid_choice": _("Choose a receiver of the receiving node.")})
    receiver_name = forms.CharField(label=_("Receiver's name (without an account)"), max_length=150, required=False)
    condition = forms.CharField(label=_("Condition"), max_length=200, required=False)
    escort = forms.CharField(label=_("Escort"), max_length=300, required=False)
    confirm_seals = forms.BooleanField(label=_("Seals differ"), required=False)
    # The forms that travel on return legs (checked by the service: a leg short of its forms raises an anomaly).
    result_form = forms.CharField(label=_("C.Hasil number (Pilkada: C.Hasil-KWK)"), max_length=100, required=False)
    d_hasil = forms.CharField(label=_("D.Hasil number"), max_length=100, required=False)
    d_kejadian_khusus = forms.CharField(label=_("D.Kejadian Khusus number"), max_length=100, required=False)

    def __init__(self, *args, items, nodes=(), giver=None, **kwargs):
        kwargs.setdefault("initial", {"client_id": uuid.uuid4()})
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items
        self.nodes = {n.code: n for n in nodes}
        self.fields["to_node"].choices = [("", _("choose…"))] + [(n.code, f"{n.name} ({n.code})") for n in nodes]
        self.giver = giver
        self.receivers = receiver_choices(nodes, giver) if giver is not None else []
        self.fields["receiver"].choices = [("", _("no account: write the name below"))] + self.receivers
        self.mismatches = []  # (item code, seals as entered) that differ from the registry

    def clean_receiver(self):
        username = self.cleaned_data["receiver"]
        if not username:
            return None
        return User.objects.get(username=username, is_active=True)

    def clean(self):
        data = super().clean()
        node = self.nodes.get(data.get("to_node") or "")
        receiver = data.get("receiver")
        if receiver is not None and node is not None and \
                receiver.username not in dict(receiver_choices([node], self.giver)):
            self.add_error("receiver", _("%(name)s does not work in the area of %(node)s.")
                           % {"name": receiver.get_full_name() or receiver.username, "node": node.name})
        if receiver is None and not (data.get("receiver_name") or "").strip():
            self.add_error("receiver_name", _("Choose the receiver or write their name."))
        self.mismatches = []
        for item in data.get("items") or ():
            seen = _seal_set(self.data.get(seal_field(item.code), ""))
            if item.seals and not seen:
                self.add_error("items", _("Enter or scan the seal numbers you see on %(item)s.") % {"item": item.code})
            elif seen != _seal_set(" ".join(item.seals)):
                self.mismatches.append((item.code, ", ".join(seen) or "–"))
        if self.mismatches and not data.get("confirm_seals") and not self.errors:
            # Shown before anything is stored; the registry's numbers are not revealed.
            self.add_error(None, _("The seals you entered differ from the registry for %(items)s. Check them "
                                   "again; if they are right, tick the confirmation to record them (a seal "
                                   "anomaly is raised).") % {"items": ", ".join(c for c, _ in self.mismatches)})
        return data

    def problems(self) -> list[str]:
        """The form's errors as lines naming their field."""
        return [f"{self.fields[name].label}: {e}" if name in self.fields else str(e)
                for name, errors in self.errors.items() for e in errors]

    def offer_kwargs(self) -> dict:
        """Keyword arguments for services.handover_offer (the seals as entered, for the ticked items only)."""
        data = self.cleaned_data
        codes = [item.code for item in data["items"]]
        seals = {code: _seal_set(self.data.get(seal_field(code), "")) for code in codes}
        return {"client_id": str(data["client_id"]), "item_codes": codes, "to_node": data["to_node"],
                "receiver": data["receiver"], "receiver_name": data["receiver_name"].strip(), "seals_seen": seals,
                "condition": data["condition"].strip(), "escort": data["escort"].strip(),
                "forms": self._forms(data)}

    def _forms(self, data) -> dict:
        """The form numbers entered, under the codes of the items' election and of the leg's level."""
        items = list(data["items"])
        if not items:
            return {}
        election, level = items[0].election, node_kind(data["to_node"])
        d_hasil = (D_HASIL_KABKOTA if level == "kpuprov" else D_HASIL_KECAMATAN)[election][0]
        entered = {ENVELOPE[election][0]: data.get("result_form"), d_hasil: data.get("d_hasil"),
                   D_KEJADIAN_KHUSUS[0]: data.get("d_kejadian_khusus")}
        return {code: number.strip() for code, number in entered.items() if (number or "").strip()}

    def rows(self, shown):
        """One dict per shown item (item, ticked, seals text, seal field name, differs, race label): unticked and
        empty at first, then as submitted (never the registry's seals)."""
        ticked = set(self.data.getlist("items")) if self.is_bound else set()
        differs = {code for code, _ in self.mismatches}
        return [{"item": i, "ticked": i.code in ticked, "seals": self.data.get(seal_field(i.code), "") if self.is_bound
                 else "", "field": seal_field(i.code), "differs": i.code in differs,
                 "race": RACE_LABELS.get(i.race, i.race)} for i in shown]
