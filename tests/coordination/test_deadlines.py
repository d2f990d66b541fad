"""Action-item and referral deadlines, the overdue dashboard and escalation."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from siaga.accounts.models import AuditLog
from siaga.coordination import selectors, services
from siaga.coordination.models import ActionItem, Referral, ReferralStatus

pytestmark = pytest.mark.django_db
MUNA_DRILL = "Gelar simulasi pengamanan rekapitulasi di KPU Muna"


def test_an_open_item_is_overdue_only_after_its_due_date(user):
    viewer = user("intelkam")
    on_due_day = {i.text for i in selectors.action_item_list(viewer=viewer, overdue_on=date(2024, 11, 25))}
    day_after = {i.text for i in selectors.action_item_list(viewer=viewer, overdue_on=date(2024, 11, 26))}
    assert MUNA_DRILL not in on_due_day and MUNA_DRILL in day_after
    assert "Kirim data TPS rawan mingguan" not in day_after  # done (late): not overdue


def test_dashboard_shows_overdue_items_and_referrals(client_as):
    page = client_as("intelkam").get("/koordinasi/").content.decode()
    assert MUNA_DRILL in page and "Pengamanan melekat Ketua Bawaslu Buton Tengah" in page


def test_done_needs_evidence_and_the_owner_agency(user):
    item = ActionItem.objects.get(text=MUNA_DRILL)
    with pytest.raises(ValidationError):
        services.action_item_update(actor=user("intelkam"), item=item, status="selesai", evidence=" ")
    with pytest.raises(PermissionDenied):
        services.action_item_update(actor=user("kpu"), item=item, status="selesai", evidence="foto")
    services.action_item_update(actor=user("intelkam"), item=item, status="selesai", evidence="Foto simulasi",
                                done_on=date(2024, 11, 26))
    entry = AuditLog.objects.filter(action="action_item.update", object_id=str(item.pk)).first()
    assert entry.before["status"] == "terbuka" and entry.after["done_on"] == "2024-11-26"
    assert entry.actor_name == "intelkam"


def test_escalation_takes_overdue_referrals_to_the_parent_agency(user):
    cli = user("intelkam")
    first = services.referrals_escalate(actor=cli, today=date(2024, 12, 1))
    assert [r.subject for r in first] == ["Pengamanan melekat Ketua Bawaslu Buton Tengah"]
    assert first[0].status == ReferralStatus.ESCALATED and first[0].escalated_to.code == "POLDA-74"
    second = services.referrals_escalate(actor=cli, today=date(2024, 12, 5))
    assert [r.to_agency.code for r in second] == ["POLRES-74.03"]  # deadline 4 Dec; the closed KPU one never
    assert services.referrals_escalate(actor=cli, today=date(2024, 12, 9)) == []
    entries = AuditLog.objects.filter(action="referral.escalate")
    assert entries.count() == 2 and all(e.after["status"] == "eskalasi" for e in entries)
    assert Referral.objects.get(subject__startswith="Verifikasi").status == ReferralStatus.CLOSED


def test_escalate_command(capsys):
    import json

    from siaga.cli import main

    with pytest.raises(SystemExit) as done:
        main(["coordination", "escalate", "--today", "2024-12-05", "--json"])
    assert done.value.code == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["to"] for r in rows} == {"POLRES-74.03", "POLRES-74.14"}
    assert {r["escalated_to"] for r in rows} == {"POLDA-74"}


def test_only_the_recipient_acknowledges(user):
    referral = Referral.objects.get(to_agency__code="POLRES-74.03")
    with pytest.raises(PermissionDenied):
        services.referral_acknowledge(actor=user("kpu"), referral=referral)
    services.referral_acknowledge(actor=user("intelkam"), referral=referral)  # Polda staff above the Polres
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.ACKNOWLEDGED


def test_kpu_sees_its_referral_but_not_police_internal_ones(user):
    subjects = {r.subject for r in selectors.referral_list(viewer=user("kpu"))}
    assert subjects == {"Verifikasi 1.463 pemilih tidak memenuhi syarat di DPT"}
