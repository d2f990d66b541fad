"""Demo voting day for a province: the windows of the Pemilu operation's voting day (14 February 2024, read
from its stage calendar), the first reports of a few kecamatan,
and a handful of incidents at different workflow steps. Client ids are derived from the seed, so
re-running stores nothing new."""

import random
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from siaga.operations import services
from siaga.operations.models import Incident
from siaga.operations.selectors import voting_election
from siaga.operations.services.field import field_officer_link
from siaga.planning.selectors import stage_calendar
from siaga.regions.models import Tps

DEMO_INCIDENTS = [
    ("bentrok", 3, "Adu mulut pendukung dua paslon di depan TPS, massa sekitar 30 orang"),
    ("politik_uang", 2, "Laporan pembagian amplop kepada pemilih pagi hari"),
    ("logistik", 2, "Surat suara DPRD kab/kota kurang 20 lembar"),
    ("hoaks", 1, "Pesan berantai TPS dipindah lokasi"),
    ("intimidasi", 3, "KPPS didatangi orang tak dikenal yang meminta salinan C.Hasil"),
    ("bencana", 2, "Genangan banjir di halaman TPS, bilik dipindah ke teras sekolah"),
]


def _client_id(seed, *parts) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"siaga-demo/{seed}/" + "/".join(map(str, parts)))


def run(*, actor, province_code, seed) -> dict:
    tz = ZoneInfo("Asia/Makassar")
    voting_day = stage_calendar(election="pemilu", area_code=province_code)["pemungutan"][0]
    services.voting_day_configure(actor=actor, province_code=province_code, date=voting_day)
    rng = random.Random(seed)
    tps = list(Tps.objects.filter(province_code=province_code, election=voting_election(province_code))
               .order_by("code")[:120])
    at = lambda hh: datetime.combine(voting_day, time(0), tzinfo=tz) + timedelta(hours=hh)
    events = 0
    for t in tps:
        opened = rng.uniform(6.7, 7.6)
        for kind, hh in (("logistik", rng.uniform(5, 6.5)), ("buka", opened), ("pemungutan", opened + 0.1)):
            _, created = services.tps_event_record(actor=actor, client_id=_client_id(seed, t.code, kind),
                                                   tps_code=t.code, kind=kind, at=at(hh))
            events += created
    incidents = 0
    for i, (category, severity, text) in enumerate(DEMO_INCIDENTS):
        target = tps[rng.randrange(len(tps))]
        incident, created = services.incident_report(
            actor=actor, client_id=_client_id(seed, "incident", i), category=category, severity=severity,
            description=text, tps_code=target.code, occurred_at=at(rng.uniform(7, 12)))
        incidents += created
        if created and i % 2 == 0:
            services.incident_transition(actor=actor, incident_id=incident.pk, action="verify",
                                         now=incident.occurred_at + timedelta(minutes=8))
    return {"voting_day": voting_day.isoformat(), "events_created": events, "incidents_created": incidents,
            "incidents": Incident.objects.filter(province_code=province_code).count(),
            "field_officer": demo_field_officer(actor=actor, province_code=province_code)}


FIELD_USERNAME = "petugas"


def demo_field_officer(*, actor, province_code) -> str | None:
    """The sign-in of a PAM TPS officer of the demo roster: the first rostered person whose post in the newest
    plan of the voting day's election lies in their own Polsek's kecamatan, signed in as a field officer of that Polsek.
    A post guarding a group of TPS (three or more, the usual kurang rawan pattern) is preferred: the field form then
    shows what most officers see."""
    from siaga.accounts.demo import DEMO_PASSWORD
    from siaga.accounts.models import Agency, Role
    from siaga.accounts.services import user_upsert
    from siaga.deployment.models import Plan, PlanPersonAssignment

    plan = Plan.objects.filter(area_code=province_code, election=voting_election(province_code)).first()
    if plan is None:
        return None
    chosen = None
    for a in (PlanPersonAssignment.objects.filter(plan=plan, post__kind="tps").select_related("person__unit", "post")
              .order_by("person__nrp")):
        if a.person.unit.area_code != a.post.kecamatan_code:
            continue
        if not Agency.objects.filter(code=f"POLSEK-{a.post.kecamatan_code}").exists():
            continue
        chosen = chosen or a
        if len(a.post.tps_codes) >= 3:
            chosen = a
            break
    if chosen is None:
        return None
    person = chosen.person
    agency = Agency.objects.get(code=f"POLSEK-{chosen.post.kecamatan_code}")
    user = user_upsert(actor=actor, username=FIELD_USERNAME, password=DEMO_PASSWORD, agency=agency, role=Role.FIELD,
                       full_name=f"{person.rank} {person.name}")
    field_officer_link(actor=actor, user=user, nrp=person.nrp)
    return FIELD_USERNAME
