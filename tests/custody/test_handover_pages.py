"""Handovers from the web pages: the giver's form on the node page, the handover page, its confirmation."""

import json
import re

import pytest
from django.urls import reverse

from siaga.accounts.models import Agency, AuditLog, Role
from siaga.accounts.services import user_upsert
from siaga.custody.chain import verify_database
from siaga.custody.models import Anomaly, Event, Handover, Item

# The demo's showcase: this box was left out of its TPS's receipt and is still at its PPS.
GIVER, BOX, PPS, TPS = "ppk.kolaka", "7401011001002-presiden", "PPS-74.01.01.1001", "TPS-7401011001002"


def _form_of(response):
    """The values the node page prefills: client_id, ticked items, seals per item (neither, since issue 18)."""
    html = response.content.decode()
    client_id = re.search(r'name="client_id" value="([0-9a-f-]{36})"', html)[1]
    ticked = re.findall(r'type="checkbox" name="items" value="([^"]+)" checked', html)
    seals = dict(re.findall(r'name="seals-([^"]+)" value="([^"]*)"', html))
    return client_id, ticked, seals


def _offer(client, client_id, seals=None, **extra):
    box = Item.objects.get(code=BOX)
    data = {"client_id": client_id, "items": [BOX], "to_node": TPS, "receiver_name": "Ketua KPPS 002",
            "condition": "baik", "escort": "Bhabinkamtibmas", f"seals-{BOX}": seals or ", ".join(box.seals), **extra}
    return client.post(reverse("custody:node", args=[PPS]) + "serah-terima/", data)


def _shown_code(response):
    found = re.search(r'data-testid="handover-code">(\d{6})<', response.content.decode())
    return found[1] if found else None


@pytest.fixture
def giver(client_as):
    return client_as(GIVER)


@pytest.fixture
def receiver(client_as):
    """The KPPS chair, with an account of their own (own client: the giver's stays signed in)."""
    from django.test import Client

    user = user_upsert(actor=None, username="kpps.002", password="", role=Role.OPERATOR,
                       agency=Agency.objects.get(code="KPU-74.01"), area_code="74.01.01")
    client = Client()
    client.force_login(user)
    return client


def test_node_page_offers_the_form_with_nothing_ticked_no_seals_and_a_fresh_client_id(giver):
    first = giver.get(reverse("custody:node", args=[PPS]))
    client_id, ticked, seals = _form_of(first)
    html = first.content.decode()
    assert first.status_code == 200 and "Serah terima" in html
    # Nothing invites rubber-stamping: no item ticked, every seal field empty (the giver reads each seal).
    assert ticked == [] and BOX in seals and set(seals.values()) == {""}
    form = html[html.index('data-testid="handover-form"'):]
    for seal in Item.objects.get(code=BOX).seals:
        assert seal not in form
    assert f'<option value="{TPS}">' in html  # the next node on the box's route, chosen from a list
    assert _form_of(giver.get(reverse("custody:node", args=[PPS])))[0] != client_id


def test_receivers_are_the_people_of_the_route_and_others_are_refused(giver, receiver, client_as):
    html = giver.get(reverse("custody:node", args=[PPS])).content.decode()
    receivers = re.search(r'<select id="handover-receiver".*?</select>', html, re.S)[0]
    assert '<option value="kpps.002">' in receivers  # KPU Kolaka, area 74.01.01: the TPS's area
    for outsider in ("admin", "kpu-konawe", GIVER):  # national account, another kab/kota, the giver
        assert f'value="{outsider}"' not in receivers
    user_upsert(actor=None, username="kpu-konawe", password="", role=Role.OPERATOR,
                agency=Agency.objects.get(code="KPU-74.02"), area_code="74.02")
    client_id = _form_of(giver.get(reverse("custody:node", args=[PPS])))[0]
    refused = _offer(giver, client_id, receiver="kpu-konawe")
    assert refused.status_code == 400 and "Pilih penerima dari simpul penerima." in refused.content.decode()
    off_route = _offer(giver, client_id, to_node="KPU-74.01")
    assert off_route.status_code == 400 and "Pilih simpul penerima yang ada di rute." in off_route.content.decode()
    assert not Handover.objects.filter(client_id=client_id).exists()


def test_a_seal_left_empty_is_refused(giver):
    client_id = _form_of(giver.get(reverse("custody:node", args=[PPS])))[0]
    data = {"client_id": client_id, "items": [BOX], "to_node": TPS, "receiver_name": "Ketua KPPS 002",
            f"seals-{BOX}": ""}
    empty = giver.post(reverse("custody:handover_new", args=[PPS]), data)
    assert empty.status_code == 400 and f"nomor segel yang terlihat pada {BOX}" in empty.content.decode()
    assert not Handover.objects.filter(client_id=client_id).exists()


