"""The recapitulation chain to the province: a box walked TPS -> PPS -> PPK -> KPU kab/kota -> KPU provinsi
with the forms of each level, and custody deadlines read from the election's stage calendar (hand-checked)."""

import json
from datetime import date, datetime, timedelta

from siaga.custody import anomalies, services
from siaga.custody.chain import verify_database
from siaga.custody.selectors import chains_by_level
from siaga.custody.models import Anomaly, Event, Item
from siaga.custody.routes import LOCAL, Calendar, end_of, forms_required, overdue_stages
from siaga.planning.demo import PEMILU_STAGES, STAGES

PEMILU = Calendar({k: (s, e) for k, s, e, *_ in PEMILU_STAGES})
PILKADA = Calendar({k: (s, e) for k, s, e, *_ in STAGES})


def test_return_deadlines_come_from_each_calendar():
    # Pemilu 2024: voting 14-15 Feb; kecamatan recap 15 Feb-2 Mar; kab/kota recap 17 Feb-5 Mar.
    assert PEMILU.return_due() == {"pps": date(2024, 2, 15), "ppk": date(2024, 2, 16), "kpu": date(2024, 3, 3),
                                   "kpuprov": date(2024, 3, 6)}
    # Pilkada 2024: voting 27-28 Nov; kecamatan recap 28 Nov-3 Dec; kab/kota recap 29 Nov-6 Dec: the return
    # to KPU kab/kota is due on 4 Dec, not on H+18 (15 Dec) as a constant would have it.
    assert PILKADA.return_due() == {"pps": date(2024, 11, 28), "ppk": date(2024, 11, 29), "kpu": date(2024, 12, 4),
                                    "kpuprov": date(2024, 12, 7)}
    assert PEMILU.outbound_due() == {"ppk": date(2024, 2, 11), "pps": date(2024, 2, 12), "tps": date(2024, 2, 13)}
    # 4 Dec 2024 00:01 WITA: items not yet back at KPU kab/kota are late in Pilkada (not in Pemilu's calendar).
    now = datetime(2024, 12, 5, 0, 1, tzinfo=LOCAL)
    assert [s for s, _k in overdue_stages(PILKADA, now)] == ["back_pps", "back_ppk", "back_kpu"]
    assert dict(overdue_stages(PILKADA, now))["back_kpu"] == ["tps", "pps", "ppk"]
    assert overdue_stages(PILKADA, end_of(date(2024, 12, 4))) == overdue_stages(PILKADA, datetime(
        2024, 12, 4, 12, tzinfo=LOCAL))  # the whole due day is still on time
    assert overdue_stages(Calendar({}), now) == []  # no calendar, no invented deadline


def test_forms_per_level():
    assert forms_required("pilkada", "tps", "pps") == [("c_hasil_kwk", "C.Hasil-KWK")]
    assert [c for c, _l in forms_required("pemilu", "ppk", "kpu")] == ["d_hasil_kec", "d_kejadian_khusus"]
    assert [c for c, _l in forms_required("pemilu", "kpu", "kpuprov")] == ["d_hasil_kab", "d_kejadian_khusus"]
    assert forms_required("pemilu", "kpu", "ppk") == []  # outbound: no result forms


def _leg(admin, boxes, origin, dest, at, cid, forms):
    h, _code = services.handover_offer(actor=admin, client_id=cid, item_codes=[b.code for b in boxes],
                                       from_node=origin, to_node=dest, at=at, receiver_name="Penerima",
                                       forms=forms)
    return services.handover_confirm(actor=admin, handover=h, signature="ttd penerima")


