"""Two phones at once, and one instance sent by two requests at once, over the OpenRosa endpoint with
PostgreSQL: separate connections, committed rows (cleaned up afterwards)."""

import threading

import pytest
from django.db import connection, connections

from .conftest import Collect, instance


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="threads need separate connections to a server database (SQLite serialises writers)")
def test_two_devices_at_once_and_one_instance_twice_at_once_store_each_record_once(db):
    from django.utils import timezone

    from siaga.accounts.models import User
    from siaga.cli import cli_actor
    from siaga.fieldapps.models import Device, Submission
    from siaga.fieldapps.services import device_add
    from siaga.operations import tally
    from siaga.operations.models import TpsEvent, TpsStatus
    from siaga.regions.models import Tps

    def in_thread(work):
        out = []

        def run():
            try:
                out.append(work())
            finally:
                connections.close_all()
        t = threading.Thread(target=run)
        t.start()
        t.join()
        return out[0] if out else None

    admin = User.objects.get(username="admin")
    tps = list(Tps.objects.filter(election="pemilu", kabkota_code="74.72")
               .exclude(pk__in=TpsStatus.objects.values("pk")).order_by("code")[:2])
    keys = in_thread(lambda: [device_add(actor=cli_actor(), user=User.objects.get(username="admin"),
                                         name=f"HP serentak {n}")[1] for n in (1, 2)])
    now = timezone.now().isoformat()
    shared_xml, shared_id = instance("siaga_checkin", f"<start>{now}</start><tps>{tps[0].code}</tps><tahap>buka</tahap>")
    own_xml, own_id = instance("siaga_checkin", f"<start>{now}</start><tps>{tps[1].code}</tps><tahap>buka</tahap>")
    # phone 1 sends the shared instance twice at once (a retry racing the first send); phone 2 its own
    plan = [(keys[0], shared_xml), (keys[0], shared_xml), (keys[1], own_xml), (keys[1], shared_xml)]
    barrier, codes = threading.Barrier(len(plan)), []

    def send(key, xml):
        phone = Collect(admin.username, key)
        phone.request("HEAD", "submission")  # the challenge first, as Collect does
        barrier.wait()
        try:
            codes.append(phone.submit(xml).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=item) for item in plan]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(codes) == [201, 201, 202, 202]
        ids = [shared_id.removeprefix("uuid:"), own_id.removeprefix("uuid:")]
        assert TpsEvent.objects.filter(client_id__in=ids).count() == 2
        assert Submission.objects.filter(instance_id__in=[shared_id, own_id]).count() == 2
    finally:
        def cleanup():
            Submission.objects.filter(instance_id__in=[shared_id, own_id]).delete()
            TpsEvent.objects.filter(client_id__in=[shared_id.removeprefix("uuid:"),
                                                   own_id.removeprefix("uuid:")]).delete()
            for row in TpsStatus.objects.filter(pk__in=[t.pk for t in tps]):
                tally.apply({row.kecamatan_code: tally.delta(tally.contribution(row), {})})
                row.delete()
            Device.objects.filter(name__startswith="HP serentak").delete()
        in_thread(cleanup)
