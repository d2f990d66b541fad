"""Operations, stages, threats, KPIs, contingencies, the plan document and the `siaga plan` commands."""

import argparse
import io
import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from siaga.accounts.models import AuditLog
from siaga.planning import selectors, services
from siaga.planning.commands import plan_actions, register
from siaga.planning.kpi_sources import kpi_value
from siaga.planning.models import Contingency, Kpi, KpiSource, Operation, StageKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def operation():
    return Operation.objects.get(name="Operasi Mantap Praja Anoa 2024")


def test_demo_operation_follows_pilkada_2024(operation):
    stages = {s.kind: s for s in operation.stages.all()}
    assert stages["pemungutan"].starts_on == date(2024, 11, 27)
    assert [s.kind for s in operation.stages.all()][:3] == ["pemutakhiran", "pencalonan", "kampanye"]
    assert operation.task_forces.count() == 7 and operation.organiser.code == "POLDA-74"


def test_current_stage_on_voting_day_and_outside_the_timeline(user, operation):
    assert selectors.current_stage(user("kpu"), today=date(2024, 11, 27)).kind == StageKind.VOTING
    assert selectors.current_stage(user("kpu"), today=date(2024, 11, 25)).kind == StageKind.LOGISTICS
    assert selectors.current_stage(user("kpu"), today=date(2030, 1, 1)) is None


def test_rescheduling_a_stage_is_checked_and_audited(user, operation):
    stage = operation.stages.get(kind="tenang")
    with pytest.raises(ValidationError):
        services.stage_reschedule(actor=user("intelkam"), stage=stage, starts_on=date(2024, 11, 26),
                                  ends_on=date(2024, 11, 24))
    with pytest.raises(PermissionDenied):
        services.stage_reschedule(actor=user("kpu"), stage=stage, starts_on=date(2024, 11, 24),
                                  ends_on=date(2024, 11, 27))
    services.stage_reschedule(actor=user("intelkam"), stage=stage, starts_on=date(2024, 11, 24),
                              ends_on=date(2024, 11, 27))
    entry = AuditLog.objects.filter(action="stage.reschedule", object_id=str(stage.pk)).first()
    assert entry.before == {"starts_on": "2024-11-24", "ends_on": "2024-11-26"}
    assert entry.after["ends_on"] == "2024-11-27" and entry.actor_name == "intelkam"


def test_threat_register_is_ranked_by_risk(user, operation):
    threats = selectors.threats_ranked(selectors.threat_list(viewer=user("intelkam"), operation=operation))
    assert threats[0].title.startswith("Bentrok pendukung")  # 4x4 = 16
    assert threats[1].score == 15 and threats[1].level == "sangat_tinggi"
    overview = selectors.risk_overview(threats)
    assert overview["levels"] == {"sangat_tinggi": 2, "tinggi": 4, "sedang": 5, "rendah": 0}
    assert overview["matrix"][0][2] == 1  # impact 5, likelihood 3: KPU Muna riot


def test_polres_sees_threats_of_its_ground_and_the_province(user, operation):
    areas = {t.area_code for t in selectors.threat_list(viewer=user("polres.kolaka"), operation=operation)}
    assert areas == {"74"}


def test_threat_grades_are_validated(user, operation):
    with pytest.raises(ValidationError):
        services.threat_add(actor=user("intelkam"), operation=operation, category="hoaks", title="x",
                            area_code="74", likelihood=6, impact=1, owner=operation.organiser)


def test_kpis_computed_from_own_data_hand_computed(user, operation):
    today = date(2024, 12, 10)
    mitigations = Kpi.objects.get(operation=operation, source=KpiSource.MITIGATIONS_ON_TIME)
    # 7 mitigations, all due by 10 Dec; done on time: 3 Oct, 29 Nov, 24 Nov -> 3/7
    assert kpi_value(mitigations, viewer=user("intelkam"), today=today) == pytest.approx(300 / 7)
    actions = Kpi.objects.get(operation=operation, source=KpiSource.ACTIONS_ON_TIME)
    # 4 rakernis items: 14 Oct (due 15) and 30 Oct (due 1 Nov) on time, 23 Oct late (due 21), one open
    assert kpi_value(actions, viewer=user("intelkam"), today=today) == pytest.approx(50.0)


def test_every_kpi_of_the_demo_plan_is_computed_by_its_provider(user, operation):
    """No KPI falls back to "no data" for want of a provider (the values are hand-checked in test_kpi_providers)."""
    rows = selectors.kpi_report(viewer=user("intelkam"), operation=operation)
    assert {r["kpi"].source for r in rows} == set(KpiSource.values)
    mitigations = next(r for r in rows if r["kpi"].source == KpiSource.MITIGATIONS_ON_TIME)
    assert mitigations["current"] is not None and mitigations["status"] != "no_data"


def test_kpi_snapshots_give_a_trend(user, operation):
    kpi = Kpi.objects.get(operation=operation, source=KpiSource.MITIGATIONS_ON_TIME)
    assert kpi.snapshots.count() == 5  # the demo's history
    row = next(r for r in selectors.kpi_report(viewer=user("intelkam"), operation=operation) if r["kpi"] == kpi)
    assert row["trend"] in {"improving", "worsening", "flat"}


