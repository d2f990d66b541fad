from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from siaga.accounts.models import Agency, AuditLog, User
from siaga.accounts.scope import code_q


class AreaScopedAdmin(admin.ModelAdmin):
    """Lists narrowed to the viewer's area, like every other read (a national administrator sees all)."""

    area_field = "area_code"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(code_q(request.user, self.area_field))


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through Siaga's services, which validate and audit them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Agency)
class AgencyAdmin(AreaScopedAdmin):
    list_display = ("code", "name", "kind", "level", "area_code")
    list_filter = ("kind", "level")
    search_fields = ("code", "name")


@admin.register(User)
class UserAdmin(AreaScopedAdmin, BaseUserAdmin):
    list_display = ("username", "first_name", "agency", "role", "area_code", "is_active")
    list_filter = ("role", "agency__kind")
    fieldsets = BaseUserAdmin.fieldsets + ((_("Siaga"), {"fields": ("agency", "role", "area_code", "language")}),)


@admin.register(AuditLog)
class AuditLogAdmin(AreaScopedAdmin, ReadOnlyAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_id", "area_code")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor_name")
