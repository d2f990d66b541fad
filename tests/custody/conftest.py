import itertools
from datetime import datetime

import pytest

from siaga.custody.models import Item
from siaga.custody.routes import LOCAL

_ids = itertools.count(1)


@pytest.fixture
def at():
    return datetime(2024, 2, 6, 9, 0, tzinfo=LOCAL)


@pytest.fixture
def warehouse_tps(db):
    """The boxes of one TPS still in the KPU Konawe (74.02) warehouse: (tps code, [items])."""
    item = Item.objects.filter(kabkota_code="74.02", kind="box", head_seq=1).select_related("tps").order_by("code").first()
    boxes = list(Item.objects.filter(tps=item.tps, kind="box").order_by("code"))
    return item.tps, boxes


@pytest.fixture
def client_id():
    return lambda: f"t-{next(_ids)}"
