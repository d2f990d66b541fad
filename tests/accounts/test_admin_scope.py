"""The admin narrows every list to the viewer's area and leaves registry data read only."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from siaga.accounts.models import Agency, AuditLog, User
from siaga.regions.models import Region, Tps

KOLAKA = "74.01"
MODELS = {"tps": Tps, "region": Region, "agency": Agency, "user": User, "auditlog": AuditLog}


def changelist_count(client, model):
    meta = model._meta
    response = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert response.status_code == 200
    return response.context["cl"].result_count


@pytest.fixture
def kolaka_staff(user):
    """The Polres Kolaka officer made staff with permission to view each model."""
    officer = user("polres.kolaka")
    officer.is_staff = True
    officer.save()
    officer.user_permissions.set(Permission.objects.filter(codename__in=[f"view_{name}" for name in MODELS]))
    return User.objects.get(pk=officer.pk)  # permissions are cached per instance


def test_staff_of_one_kabkota_see_only_its_rows(client, kolaka_staff):
    client.force_login(kolaka_staff)
    inside = {
        Tps: Tps.objects.filter(kabkota_code=KOLAKA).count(),
        Region: Region.objects.filter(code__startswith=KOLAKA).count(),
        Agency: Agency.objects.filter(area_code__startswith=KOLAKA).count(),
        User: User.objects.filter(area_code__startswith=KOLAKA).count(),
        AuditLog: AuditLog.objects.filter(area_code__startswith=KOLAKA).count(),
    }
    assert all(inside.values()) and inside[Tps] < Tps.objects.count()
    assert {model: changelist_count(client, model) for model in inside} == inside
    outside = Tps.objects.exclude(kabkota_code=KOLAKA).first()
    response = client.get(reverse("admin:regions_tps_change", args=[outside.pk]))
    assert response.status_code == 302  # "does not exist", to the admin index: nothing of it shown
    assert outside.name not in client.get(response.url).content.decode()


def test_a_national_administrator_sees_everything_and_changes_no_registry_row(client, db):
    root = User.objects.create_superuser("root.test", password="x")
    client.force_login(root)
    assert changelist_count(client, Tps) == Tps.objects.count()
    assert client.get(reverse("admin:regions_tps_add")).status_code == 403
    tps = Tps.objects.first()
    response = client.post(reverse("admin:regions_tps_change", args=[tps.pk]), {"name": "diubah"})
    assert response.status_code == 403
    assert Tps.objects.get(pk=tps.pk).name == tps.name
