"""The field officer's own posts and TPS, as the report form offers them (reads only, scoped by the viewer).

A field sign-in is tied to one roster entry (FieldOfficer -> deployment Personnel); their posts are that
person's posts in the newest deployment plan covering their area. Only TPS the viewer may report for are
offered, so the form's list is also the list the phone checks typed codes against while offline.
"""

from django.http import Http404

from siaga.deployment.models import PlanPost
from siaga.deployment.selectors import plan_latest
from siaga.operations.models import FieldOfficer
from siaga.operations.selectors import voting_election
from siaga.regions.models import Region, Tps
from siaga.regions.selectors import tps_by_codes, tps_get_by_code


def tps_label(tps: Tps, names: dict | None = None) -> str:
    """How the form names a TPS so the officer can confirm it: 'TPS 001 · Desa, Kecamatan'."""
    names = names if names is not None else _region_names([tps])
    desa, kec = names.get(tps.desa_id, tps.desa_id), names.get(tps.kecamatan_code, tps.kecamatan_code)
    return f"{tps.name} · {desa}, {kec}"


def _region_names(tps_list, extra=()) -> dict:
    codes = {t.desa_id for t in tps_list} | {t.kecamatan_code for t in tps_list} | set(extra)
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def field_tps(*, viewer, code) -> Tps | None:
    """The TPS of a typed code when the viewer may report for it, else None (unknown or another area's)."""
    try:
        return tps_get_by_code(viewer=viewer, code=code, election=voting_election(str(code)))
    except Http404:  # unknown, or outside the viewer's area: the caller words the refusal
        return None


def field_posts(*, viewer) -> list[dict]:
    """[{"key", "label", "tps": [{"code", "label"}]}] of the viewer's posts in the newest plan, in post order."""
    officer = FieldOfficer.objects.filter(user=viewer).first()
    election = voting_election(officer.person.unit.area_code) if officer else None
    plan = plan_latest(viewer=viewer, election=election) if officer else None
    if plan is None:
        return []
    posts = list(PlanPost.objects.filter(plan=plan, people__person_id=officer.person_id).order_by("key").distinct())
    found = tps_by_codes(viewer=viewer, codes=[c for p in posts for c in p.tps_codes], election=election)
    names = _region_names(found.values(), [p.desa_code for p in posts])
    out = []
    for post in posts:
        tps = [found[c] for c in post.tps_codes if c in found]
        if not tps:
            continue
        first = names.get(post.desa_code) or names.get(tps[0].desa_id, tps[0].desa_id)
        out.append({"key": post.key, "label": f"Pos {first} ({len(tps)} TPS)",
                    "tps": [{"code": t.code, "label": tps_label(t, names)} for t in sorted(tps, key=lambda t: t.code)]})
    return out
