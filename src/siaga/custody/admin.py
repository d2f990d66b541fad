"""Read-only admin: custody records change only through the services (events never at all).

Lists are narrowed to the viewer's area like every other read (the same rules as the selectors);
checkpoints are public by design (roots, counts and times only).
"""

from django.contrib import admin
from django.db.models import Q

from siaga.accounts.admin import ReadOnlyAdmin
from siaga.custody.access import area_code_q, item_q
from siaga.custody.models import Anomaly, Checkpoint, Event, Handover, Item


class ScopedReadOnlyAdmin(ReadOnlyAdmin):
    def scope(self, user) -> Q:
        raise NotImplementedError

    def get_queryset(self, request):
        return super().get_queryset(request).filter(self.scope(request.user))


@admin.register(Event)
class EventAdmin(ScopedReadOnlyAdmin):
    list_display = ("item", "seq", "kind", "hash", "recorded_at")
    list_select_related = ("item",)

    def scope(self, user):
        return item_q(user, "item__")


@admin.register(Item)
class ItemAdmin(ScopedReadOnlyAdmin):
    list_display = ("code", "kind", "race", "node", "head_seq")
    search_fields = ("code",)

    def scope(self, user):
        return item_q(user)


@admin.register(Handover)
class HandoverAdmin(ScopedReadOnlyAdmin):
    list_display = ("client_id", "state", "from_node", "to_node", "receiver_name", "code_failures", "at")
    list_select_related = ("from_node", "to_node")

    def scope(self, user):
        return area_code_q(user, "from_node__area_code") | area_code_q(user, "to_node__area_code")


@admin.register(Anomaly)
class AnomalyAdmin(ScopedReadOnlyAdmin):
    list_display = ("kind", "state", "area_code", "raised_at")

    def scope(self, user):
        return area_code_q(user)


admin.site.register(Checkpoint, ReadOnlyAdmin)
