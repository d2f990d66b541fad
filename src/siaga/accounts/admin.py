from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from siaga.accounts.models import Agency, AuditLog, User


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "level", "area_code")
    list_filter = ("kind", "level")
    search_fields = ("code", "name")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "agency", "role", "area_code", "is_active")
    list_filter = ("role", "agency__kind")
    fieldsets = BaseUserAdmin.fieldsets + ((_("Siaga"), {"fields": ("agency", "role", "area_code", "language")}),)


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_id", "area_code")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