def test_offer_then_confirm_with_the_code_from_the_receivers_page_appends_to_the_chain(giver, receiver):
    before = Item.objects.get(code=BOX).head_seq
    client_id = _form_of(giver.get(reverse("custody:node", args=[PPS])))[0]
    response = _offer(giver, client_id, receiver="kpps.002")
    assert response.status_code == 302 and response["Location"] == reverse("custody:handover", args=[client_id])
    page = giver.get(response["Location"])
    # The giver never holds the proof of the receiver's consent: no code on the giver's page.
    assert _shown_code(page) is None and 'data-testid="confirm-code"' in page.content.decode()
    assert "menunggu konfirmasi" in page.content.decode() and BOX in page.content.decode()
    code = _shown_code(receiver.post(reverse("custody:handover_code", args=[client_id])))
    assert code is not None
    done = giver.post(reverse("custody:handover_confirm", args=[client_id]), {"code": code})
    assert done.status_code == 302
    handover = Handover.objects.get(client_id=client_id)
    assert (handover.state, handover.receiver_method, handover.received_codes) == ("complete", "code", [BOX])
    box = Item.objects.get(code=BOX)
    assert (box.head_seq, box.node.code, box.holder) == (before + 1, TPS, "Ketua KPPS 002")
    last = box.events.get(seq=box.head_seq)
    assert (last.kind, last.handover_id) == ("handover", handover.pk)
    assert "selesai" in giver.get(done["Location"]).content.decode()
    report = verify_database()
    assert report.ok and not report.broken


def test_the_named_receiver_confirms_signed_in_and_only_they_get_a_code(giver, receiver):
    client_id = _form_of(giver.get(reverse("custody:node", args=[PPS])))[0]
    _offer(giver, client_id, receiver="kpps.002")
    refused = giver.post(reverse("custody:handover_code", args=[client_id]))
    assert refused.status_code == 403 and _shown_code(refused) is None
    assert 'data-testid="confirm-device"' in receiver.get(reverse("custody:handover", args=[client_id])).content.decode()
    assert receiver.post(reverse("custody:handover_confirm", args=[client_id])).status_code == 302
    handover = Handover.objects.get(client_id=client_id)
    assert (handover.state, handover.receiver_method) == ("complete", "device")


def test_the_same_form_sent_twice_makes_one_handover(giver):
    client_id = _form_of(giver.get(reverse("custody:node", args=[PPS])))[0]
    first, second = _offer(giver, client_id), _offer(giver, client_id)
    assert first["Location"] == second["Location"] == reverse("custody:handover", args=[client_id])
    assert Handover.objects.filter(client_id=client_id).count() == 1
    assert AuditLog.objects.filter(action="custody.handover.offer", object_id=client_id).count() == 1


