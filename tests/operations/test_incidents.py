"""Incident workflow rules, edit lock, duplicates and merging, publishing to partners, photos, risk hook."""

from datetime import datetime, timedelta, timezone

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from siaga import features
from siaga.operations import selectors, services, workflow
from siaga.operations.models import Incident

NOON = datetime(2024, 2, 14, 4, 0, tzinfo=timezone.utc)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.fixture
def report(user, fresh_tps, cid):
    (tps,) = fresh_tps(area="74.02")

    def make(category="bentrok", minutes=0, severity=3, at_tps=tps):
        incident, _ = services.incident_report(actor=user("admin"), client_id=cid(), category=category,
                                               severity=severity, description="Massa berkumpul",
                                               tps_code=at_tps.code, occurred_at=NOON + timedelta(minutes=minutes))
        return incident
    return make


def test_the_full_path_and_timestamps(user, report):
    admin, incident = user("admin"), report()
    unit = selectors.police_units(viewer=admin).get(code=f"POLSEK-{incident.kecamatan_code}")
    for action in ("verify", "assign", "act", "close", "reopen"):
        incident = services.incident_transition(actor=admin, incident_id=incident.pk, action=action,
                                                assign_to=unit if action == "assign" else None)
    assert incident.status == workflow.REOPENED and incident.closed_at is None
    assert incident.verified_at and incident.action_at and incident.assigned_to == unit


@pytest.mark.parametrize("status, action", [("baru", "close"), ("baru", "act"), ("baru", "reopen")])
def test_illegal_transitions_are_refused_with_the_reason(user, report, status, action):
    incident = report()
    with pytest.raises(workflow.IllegalTransition) as refused:
        services.incident_transition(actor=user("admin"), incident_id=incident.pk, action=action)
    assert f"Insiden berstatus '{status}' tidak bisa menerima {workflow.ACTION_LABELS[action]}" in str(refused.value)
    incident.refresh_from_db()
    assert incident.status == status


def test_api_answers_409_with_the_message(client_as, report):
    incident = report()
    r = client_as("admin").post(f"/api/operations/incidents/{incident.pk}/transition", {"action": "close"},
                                content_type="application/json")
    assert r.status_code == 409 and "tidak bisa menerima penutupan" in r.json()["detail"]


def test_edit_lock_shows_the_holder_and_expires(user, report):
    incident = report()
    services.incident_lock(actor=user("kapolda"), incident_id=incident.pk)
    with pytest.raises(workflow.IllegalTransition, match="sedang disunting oleh kapolda"):
        services.incident_transition(actor=user("admin"), incident_id=incident.pk, action="verify")
    type(incident).objects.filter(pk=incident.pk).update(lock_expires_at=NOON)  # long expired
    assert services.incident_transition(actor=user("admin"), incident_id=incident.pk, action="verify").status == \
        workflow.VERIFIED


def test_duplicates_within_the_window_are_found_and_merged(user, report):
    first, second = report(minutes=0), report(minutes=45)
    other_category, too_late = report(category="hoaks", minutes=10), report(minutes=61)
    # Same TPS and category within 60 minutes of the first; another category or 61 minutes away is not.
    assert list(services.duplicate_candidates(first)) == [second]
    assert other_category not in services.duplicate_candidates(second)
    merged = services.incident_merge(actor=user("admin"), incident_id=second.pk, into_id=first.pk)
    assert merged.status == workflow.MERGED and merged.duplicate_of == first
    with pytest.raises(workflow.IllegalTransition, match="sudah digabung"):
        services.incident_merge(actor=user("admin"), incident_id=too_late.pk, into_id=second.pk)


def test_partners_see_only_published_incidents_and_publishing_needs_verification(user, report):
    incident, kpu = report(), user("kpu")
    assert not selectors.incidents(viewer=kpu).filter(pk=incident.pk).exists()
    with pytest.raises(workflow.IllegalTransition, match="sudah diverifikasi"):
        services.incident_publish(actor=user("kapolda"), incident_id=incident.pk)
    services.incident_transition(actor=user("admin"), incident_id=incident.pk, action="verify")
    assert not selectors.incidents(viewer=kpu).filter(pk=incident.pk).exists()  # verified is not shared
    services.incident_publish(actor=user("kapolda"), incident_id=incident.pk)
    assert selectors.incidents(viewer=kpu).filter(pk=incident.pk).exists()


