"""The handover form of the node page: which items, to whom, the seals seen; the receiving-node suggestions."""

import re
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from siaga.accounts.models import User
from siaga.custody.models import Item, Node
from siaga.custody.routes import outbound_path

SEAL_SPLIT = re.compile(r"[,\s]+")


def seal_field(code: str) -> str:
    return f"seals-{code}"


def next_nodes(node, items):
    """(code, name) of the nodes one step from ``node`` on the expected route of ``items``, onward first."""
    ahead, back = [], []
    for item in items:
        path = outbound_path(item.kabkota_code, item.kecamatan_code, item.desa_code, item.tps.code)
        if node.code in path:
            at = path.index(node.code)
            ahead += path[at + 1:at + 2]
            back += path[max(at - 1, 0):at]
    codes = list(dict.fromkeys(ahead + back))
    names = dict(Node.objects.filter(code__in=codes).values_list("code", "name"))
    return [(code, names[code]) for code in codes if code in names]


class HandoverForm(forms.Form):
    """The giver's half; ``items`` are the items the giver may tick (those at the node)."""

    client_id = forms.UUIDField(label=_("Form id"), widget=forms.HiddenInput)
    items = forms.ModelMultipleChoiceField(queryset=Item.objects.none(), to_field_name="code",
                                           label=_("Items"), error_messages={"required": _("Tick at least one item.")})
    to_node = forms.CharField(label=_("Receiving node"), max_length=40)
    receiver_name = forms.CharField(label=_("Receiver's name"), max_length=150, required=False)
    receiver = forms.CharField(label=_("Receiver's user name (optional)"), max_length=150, required=False)
    condition = forms.CharField(label=_("Condition"), max_length=200, required=False)
    escort = forms.CharField(label=_("Escort"), max_length=300, required=False)

    def __init__(self, *args, items, **kwargs):
        kwargs.setdefault("initial", {"client_id": uuid.uuid4(), "condition": "baik"})
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items

    def clean_to_node(self):
        return self.cleaned_data["to_node"].strip()

    def clean_receiver(self):
        username = self.cleaned_data["receiver"].strip()
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Unknown user %(name)s.") % {"name": username})
        return user

    def problems(self) -> list[str]:
        """The form's errors as lines naming their field."""
        return [f"{self.fields[name].label}: {e}" if name in self.fields else str(e)
                for name, errors in self.errors.items() for e in errors]

    def offer_kwargs(self) -> dict:
        """Keyword arguments for services.handover_offer (the seals as typed, for the ticked items only)."""
        data = self.cleaned_data
        codes = [item.code for item in data["items"]]
        seals = {code: [s for s in SEAL_SPLIT.split(self.data[seal_field(code)]) if s]
                 for code in codes if seal_field(code) in self.data}
        return {"client_id": str(data["client_id"]), "item_codes": codes, "to_node": data["to_node"],
                "receiver": data["receiver"], "receiver_name": data["receiver_name"].strip(), "seals_seen": seals,
                "condition": data["condition"].strip(), "escort": data["escort"].strip()}

    def rows(self, shown):
        """(item, ticked, seals text, seal field name) per shown item: all ticked with the registry's seals,
        or as submitted."""
        if not self.is_bound:
            return [(i, True, ", ".join(i.seals), seal_field(i.code)) for i in shown]
        ticked = set(self.data.getlist("items"))
        return [(i, i.code in ticked, self.data.get(seal_field(i.code), ", ".join(i.seals)), seal_field(i.code))
                for i in shown]