def test_wrong_code_is_refused_with_a_message_and_no_chain_event(giver, receiver):
    client_id = _form_of(giver.get(reverse("custody:node", args=[PPS])))[0]
    _offer(giver, client_id, receiver="kpps.002")
    code = _shown_code(receiver.post(reverse("custody:handover_code", args=[client_id])))
    events = Event.objects.filter(item__code=BOX).count()
    wrong = giver.post(reverse("custody:handover_confirm", args=[client_id]),
                       {"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 403
    assert "Kode konfirmasi salah atau sudah kedaluwarsa." in wrong.content.decode()
    assert Event.objects.filter(item__code=BOX).count() == events
    assert Handover.objects.get(client_id=client_id).state == "pending"


def test_service_refusals_show_on_the_node_page_and_write_nothing(giver):
    client_id = _form_of(giver.get(reverse("custody:node", args=[PPS])))[0]
    unknown = _offer(giver, client_id, to_node="TPS-0000000000000")
    assert unknown.status_code == 400 and "Pilih simpul penerima yang ada di rute." in unknown.content.decode()
    nameless = _offer(giver, client_id, receiver_name="")
    assert nameless.status_code == 400 and "Pilih penerima atau tulis namanya." in nameless.content.decode()
    elsewhere = _offer(giver, client_id, items=["7401011001001-presiden"])  # not at this node
    assert elsewhere.status_code == 400
    assert not Handover.objects.filter(client_id=client_id).exists()


def test_a_seal_typed_differently_is_shown_before_it_is_stored_then_recorded_with_the_anomaly(giver):
    client_id = _form_of(giver.get(reverse("custody:node", args=[PPS])))[0]
    box = Item.objects.get(code=BOX)
    shown = _offer(giver, client_id, seals="S-LAIN-01")  # a receiver without an account: they sign
    html = shown.content.decode()
    assert shown.status_code == 400 and "berbeda dari register" in html and 'data-testid="confirm-seals"' in html
    assert not any(seal in html[html.index('data-testid="handover-form"'):] for seal in box.seals)  # not revealed
    assert not Handover.objects.filter(client_id=client_id).exists()
    assert not Anomaly.objects.filter(item=box, kind="seal_changed").exists()
    stored = _offer(giver, client_id, seals="S-LAIN-01", confirm_seals="on")
    assert stored.status_code == 302
    assert Handover.objects.get(client_id=client_id).seals_seen == {BOX: ["S-LAIN-01"]}
    offered = Anomaly.objects.get(item=box, kind="seal_changed", state="open")  # recorded when offered
    assert offered.detail["seen"] == ["S-LAIN-01"] and offered.detail["expected"] == box.seals
    giver.post(reverse("custody:handover_confirm", args=[client_id]), {"signature": "Ketua KPPS 002"})
    box.refresh_from_db()
    assert json.loads(box.events.get(seq=box.head_seq).canonical)["seals"] == ["S-LAIN-01"]
    assert Anomaly.objects.filter(item=box, kind="seal_changed").count() == 1  # the receipt does not add another


def test_seals_matching_the_registry_raise_no_anomaly(giver):
    client_id = _form_of(giver.get(reverse("custody:node", args=[PPS])))[0]
    box = Item.objects.get(code=BOX)
    assert _offer(giver, client_id, seals=" ".join(reversed(box.seals))).status_code == 302  # any order, spaces
    assert not Anomaly.objects.filter(item=box, kind="seal_changed").exists()


def test_the_receiver_is_told_on_their_home_page(giver, receiver):
    from django.template import Context, Template
    from django.test import RequestFactory

    from siaga.accounts.models import User
    from siaga.custody.selectors import pending_handovers_for

    client_id = _form_of(giver.get(reverse("custody:node", args=[PPS])))[0]
    _offer(giver, client_id, receiver="kpps.002")
    kpps = User.objects.get(username="kpps.002")
    assert [h.client_id for h in pending_handovers_for(kpps)] == [client_id]
    assert not pending_handovers_for(User.objects.get(username=GIVER)).exists()
    request = RequestFactory().get("/")
    request.user = kpps
    html = Template("{% load custody_home %}{% pending_handovers %}").render(Context({"request": request}))
    assert reverse("custody:handover", args=[client_id]) in html and "menunggu konfirmasi Anda" in html
    receiver.post(reverse("custody:handover_confirm", args=[client_id]))
    assert not pending_handovers_for(kpps).exists()
    request.user = User.objects.get(username=GIVER)
    notice = Template("{% load custody_home %}{% pending_handovers %}").render(Context({"request": request}))
    assert notice.strip() == ""


def test_users_of_another_area_get_404_and_watchers_403(client_as, giver):
    client_id = _form_of(giver.get(reverse("custody:node", args=[PPS])))[0]
    _offer(giver, client_id)
    user_upsert(actor=None, username="kpu-konawe", password="", role=Role.OPERATOR,
                agency=Agency.objects.get(code="KPU-74.02"), area_code="74.02")
    other = client_as("kpu-konawe")
    assert other.get(reverse("custody:node", args=[PPS])).status_code == 404
    assert _offer(other, "5b7f3c2e-0000-4000-8000-000000000001").status_code == 404
    assert other.get(reverse("custody:handover", args=[client_id])).status_code == 404
    assert other.post(reverse("custody:handover_confirm", args=[client_id]), {"signature": "x"}).status_code == 404
    watcher = client_as("bawaslu")  # sees custody, may not change it
    assert 'data-testid="handover-form"' not in watcher.get(reverse("custody:node", args=[PPS])).content.decode()
    refused = _offer(watcher, "5b7f3c2e-0000-4000-8000-000000000002")
    assert refused.status_code == 403 and "tidak boleh mengubahnya" in refused.content.decode()
    confirm = watcher.post(reverse("custody:handover_confirm", args=[client_id]), {"signature": "x"})
    assert confirm.status_code == 403
    assert Handover.objects.get(client_id=client_id).state == "pending"
    assert not Handover.objects.filter(client_id__startswith="5b7f3c2e").exists()


def test_pages_speak_english_when_asked(giver):
    giver.cookies["django_language"] = "en"
    page = giver.get(reverse("custody:node", args=[PPS])).content.decode()
    assert "Receiving node" in page and "Simpul penerima" not in page