def test_response_target_by_severity():
    assert workflow.response_due(NOON, 4) == NOON + timedelta(minutes=15)
    assert not workflow.is_overdue(NOON, 4, NOON + timedelta(minutes=15), NOON + timedelta(hours=5))
    assert workflow.is_overdue(NOON, 4, None, NOON + timedelta(minutes=15, seconds=1))
    assert not workflow.is_overdue(NOON, 1, None, NOON + timedelta(minutes=120))


def test_photos_checked_by_content_and_size(user, report):
    incident, admin = report(), user("admin")
    photo = services.incident_photo_add(actor=admin, incident_id=incident.pk,
                                        upload=SimpleUploadedFile("bukti.png", PNG))
    assert photo.content_type == "image/png" and photo.file.read() == PNG
    with pytest.raises(services.Rejected, match="bukan foto JPEG atau PNG"):
        services.incident_photo_add(actor=admin, incident_id=incident.pk,
                                    upload=SimpleUploadedFile("virus.png", b"MZ\x90\x00 not an image"))
    with pytest.raises(services.Rejected, match="terlalu besar"):
        services.incident_photo_add(actor=admin, incident_id=incident.pk,
                                    upload=SimpleUploadedFile("besar.jpg", b"\xff\xd8\xff" + b"0" * (5 * 2**20)))


@pytest.mark.skipif(features.module("risk", "services") is None, reason="risk app not installed")
def test_verifying_an_incident_records_it_for_the_risk_rules(user, report):
    from siaga.risk.models import RiskIncident

    incident = report(severity=4)
    services.incident_transition(actor=user("admin"), incident_id=incident.pk, action="verify")
    assert RiskIncident.objects.filter(tps=incident.tps).exists()


def test_dispatch_suggests_nearest_available_unit_and_tracks_acknowledgement(user, report):
    admin, incident = user("admin"), report()
    suggestions = selectors.dispatch_suggestions(viewer=admin, incident=incident)
    assert suggestions == sorted(suggestions, key=lambda s: s["eta_minutes"])
    nearest = suggestions[0]
    # Hand check: travel minutes = km x 1.3 road factor / 40 km/h x 60.
    assert nearest["eta_minutes"] == pytest.approx(nearest["distance_km"] * 1.3 / 40 * 60)
    dispatch = services.dispatch_create(actor=admin, incident_id=incident.pk, unit_code=nearest["code"])
    assert dispatch.ack_deadline == dispatch.dispatched_at + timedelta(minutes=services.ACK_MINUTES)
    assert nearest["code"] not in [s["code"] for s in selectors.dispatch_suggestions(viewer=admin, incident=incident)]
    with pytest.raises(workflow.IllegalTransition):
        services.dispatch_update(actor=admin, dispatch_id=dispatch.pk, step="arrive")
    services.dispatch_update(actor=admin, dispatch_id=dispatch.pk, step="ack")
    assert services.dispatch_update(actor=admin, dispatch_id=dispatch.pk, step="arrive").status == "tiba"


def test_the_summary_counts_overdue_incidents_by_the_workflow_rule(user, report):
    """The command-post summary counts overdue open incidents in the database (overdue_q); the count is the
    workflow's own rule (is_overdue) applied to each, for every severity, a minute before, at and a minute after
    its response target."""
    admin, now = user("admin"), NOON + timedelta(hours=3)
    made = []
    for severity, minutes in workflow.RESPONSE_TARGET_MINUTES.items():
        for offset in (-1, 0, 1):  # reported a minute less, exactly, a minute more than the target ago
            incident = report(severity=severity)
            Incident.objects.filter(pk=incident.pk).update(reported_at=now - timedelta(minutes=minutes + offset))
            made.append(incident.pk)
    rows = Incident.objects.filter(pk__in=made).values_list("pk", "reported_at", "severity")
    stated = {pk for pk, reported, severity in rows if workflow.is_overdue(reported, severity, None, now)}
    assert len(stated) == len(workflow.RESPONSE_TARGET_MINUTES)  # only "a minute more" is overdue
    assert set(Incident.objects.filter(selectors.overdue_q(now), pk__in=made).values_list("pk", flat=True)) == stated
    summary = selectors.summary(viewer=admin, area="74.02", now=now)
    open_rows = selectors.incidents(viewer=admin, area="74.02").filter(status__in=workflow.OPEN_STATUSES)
    assert summary["overdue_incidents"] == sum(workflow.is_overdue(r, s, None, now)
                                               for r, s in open_rows.values_list("reported_at", "severity"))
    assert summary["open_incidents"] == {str(s): open_rows.filter(severity=s).count() for s in (4, 3, 2, 1)}
