"""The access-control matrix: every page and API endpoint, for every demo role, in and out of area.

The expected outcomes are the table in tests/web/access_matrix.py. The suite walks the real URLconf and
the OpenAPI schema, so a page or endpoint added without a row in that table fails `test_every_*_has_a_row`.
Writes run inside a savepoint per role: a refused write must leave the database exactly as it was
(row counts of the app's tables and of the audit trail), and nothing of an allowed one survives the test.
"""

import json
import re
import uuid

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse

from siaga.accounts.scope import area_contains
from tests.web import access_matrix as matrix

LOGIN_PATH = "/masuk/"
ADMIN_LOGIN_PATH = "/admin/login/"
NINJA_OPERATION = "ninja.operation"
OUTSIDE_INCIDENT = uuid.UUID("ac1ac1ac-0000-4000-8000-000000007402")


# --- what exists -------------------------------------------------------------------------------------

def url_names():
    """Every named page URL under the root URLconf as 'namespace:name', plus its view's module."""
    found = {}

    def walk(resolver, namespace):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, entry.namespace or namespace)
            else:
                name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
                found.setdefault(name, entry.callback.__module__)

    walk(get_resolver(), None)
    return found


def page_names():
    """Named pages that the PAGES table must cover: not the admin site, not API operations (see API)."""
    return sorted(name for name, module in url_names().items()
                  if not name.startswith("admin:") and module != NINJA_OPERATION)


def api_operations():
    from siaga.config.api import api

    paths = api.get_openapi_schema()["paths"]
    return sorted(f"{method.upper()} {path}" for path, ops in paths.items() for method in ops)


def admin_urls():
    """Every admin page that can be requested as is: the site's own and each model's list and add."""
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model in admin.site._registry:
        meta = model._meta
        urls += [reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"),
                 reverse(f"admin:{meta.app_label}_{meta.model_name}_add")]
    return urls


# --- the users --------------------------------------------------------------------------------------

@pytest.fixture
def users(db, user):
    """Each column's user; the Polsek field officer is made here, as the demo has none."""
    from siaga.accounts.models import Agency, Role
    from siaga.accounts.services import user_upsert

    user_upsert(actor=None, username=matrix.USERS["polsek"], password="", role=Role.FIELD,
                agency=Agency.objects.get(code=matrix.POLSEK_AGENCY))
    return {role: user(name) if name else None for role, name in matrix.USERS.items()}


# --- the objects a URL names ------------------------------------------------------------------------

def _first(queryset, field="pk"):
    value = queryset.order_by("pk").values_list(field, flat=True).first()
    assert value is not None, f"the demo has no object for {queryset.model.__name__} {queryset.query.where}"
    return value


def _draft_version(province):
    """A draft version of the province's operation (kept until the test's rollback)."""
    from siaga.accounts.models import User
    from siaga.planning.approval import version_draft
    from siaga.planning.models import Operation

    operation = Operation.objects.filter(area_code=province).order_by("pk").first()
    return version_draft(actor=User.objects.get(username="intelkam"), operation=operation).pk


def _incident_outside():
    """The demo's incidents are all in Kolaka: report one in 74.02 (kept until the test's rollback)."""
    from siaga.accounts.models import User
    from siaga.operations.services import incident_report
    from siaga.regions.models import Tps

    tps = Tps.objects.filter(kabkota_code=matrix.KABKOTA_OUT).order_by("code").first()
    incident, _created = incident_report(actor=User.objects.get(username="admin"), client_id=str(OUTSIDE_INCIDENT),
                                         category="bentrok", severity=2, description="uji akses", tps_code=tps.code)
    return incident.pk


def _intelkam_only(kec_in, kab_in):
    """An Intelkam-only finding (no other source observed the indicator there) in the Polsek's area, else Kolaka's."""
    from django.db.models import Exists, OuterRef

    from siaga.risk.models import Observation

    public = Observation.objects.filter(tps_id=OuterRef("tps_id"), indicator_id=OuterRef("indicator_id"),
                                        value__gt=0).exclude(source="intelkam")
    found = Observation.objects.filter(source="intelkam", value__gt=0).filter(~Exists(public)).order_by("tps__code")
    obs = found.filter(tps__kecamatan_code=kec_in).first() or found.filter(tps__kabkota_code=kab_in).first()
    assert obs is not None, "the demo has no Intelkam-only finding in Kolaka"
    return obs


