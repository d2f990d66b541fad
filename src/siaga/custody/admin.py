"""Read-only admin: custody records change only through the services (events never at all)."""

from django.contrib import admin

from siaga.accounts.admin import ReadOnlyAdmin
from siaga.custody.models import Anomaly, Checkpoint, Event, Handover, Item


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("item", "seq", "kind", "hash", "recorded_at")
    list_select_related = ("item",)


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ("code", "kind", "race", "node", "head_seq")
    search_fields = ("code",)


admin.site.register(Checkpoint, ReadOnlyAdmin)
admin.site.register(Handover, ReadOnlyAdmin)
admin.site.register(Anomaly, ReadOnlyAdmin)
