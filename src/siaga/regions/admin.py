"""Regions and TPS in the admin: read only (they change through `siaga regions load` and the TPS import,
which validate and audit) and narrowed to the viewer's area like every other read."""

from django.contrib import admin

from siaga.accounts.admin import AreaScopedAdmin, ReadOnlyAdmin
from siaga.accounts.scope import level_q
from siaga.regions.models import Region, Tps


@admin.register(Region)
class RegionAdmin(AreaScopedAdmin, ReadOnlyAdmin):
    area_field = "code"
    list_display = ("code", "name", "kind", "level", "has_geometry")
    list_filter = ("level", "kind", "has_geometry")
    search_fields = ("code", "name")


@admin.register(Tps)
class TpsAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "election", "desa", "voters", "special", "access")
    list_filter = ("election", "special", "access", "province_code")
    list_select_related = ("desa",)
    search_fields = ("code", "name", "address")
    show_full_result_count = False  # a national registry: no second COUNT over 820,161 rows per page

    def get_queryset(self, request):
        return super().get_queryset(request).filter(level_q(request.user))  # indexed, one column per level
