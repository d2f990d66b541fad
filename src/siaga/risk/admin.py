"""Catalogue editing for administrators; every save is audited with before and after."""

from django.contrib import admin

from siaga.accounts.services import audit_record
from siaga.risk.catalogues import catalogue_state, indicator_state
from siaga.risk.models import CatalogueVersion, Indicator


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ("position", "code", "variable", "name_id", "name_en", "weight", "kind", "saturation", "floor_class")


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "target", "election", "active", "rawan_min", "sangat_rawan_min",
                    "incident_raise_days")
    list_filter = ("target", "active")
    inlines = [IndicatorInline]

    def save_model(self, request, obj, form, change):
        before = catalogue_state(CatalogueVersion.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="risk.catalogue.edit", obj_type="risk_catalogue", obj_id=str(obj),
                     before=before, after=catalogue_state(obj))

    def save_formset(self, request, form, formset, change):
        before = {i.pk: indicator_state(i) for i in Indicator.objects.filter(catalogue=form.instance)}
        super().save_formset(request, form, formset, change)
        for ind in Indicator.objects.filter(catalogue=form.instance):
            if before.get(ind.pk) != indicator_state(ind):
                audit_record(actor=request.user, action="risk.indicator.edit", obj_type="risk_indicator",
                             obj_id=ind.code, before=before.get(ind.pk), after=indicator_state(ind))
