import uuid

import pytest

from siaga.regions.models import Tps


@pytest.fixture
def polsek_user(db):
    """A Polsek operator of kecamatan 74.01.04, created the way an administrator would."""
    from siaga.accounts.models import Agency, Role
    from siaga.accounts.services import user_upsert
    from siaga.cli import cli_actor

    return user_upsert(actor=cli_actor(), username="polsek.7401-04", password="siaga-demo-2024",
                       agency=Agency.objects.get(code="POLSEK-74.01.04"), role=Role.OPERATOR)


@pytest.fixture
def fresh_tps(db):
    """TPS with no voting-day events yet (the demo reports only on the first TPS of the province)."""
    from siaga.operations.models import TpsStatus

    def pick(n=1, area="74.10"):
        rows = Tps.objects.filter(election="pemilu", kabkota_code=area).exclude(pk__in=TpsStatus.objects.values("pk")).order_by("code")
        return list(rows[:n])

    return pick


@pytest.fixture
def cid():
    return lambda: uuid.uuid4()
