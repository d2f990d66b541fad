"""The custody admin lists are narrowed to the viewer's area like every other admin list."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from siaga.accounts.models import User
from siaga.custody.models import Anomaly, Checkpoint, Event, Handover, Item

KOLAKA = "74.01"
MODELS = {"item": Item, "event": Event, "handover": Handover, "anomaly": Anomaly, "checkpoint": Checkpoint}


def _count(client, model):
    meta = model._meta
    response = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert response.status_code == 200
    return response.context["cl"].result_count


def test_polres_staff_see_only_their_custody_rows(client, user):
    officer = user("polres.kolaka")
    officer.is_staff = True
    officer.save()
    officer.user_permissions.set(Permission.objects.filter(codename__in=[f"view_{name}" for name in MODELS]))
    client.force_login(User.objects.get(pk=officer.pk))
    inside = {
        Item: Item.objects.filter(kabkota_code=KOLAKA).count(),
        Event: Event.objects.filter(item__kabkota_code=KOLAKA).count(),
        Handover: Handover.objects.filter(to_node__area_code__startswith=KOLAKA + ".").count(),
        Anomaly: Anomaly.objects.filter(area_code__startswith=KOLAKA).count(),
    }
    assert all(inside.values()) and inside[Item] < Item.objects.count() and inside[Event] < Event.objects.count()
    assert {model: _count(client, model) for model in inside} == inside
    assert _count(client, Checkpoint) == Checkpoint.objects.count()  # public by design
    outside = Item.objects.exclude(kabkota_code=KOLAKA).first()
    response = client.get(reverse("admin:custody_item_change", args=[outside.pk]))
    assert response.status_code == 302  # "does not exist": nothing of it shown
