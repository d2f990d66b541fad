"""Plan versions: draft -> reviewed -> approved, audited; the approved document is frozen (its hash
recorded); the Sprin and the officer sheets come from the approved plan."""

import hashlib
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from siaga.accounts.models import Agency, AuditLog, Role, User
from siaga.cli import cli_actor, main
from siaga.deployment.models import PlanPersonAssignment
from siaga.planning import approval, services, sprin
from siaga.planning.document import plan_document
from siaga.planning.models import Operation, VersionState

from .renpam_data import pemilu_operation

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilkada():
    return Operation.objects.get(name="Operasi Mantap Praja Anoa 2024")


def text_of(data):
    doc = Document(io.BytesIO(data))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def approve(user, operation):
    version = approval.version_draft(actor=user("intelkam"), operation=operation)
    approval.version_review(actor=user("admin"), version=version)
    return approval.version_approve(actor=user("kapolda"), version=version)


def test_approval_freezes_the_document(user, pilkada):
    version = approve(user, pilkada)
    assert version.state == VersionState.APPROVED and version.approved_by == user("kapolda")
    stored = approval.version_document(viewer=user("kapolda"), version=version, fmt="docx")
    assert hashlib.sha256(stored).hexdigest() == version.sha256_docx
    pdf = approval.version_document(viewer=user("kapolda"), version=version, fmt="pdf")
    assert hashlib.sha256(pdf).hexdigest() == version.sha256_pdf
    assert "DISAHKAN" in text_of(stored) and "R/Renpam/1/" in text_of(stored)
    # the data changes afterwards: a new draft shows it, the approved version does not
    services.threat_add(actor=user("intelkam"), operation=pilkada, category="hoaks", title="Ancaman sesudah "
                        "pengesahan", area_code="74", likelihood=2, impact=2, owner=pilkada.organiser)
    draft = approval.version_draft(actor=user("intelkam"), operation=pilkada)
    assert draft.number == version.number + 1
    assert "Ancaman sesudah pengesahan" in text_of(approval.version_document(viewer=user("kapolda"), version=draft,
                                                                             fmt="docx"))
    again = approval.version_document(viewer=user("kapolda"), version=version, fmt="docx")
    assert again == stored and "Ancaman sesudah pengesahan" not in text_of(again)
    assert plan_document(viewer=user("kapolda"), operation=pilkada, fmt="docx") != stored
    trail = list(AuditLog.objects.filter(object_type="plan_version", object_id=str(version.pk))
                 .order_by("at").values_list("action", "actor_name"))
    assert trail == [("plan_version.draft", "intelkam"), ("plan_version.review", "admin"),
                     ("plan_version.approve", "kapolda")]


def test_a_tampered_stored_document_is_refused(user, pilkada):
    version = approve(user, pilkada)
    type(version).objects.filter(pk=version.pk).update(document_pdf=b"%PDF-1.4 forged")
    version.refresh_from_db()
    with pytest.raises(ValidationError):
        approval.version_document(viewer=user("kapolda"), version=version, fmt="pdf")


def test_who_may_review_and_approve(user, pilkada):
    version = approval.version_draft(actor=user("intelkam"), operation=pilkada)
    with pytest.raises(PermissionDenied):
        approval.version_review(actor=user("kpu"), version=version)
    with pytest.raises(PermissionDenied):
        approval.version_review(actor=user("intelkam"), version=version)  # analysts draft, they do not sign
    with pytest.raises(ValidationError):
        approval.version_approve(actor=user("kapolda"), version=version)  # not reviewed yet
    approval.version_review(actor=user("kapolda"), version=version)
    with pytest.raises(PermissionDenied):
        approval.version_approve(actor=user("kapolda"), version=version)  # four eyes
    with pytest.raises(PermissionDenied):
        approval.version_draft(actor=user("kpu"), operation=pilkada)
    approved = approval.version_approve(actor=user("admin"), version=version)
    with pytest.raises(PermissionDenied):  # rendered for the approver: partners read the live plan instead
        approval.version_document(viewer=user("kpu"), version=approved, fmt="pdf")


def test_sprin_needs_an_approved_plan_and_names_the_officers(user):
    operation = pemilu_operation(cli_actor())
    with pytest.raises(ValidationError):
        sprin.sprin_document(viewer=user("kapolda"), operation=operation, fmt="docx")
    version = approve(user, operation)
    assert version.deployment_plan is not None
    text = text_of(sprin.sprin_document(viewer=user("kapolda"), operation=operation, fmt="docx"))
    for heading in ("SURAT PERINTAH", "Pertimbangan", "Dasar", "DIPERINTAHKAN", "Untuk", "Selesai.",
                    "LAMPIRAN: DAFTAR PERSONEL PER POS"):
        assert heading in text
    named = PlanPersonAssignment.objects.filter(plan=version.deployment_plan).select_related("person").first()
    assert named.person.nrp in text and named.person.name in text
    assert "(BKO)" in text and " personel" in text  # posts without a roster: counts per unit
    assert "Sprin/1/" in text
    pdf = sprin.sprin_document(viewer=user("kapolda"), operation=operation, fmt="pdf")
    assert pdf.startswith(b"%PDF")