def _event_photo(kec_in):
    """A field report with a photo at a TPS of the Polsek's kecamatan (the demo sends none): its event id."""
    import base64

    from siaga.cli import cli_actor
    from siaga.operations.services import tps_event_record
    from siaga.regions.models import Tps

    tps = Tps.objects.filter(kecamatan_code=kec_in).order_by("code").first()
    photo = base64.b64encode(b"\xff\xd8\xff\xe0" + b"\x00" * 64).decode()
    event, _ = tps_event_record(actor=cli_actor(), client_id=uuid.uuid5(uuid.NAMESPACE_URL, "acl-event-photo"),
                                tps_code=tps.code, kind="logistik", photo=photo, gps=(-4.0, 121.6, 10))
    return event.pk


def _route_next(item_code):
    from siaga.custody.forms import next_nodes
    from siaga.custody.models import Item

    item = Item.objects.select_related("node", "tps").get(code=item_code)
    return next_nodes(item.node, [item])[0].code


def _upload(name, body, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return lambda: SimpleUploadedFile(name, body, content_type=content_type)


def _polres_job():
    """A finished import of the Polres Kolaka operator: its owner and the province's administrator see it."""
    from siaga.accounts.models import User
    from siaga.jobs.models import Job

    owner = User.objects.get(username=matrix.USERS["polres"])
    return Job.objects.get_or_create(owner=owner, kind="risk.observations", defaults={
        "area_code": owner.area_code, "state": "done", "result": {"created": 1}, "filename": "observasi.csv"})[0]


def _odk_key():
    """A device key of the Polres Kolaka operator (kept until the test's rollback): the key is the credential."""
    from siaga.accounts.models import User
    from siaga.fieldapps.services import device_add

    owner = User.objects.get(username=matrix.USERS["polres"])
    return device_add(actor=owner, user=owner, name=f"uji-akses-{uuid.uuid4().hex[:8]}")[1]


def _symbols():
    """Placeholder -> value: real demo objects inside (74.01, or 74.01.04) and outside (74.02, 74.03...) the areas."""
    from siaga.coordination.models import ActionItem, IntelReport, Meeting, Referral
    from siaga.custody.models import Anomaly, Handover, Item, Mission, Node
    from siaga.deployment.models import Plan, Unit
    from siaga.gakkumdu.models import GakkumduCase
    from siaga.intel.models import Case as IntelCase, Product
    from siaga.operations.models import Incident
    from siaga.planning.models import Contingency, ContingencyStep, Operation, Stage, Threat
    from siaga.regions.models import Tps
    from siaga.risk.models import Indicator

    province, kec_in, kab_in, kab_out = matrix.PROVINCE, matrix.KECAMATAN_IN, matrix.KABKOTA_IN, matrix.KABKOTA_OUT
    outside_kolaka = {"area_code__startswith": kab_in}
    return {
        "tps.in": lambda: _first(Tps.objects.filter(kecamatan_code=kec_in)),
        "tps.out": lambda: _first(Tps.objects.filter(kabkota_code=kab_out)),
        "tps_code.in": lambda: _first(Tps.objects.filter(kecamatan_code=kec_in), "code"),
        "tps_code.out": lambda: _first(Tps.objects.filter(kabkota_code=kab_out), "code"),
        "indicator": lambda: _first(Indicator.objects.filter(catalogue__active=True), "code"),
        "tps_code.intel": lambda: _intelkam_only(kec_in, kab_in).tps.code,
        "finding.intel": lambda: _intelkam_only(kec_in, kab_in).indicator.code,
        "tps_code.ppk": lambda: _first(Tps.objects.filter(
            kecamatan_code=matrix.USERS_AREA["ppk"], election=Indicator.objects.filter(catalogue__active=True)
            .order_by("pk").first().catalogue.election), "code"),
        "posts.province": lambda: f'"posts": {Plan.objects.filter(area_code=province).first().summary["posts"]},',
        "indicator.pk": lambda: _first(Indicator.objects.filter(catalogue__active=True)),
        "job.polres": lambda: _polres_job().pk,
        "file.observations": _upload("observasi.csv", b"tps,indikator,nilai\n", "text/csv"),
        "file.roster": _upload("personel.csv", b"nrp,nama\n", "text/csv"),
        "file.photo": _upload("foto.jpg", b"\xff\xd8\xff\xe0 not really a photo", "image/jpeg"),
        "plan.province": lambda: _first(Plan.objects.filter(area_code=province).order_by("-pk")),
        "unit.in": lambda: _first(Unit.objects.filter(area_code=kec_in, kind="polsek"), "code"),
        "unit.out": lambda: _first(Unit.objects.filter(area_code__startswith=kab_out + ".", kind="polsek"), "code"),
        "operation.province": lambda: _first(Operation.objects.filter(area_code=province)),
        "stage.province": lambda: _first(Stage.objects.filter(operation__area_code=province)),
        "version.province": lambda: _draft_version(province),
        "threat.province": lambda: _first(Threat.objects.filter(area_code=province)),
        "threat.out": lambda: _first(Threat.objects.exclude(area_code=province).exclude(**outside_kolaka)),
        "contingency.out": lambda: _first(Contingency.objects.exclude(threat__area_code=province)
                                          .exclude(threat__area_code__startswith=kab_in)),
        "step.out": lambda: _first(ContingencyStep.objects.exclude(contingency__threat__area_code=province)
                                   .exclude(contingency__threat__area_code__startswith=kab_in)),
        "meeting.province": lambda: _first(Meeting.objects.filter(area_code=province)),
        "action_item.province": lambda: _first(ActionItem.objects.filter(meeting__area_code=province)),
        "report.province": lambda: _first(IntelReport.objects.filter(area_code=province, classification="biasa")),
        "report.shared": lambda: _first(IntelReport.objects.filter(
            classification="terbatas", shared_agencies__code=matrix.KPU_AGENCY)),
        "report.secret": lambda: _first(IntelReport.objects.filter(classification="rahasia",
                                                                   shared_agencies=None)),
        "report.secret-shared": lambda: _first(IntelReport.objects.filter(
            classification="rahasia", shared_agencies__code=matrix.KPU_AGENCY)),
        "referral.province": lambda: _first(Referral.objects.filter(area_code=province)),
        "referral.out": lambda: _first(Referral.objects.exclude(area_code=province).exclude(**outside_kolaka)),
        "incident.in": lambda: _first(Incident.objects.filter(kabkota_code=kab_in)),
        "eventphoto.in": lambda: _event_photo(kec_in),
        "incident.out": _incident_outside,
        "item.in": lambda: _first(Item.objects.filter(kabkota_code=kab_in), "code"),
        "item.out": lambda: _first(Item.objects.filter(kabkota_code=kab_out), "code"),
        # What the handover form needs: the next node on the item's route and the seals the giver reads off it.
        "node.next.in": lambda: _route_next(_first(Item.objects.filter(kabkota_code=kab_in), "code")),
        "node.next.out": lambda: _route_next(_first(Item.objects.filter(kabkota_code=kab_out), "code")),
        "seals.in": lambda: " ".join(Item.objects.get(code=_first(Item.objects.filter(kabkota_code=kab_in),
                                                                  "code")).seals),
        "seals.out": lambda: " ".join(Item.objects.get(code=_first(Item.objects.filter(kabkota_code=kab_out),
                                                                   "code")).seals),
        "node.in": lambda: _first(Node.objects.filter(area_code=kec_in), "code"),
        "node.out": lambda: _first(Node.objects.filter(area_code__startswith=kab_out, kind="ppk"), "code"),
        "anomaly.in": lambda: _first(Anomaly.objects.filter(area_code__startswith=kab_in)),
        "mission.out": lambda: _first(Mission.objects.exclude(**outside_kolaka), "code"),
        "product.secret-in": lambda: _first(Product.objects.filter(kind="li", classification="rahasia",
                                                                   area_code__startswith=kab_in)),
        "product.secret-out": lambda: _first(Product.objects.filter(kind="li", classification="rahasia")
                                             .exclude(area_code__startswith=kab_in)),
        "product.terbatas-out": lambda: _first(Product.objects.filter(kind="li", classification="terbatas")
                                               .exclude(area_code__startswith=kab_in)),
        "intelcase.out": lambda: _first(IntelCase.objects.exclude(area_code__startswith=kab_in)),
        "gakkumdu.in": lambda: _first(GakkumduCase.objects.filter(area_code__startswith=kab_in)),
        "gakkumdu.out": lambda: _first(GakkumduCase.objects.exclude(area_code__startswith=kab_in)
                                       .exclude(step__in=("selesai", "dihentikan"))),
        "odk.key": _odk_key,
        "handover.in": lambda: _first(Handover.objects.filter(to_node__area_code=kec_in), "client_id"),
        "handover.pending": lambda: _first(Handover.objects.filter(state="pending",
                                                                   to_node__area_code__startswith=kab_in),
                                           "client_id"),
    }


PLACEHOLDER = re.compile(r"<([\w.-]+)>")


def resolve(value, symbols):
    """Replace every <name> in a string (or the strings inside a dict/list) by its demo object."""
    if isinstance(value, str):
        whole = PLACEHOLDER.fullmatch(value)
        if whole:
            return symbols[whole[1]]()
        return PLACEHOLDER.sub(lambda m: str(symbols[m[1]]()), value)
    if isinstance(value, dict):
        return {resolve(k, symbols): resolve(v, symbols) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, symbols) for v in value]
    return value