def test_contingency_activation_and_steps_are_audited(client_as, operation):
    contingency = Contingency.objects.get(name="Kontinjensi kerusuhan kantor KPU Muna")
    client = client_as("kapolda")
    assert client.post(f"/rencana/kontinjensi/{contingency.pk}/aktifkan/").status_code == 302
    step = contingency.steps.get(order=3)
    client.post(f"/rencana/kontinjensi/langkah/{step.pk}/")
    step.refresh_from_db()
    contingency.refresh_from_db()
    assert contingency.status == "aktif" and contingency.activated_by.username == "kapolda"
    assert step.done_at is not None and step.done_by.username == "kapolda"
    trail = list(AuditLog.objects.filter(object_type="contingency", object_id=str(contingency.pk))
                 .order_by("at", "id").values_list("action", "actor_name", "after"))
    assert [a for a, _, _ in trail][-2:] == ["contingency.activate", "contingency.step_done"]
    assert trail[-1][2]["steps_done"] == [3] and trail[-2][2]["status"] == "aktif"


def test_partner_cannot_activate_a_contingency(client_as):
    contingency = Contingency.objects.get(name="Kontinjensi kerusuhan kantor KPU Muna")
    client_as("kpu").post(f"/rencana/kontinjensi/{contingency.pk}/aktifkan/")
    contingency.refresh_from_db()
    assert contingency.status == "siap"


def test_pages_render(client_as, operation):
    client = client_as("kpu")
    index = client.get("/rencana/").content.decode()
    assert "Operasi Mantap Praja Anoa 2024" in index and "Tahapan saat ini" in index
    detail = client.get(f"/rencana/{operation.pk}/").content.decode()
    assert "Kerusuhan di kantor KPU Muna" in detail and "Pemungutan dan penghitungan suara" in detail
    assert 'name="starts_on"' not in detail  # partners read the plan, they do not edit it


def test_plan_commands_list_and_write_documents(tmp_path, capsys, operation):
    from docx import Document
    from pypdf import PdfReader

    from siaga.cli import main

    with pytest.raises(SystemExit):
        main(["plan", "operations", "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert {"id": operation.pk, "name": operation.name}.items() <= next(r for r in rows if r["id"] == operation.pk).items()
    for fmt in ("docx", "pdf"):
        out = tmp_path / f"plan.{fmt}"
        with pytest.raises(SystemExit) as done:
            main(["plan", "document", "--operation", str(operation.pk), "--format", fmt, "--output", str(out),
                  "--as", "kpu"])
        assert done.value.code == 0
    doc = Document(str(tmp_path / "plan.docx"))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["I. PENDAHULUAN", "1. Umum"]
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert "Pemungutan dan penghitungan suara" in cells and "Kontinjensi kerusuhan kantor KPU Muna" in cells
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(tmp_path / "plan.pdf")).pages)
    assert "RENCANA PENGAMANAN OPERASI MANTAP PRAJA ANOA 2024" in text
    assert "Kontinjensi kerusuhan kantor KPU Muna" in text and "Pemungutan dan penghitungan suara" in text
    with pytest.raises(SystemExit) as missing:
        main(["plan", "document", "--operation", "99999", "--output", str(tmp_path / "x.pdf")])
    assert missing.value.code == 2


def test_plan_group_is_shared_with_another_app_in_either_order():
    def other_register(sub):  # what another app does: add an action to the shared group
        plan_actions(sub).add_parser("other")

    for order in ((other_register, register), (register, other_register)):
        sub = argparse.ArgumentParser().add_subparsers(dest="command")
        for step in order:
            step(sub)
        register(sub)  # idempotent
        assert set(sub.choices["plan"]._siaga_actions.choices) == {
            "operations", "deploy", "document", "version", "versions", "review", "approve", "sprin", "other"}


def test_document_download_page(client_as, operation):
    response = client_as("kpu").get(f"/rencana/{operation.pk}/dokumen.docx")
    assert response.status_code == 200
    from docx import Document

    paragraphs = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert paragraphs[0] == "KEPOLISIAN NEGARA REPUBLIK INDONESIA" and "RENCANA PENGAMANAN" in paragraphs
    assert client_as("kpu").get(f"/rencana/{operation.pk}/dokumen.exe").status_code == 404


def test_a_polres_reads_the_polda_plan_with_its_own_area_situation(user):
    """The province's plan, read by Polres Kolaka: the situation table is that of kab/kota 74.01, not 74."""
    from siaga.cli import cli_actor
    from siaga.planning.document import plan_content

    from .renpam_data import pemilu_operation

    operation = pemilu_operation(cli_actor())

    def situation(viewer):
        section = dict(plan_content(viewer=viewer, operation=operation)["sections"])["II. SITUASI"]
        table = next(block for block in section if block[0] == "table")
        return [row[0] for row in table[2]]

    assert situation(user("polres.kolaka")) == ["Kabupaten Kolaka", "Jumlah"]
    assert len(situation(user("intelkam"))) == 17 + 1