def test_a_box_walks_from_the_tps_to_the_kpu_provinsi_with_its_forms(user, warehouse_tps, at, client_id):
    admin = user("admin")
    tps, boxes = warehouse_tps
    box = boxes[:1]
    b = box[0]
    kpu, ppk, pps, tps_node = f"KPU-{b.kabkota_code}", f"PPK-{b.kecamatan_code}", f"PPS-{b.desa_code}", f"TPS-{tps.code}"
    province = f"KPUPROV-{b.province_code}"
    outbound = [(kpu, ppk), (ppk, pps), (pps, tps_node)]
    returned = [(tps_node, pps, {"c_hasil": "C-001"}), (pps, ppk, {"c_hasil": "C-001"}),
                (ppk, kpu, {"d_hasil_kec": "DK-17", "d_kejadian_khusus": "DKK-17"}),
                (kpu, province, {"d_hasil_kab": "DKAB-02", "d_kejadian_khusus": "DKKAB-02"})]
    when, cids = at, []
    for origin, dest in outbound:
        when += timedelta(hours=6)
        _leg(admin, box, origin, dest, when, client_id(), None)
    for origin, dest, forms in returned:
        when += timedelta(days=1)
        cids.append(client_id())
        h = _leg(admin, box, origin, dest, when, cids[-1], forms)
        event = json.loads(Event.objects.get(handover=h).canonical)
        assert event["node"] == dest and event["payload"]["forms"] == forms
    item = Item.objects.select_related("node").get(pk=b.pk)
    assert (item.node.code, item.node.kind, item.head_seq) == (province, "kpuprov", 8)  # registered + 7 legs
    assert not Anomaly.objects.filter(item=item, kind="unexpected_node").exists()  # every leg on the path
    assert not Anomaly.objects.filter(key__in=[f"forms:{c}:pemilu" for c in cids]).exists()  # forms complete
    report = verify_database()
    assert report.ok, report.to_dict()["broken"][:3]
    assert chains_by_level()["kpuprov"] >= 1  # `siaga custody verify --json` reports chains ending there


def test_a_recap_leg_without_its_forms_raises_an_anomaly(user, warehouse_tps, at, client_id):
    admin = user("admin")
    _, boxes = warehouse_tps
    b = boxes[1]
    cid = client_id()
    h, _c = services.handover_offer(actor=admin, client_id=cid, item_codes=[b.code], from_node=f"KPU-{b.kabkota_code}",
                                    to_node=f"KPUPROV-{b.province_code}", at=at, receiver_name="KPU Provinsi",
                                    forms={"d_hasil_kab": "DKAB-9"})
    anomaly = Anomaly.objects.get(kind="forms_missing", key=f"forms:{cid}:pemilu")
    assert anomaly.detail["missing"] == ["d_kejadian_khusus"]
    assert h.forms == {"d_hasil_kab": "DKAB-9"}


def test_scan_reads_the_calendar(user, warehouse_tps):
    """A box still in its KPU kab/kota warehouse on 7 Mar 2024 (Pemilu) is late for the province (due 6 Mar)."""
    anomalies.scan(now=datetime(2024, 3, 7, 0, 1, tzinfo=LOCAL))
    _, boxes = warehouse_tps
    assert Anomaly.objects.filter(kind="overdue_leg", key=f"overdue:KPU-{boxes[0].kabkota_code}:back_kpuprov").exists()


def test_recap_guard_windows_follow_each_calendar():
    """Guard posts at the recap venues are staffed through the recap windows of the operation's calendar."""
    from siaga.core import shifts
    from siaga.deployment.shifts import calendar_windows

    base = shifts.default_windows(shifts.ShiftConfig())

    def span(table, kind):
        w = table[kind][0]
        return w.name, w.start_day, w.start, w.end_day, w.end

    pemilu = calendar_windows(PEMILU.stages, date(2024, 2, 14), base)
    assert span(pemilu, "ppk_rekap") == ("recap_guard", 1, "08:00", 17, "22:00")  # 15 Feb - 2 Mar
    assert span(pemilu, "rekap_kabkota") == ("recap_guard", 3, "08:00", 20, "22:00")  # 17 Feb - 5 Mar
    assert span(pemilu, "rekap_provinsi") == ("recap_guard", 5, "08:00", 25, "22:00")  # 19 Feb - 10 Mar
    assert span(pemilu, "kantor_kpu") == ("guard", -7, "00:00", 20, "24:00")
    pilkada = calendar_windows(PILKADA.stages, date(2024, 11, 27), base)
    assert span(pilkada, "ppk_rekap") == ("recap_guard", 1, "08:00", 6, "22:00")  # 28 Nov - 3 Dec
    assert span(pilkada, "rekap_provinsi") == ("recap_guard", 3, "08:00", 12, "22:00")  # 30 Nov - 9 Dec
    assert span(pilkada, "kantor_kpu") == ("guard", -7, "00:00", 9, "24:00")  # to the end of the kab/kota recap
    assert calendar_windows({}, date(2024, 11, 27), base) == base