# --- one request and its outcome --------------------------------------------------------------------

def mentions_outside(response):
    """Whether a text answer names anything of the outside kab/kota (its dotted or its TPS codes)."""
    if response.streaming or not response.get("Content-Type", "").startswith(("text/", "application/json",
                                                                                "application/geo+json")):
        return False
    out = matrix.KABKOTA_OUT
    text = response.content.decode().replace(f'value="{out}"', "").replace(f"wilayah={out}", "")  # the echoed ask
    text = re.sub(r"TPS \d{13} tidak ditemukan di wilayah Anda", "", text)  # a refusal repeating the asked code
    return matrix.KABKOTA_OUT + "." in text or f'"{matrix.KABKOTA_OUT}"' in text or \
        re.search(r"\b" + matrix.KABKOTA_OUT.replace(".", "") + r"\d{9}\b", text) is not None


def outcome(response, outside_must_not_show=False, secret=None, hidden=False):
    """The table's word for a response: the status, or 'login'/'admin-login' for a sign-in redirect.

    A 200 to a user outside 74.02 who asked for 74.02 is 'LEAK' when its body names anything there; on a
    need-to-know row a 200 is 'LEAK' when it shows the secret to a role it is hidden from, 'HIDDEN' when it
    keeps it from a role that should read it."""
    if response.status_code == 200 and outside_must_not_show and mentions_outside(response):
        return "LEAK"
    if response.status_code == 200 and secret is not None:
        shown = re.sub(r"\s", "", secret) in re.sub(r"\s", "", response.content.decode())
        if shown and hidden:
            return "LEAK"
        if not shown and not hidden:
            return "HIDDEN"
    if response.status_code == 302:
        target = response["Location"]
        if target.startswith(LOGIN_PATH):
            return "login"
        if target.startswith(ADMIN_LOGIN_PATH):
            return "admin-login"
    return str(response.status_code)


