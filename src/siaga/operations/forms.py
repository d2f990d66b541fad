"""The re-vote form (PSU, PSL, PSS): the TPS, the legal ground, the supervisor's recommendation, the KPU
decision and the new voting date; the checks of the law are the service's."""

from django import forms
from django.utils.translation import gettext_lazy as _

from siaga.operations.models import Recommender, RevoteKind, RevoteReason
from siaga.regions.models import Election


class RevoteForm(forms.Form):
    tps_code = forms.CharField(label=_("TPS code"), max_length=20)
    election = forms.ChoiceField(label=_("election"), choices=Election.choices)
    kind = forms.ChoiceField(label=_("kind"), choices=RevoteKind.choices)
    reason = forms.ChoiceField(label=_("legal ground"), choices=RevoteReason.choices)
    new_date = forms.DateField(label=_("new voting date"), widget=forms.DateInput(attrs={"type": "date"}))
    recommended_by = forms.ChoiceField(label=_("recommended by"), choices=Recommender.choices)
    recommendation_number = forms.CharField(label=_("recommendation number"), max_length=100)
    recommendation_date = forms.DateField(label=_("recommendation date"),
                                          widget=forms.DateInput(attrs={"type": "date"}))
    decision_number = forms.CharField(label=_("KPU decision number"), max_length=100)
    decision_date = forms.DateField(label=_("KPU decision date"), widget=forms.DateInput(attrs={"type": "date"}))
    detail = forms.CharField(label=_("what happened"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