def test_officer_sheets_scoped(user, client_as, client):
    operation = pemilu_operation(cli_actor())
    version = approve(user, operation)
    named = PlanPersonAssignment.objects.filter(plan=version.deployment_plan).select_related("person", "post")
    first = named.first().person
    sheets = sprin.officer_sheets(viewer=user("kapolda"), operation=operation)
    assert len(sheets) == named.count()
    own = next(s for s in sheets if s["nrp"] == first.nrp)
    mates = [p.person.nrp for p in named if p.post_id == named.first().post_id and p.person_id != first.pk]
    assert all(any(nrp in w for w in own["with"]) for nrp in mates)
    assert own["call_sign"].startswith("Anoa ") and own["commander"]
    assert sprin.officer_sheets(viewer=user("kpu"), operation=operation) == []
    # an officer signs in with the NRP as user name and sees their own sheet only
    officer = User.objects.create(username=first.nrp, role=Role.FIELD, area_code=first.unit.area_code,
                                  agency=Agency.objects.get(code="POLDA-74"))
    client.force_login(officer)
    page = client.get(f"/rencana/{operation.pk}/lembar-tugas/?nrp=other").content.decode()
    assert page.count('data-testid="sheet"') == 1 and first.name in page
    assert client_as("kpu").get(f"/rencana/{operation.pk}/lembar-tugas/").status_code == 403
    planner = client_as("kapolda").get(f"/rencana/{operation.pk}/lembar-tugas/").content.decode()
    assert planner.count('data-testid="sheet"') == named.count()


def test_planning_page_buttons_follow_the_role(client_as, user, pilkada):
    version = approval.version_draft(actor=user("intelkam"), operation=pilkada)
    page = client_as("kapolda").get(f"/rencana/{pilkada.pk}/").content.decode()
    assert 'data-testid="review"' in page and 'data-testid="figures"' in page
    assert 'data-testid="review"' not in client_as("kpu").get(f"/rencana/{pilkada.pk}/").content.decode()
    client_as("admin").post(f"/rencana/versi/{version.pk}/periksa/")
    version.refresh_from_db()
    assert version.state == VersionState.REVIEWED
    assert 'data-testid="approve"' in client_as("kapolda").get(f"/rencana/{pilkada.pk}/").content.decode()
    client_as("kapolda").post(f"/rencana/versi/{version.pk}/sahkan/")
    version.refresh_from_db()
    assert version.state == VersionState.APPROVED
    response = client_as("kapolda").get(f"/rencana/versi/{version.pk}/dokumen.pdf")
    assert hashlib.sha256(response.content).hexdigest() == version.sha256_pdf
    assert client_as("kpu").get(f"/rencana/versi/{version.pk}/dokumen.pdf").status_code == 403


def test_cli_version_review_approve_document_sprin(tmp_path, capsys, pilkada):
    def run(*argv):
        with pytest.raises(SystemExit) as done:
            main(list(argv))
        out = capsys.readouterr()
        return done.value.code or 0, out.out + out.err

    op = str(pilkada.pk)
    assert run("plan", "sprin", "--operation", op, "--output", str(tmp_path / "s.pdf"))[0] == 2
    assert run("plan", "version", "--operation", op, "--as", "intelkam") == (0, f"{pilkada.name}: versi 1 (konsep)\n")
    assert run("plan", "review", "--operation", op, "--as", "admin")[0] == 0
    code, out = run("plan", "approve", "--operation", op, "--as", "admin")
    assert code == 2 and "Pemeriksa tidak dapat mengesahkan" in out
    code, out = run("plan", "approve", "--operation", op, "--as", "kapolda")
    assert code == 0 and "disahkan oleh kapolda" in out
    code, out = run("plan", "versions", "--operation", op, "--json")
    row = json.loads(out)[0]
    assert row["state"] == "disahkan" and row["approved_by"] == "kapolda" and row["reviewed_by"] == "admin"
    assert run("plan", "document", "--operation", op, "--version", "1", "--format", "pdf", "--output",
               str(tmp_path / "v1.pdf"))[0] == 0
    assert hashlib.sha256((tmp_path / "v1.pdf").read_bytes()).hexdigest() == row["sha256_pdf"]
    assert run("plan", "sprin", "--operation", op, "--format", "docx", "--output", str(tmp_path / "s.docx"))[0] == 0
    assert "SURAT PERINTAH" in text_of((tmp_path / "s.docx").read_bytes())