def footprint(labels):
    """Rows of the apps a write may touch, and the audit trail: equal before and after a refused write."""
    counted = [m for label in labels for m in apps.get_app_config(label).get_models()]
    return {m._meta.label: m.objects.count() for m in counted + [apps.get_model("accounts", "AuditLog")]}


def send(client, case, path, query, symbols):
    """One request; uploads are made afresh for each, as a request consumes its file."""
    method = case["method"]
    if method == "GET":
        response = client.get(path, query)
    elif "json" in case:
        response = client.generic(method, path + _querystring(query), data=json.dumps(case["json"]),
                                  content_type="application/json")
    else:
        response = getattr(client, method.lower())(path + _querystring(query), resolve(case.get("data", {}),
                                                                                      symbols))
    if response.streaming:
        # Read through the test client's wrapper, which closes the response without closing the test's
        # database connection.
        b"".join(response.streaming_content)
    return response


def _querystring(query):
    from urllib.parse import urlencode

    return "?" + urlencode(query) if query else ""


def run_row(key, client, users, symbols, roles=matrix.ROLES):
    """Request one row's case as each role; returns {role: outcome} and the writes that changed data."""
    case = dict(matrix.CASES[key])
    path = resolve(case["path"], symbols) if "path" in case else reverse(
        case["name"], kwargs=resolve(case.get("kwargs", {}), symbols))
    query = resolve(case.get("query", {}), symbols)
    if "json" in case:
        case["json"] = resolve(case["json"], symbols)
    secret = resolve(case["secret"], symbols) if "secret" in case else None
    observed, changed = {}, []
    for role in roles:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        with transaction.atomic():
            before = footprint(case["touches"]) if case["method"] != "GET" else None
            response = send(client, case, path, query, symbols)
            if before is not None and footprint(case["touches"]) != before:
                changed.append(role)
            transaction.set_rollback(True)
        blind = users[role] is not None and not area_contains(users[role].area_code, matrix.KABKOTA_OUT)
        observed[role] = outcome(response, outside_must_not_show=key.endswith("@out") and blind, secret=secret,
                                 hidden=role in case.get("hidden_from", ()))
    return observed, changed


# --- the tests ---------------------------------------------------------------------------------------

def test_every_page_has_a_row():
    covered = {case["name"] for case in matrix.CASES.values() if "name" in case}
    missing = sorted(set(page_names()) - covered)
    assert not missing, f"pages without a row in tests/web/access_matrix.py: {missing}"
    stale = sorted(covered - set(page_names()))
    assert not stale, f"rows for pages that no longer exist: {stale}"


def test_every_api_operation_has_a_row():
    covered = {f"{case['method']} /api{case['path_template']}" for case in matrix.CASES.values()
               if "path_template" in case}
    missing = sorted(set(api_operations()) - covered)
    assert not missing, f"API operations without a row in tests/web/access_matrix.py: {missing}"
    stale = sorted(covered - set(api_operations()))
    assert not stale, f"rows for API operations that no longer exist: {stale}"


def test_table_and_cases_match():
    assert set(matrix.EXPECTED) == set(matrix.CASES)
    for key, row in matrix.EXPECTED.items():
        assert set(row) == set(matrix.ROLES), key


@pytest.mark.parametrize("key", sorted(matrix.CASES))
def test_access(key, client, users):
    observed, changed = run_row(key, client, users, _symbols())
    expected = matrix.EXPECTED.get(key)
    assert expected is not None, f"no row for {key}; observed:\n{matrix.format_row(key, observed, changed)}"
    wanted = {role: cell.rstrip("*") for role, cell in expected.items()}
    writes = sorted(role for role, cell in expected.items() if cell.endswith("*"))
    assert (observed, sorted(changed)) == (wanted, writes if matrix.CASES[key]["method"] != "GET" else []), (
        f"{key}\n  observed: {matrix.format_row(key, observed, changed)}"
        f"\n  expected: {matrix.format_row(key, wanted, writes)}")


def test_admin_site_is_for_staff_only(client, users):
    """Every admin list and add page: the admin sign-in for everyone but staff; staff are then held to
    Django's model permissions (the demo administrator holds none: 403), the index is theirs."""
    for url in admin_urls():
        for role in matrix.ROLES:
            client.logout()
            if users[role] is not None:
                client.force_login(users[role])
            got = outcome(client.get(url))
            wanted = matrix.ADMIN_SITE[role]
            if url == reverse("admin:index") or url == reverse("admin:password_change"):
                wanted = "200" if wanted == "staff" else wanted
            assert got == wanted or (wanted == "staff" and got in ("200", "403")), (url, role, got)
