"""Who may open what: the expected outcome of every page and API endpoint for every demo role.

Read a row as: this request, made by each of these users, gives this result.

Columns (users):
  admin     administrator of Polda Sultra (is_staff)         area 74
  intelkam  analyst, Dit Intelkam Polda                       area 74
  kapolda   commander, Polda                                  area 74
  polres    operator, Polres Kolaka                           area 74.01
  polsek    field officer, Polsek 74.01.04 (made by the test) area 74.01.04
  ppk       KPU operator at PPK level (demo `ppk.kolaka`)     area 74.01.01
  kpu       partner, KPU Provinsi                             area 74
  bawaslu   partner, Bawaslu Provinsi                         area 74
  anon      not signed in

Cells:
  200, 201, 204   served                         login        redirected to the sign-in page
  400, 409, 422   refused as malformed/conflict   admin-login  redirected to the admin sign-in
  401             API: not signed in              302          other redirect (forms answer with a message)
  403             access denied                   405          method not allowed
  404             not found / outside the area (the object's existence is not revealed)
  On a row with a `secret`, a 200 to a role in its `hidden_from` must not contain the secret ('LEAK'), and a
  200 to any other role must ('HIDDEN'): need-to-know rows (Intelkam findings, a Polres' part of a plan).
  On an `@out` row a 200 to a user whose area lies outside 74.02 is checked further: its body must not name
  anything in 74.02 (a filter that silently narrows to the user's area is fine; showing the data is 'LEAK').
  A trailing * on a write: the write took effect (inside a savepoint, rolled back). A write cell without *
  must leave every table of the app and the audit trail unchanged: a refusal really refuses.

Row keys: `<url name>[@variant]` for pages, `<METHOD> <api path>[@variant]` for the API. Variants name the
object or area asked for: `in` = inside 74.01 (the Polres) and, where it can, inside 74.01.04 (the Polsek);
`out` = inside 74.02 (outside Kolaka: outside the Polres, Polsek and PPK); `province` = a province-wide
object (area 74).
Placeholders `<name>` in a case are real demo objects, looked up by tests/web/test_access_matrix.py.
"""

ROLES = ("admin", "intelkam", "kapolda", "polres", "polsek", "ppk", "kpu", "bawaslu", "anon")
USERS = {"admin": "admin", "intelkam": "intelkam", "kapolda": "kapolda", "polres": "polres.kolaka",
         "polsek": "polsek.acl.test", "ppk": "ppk.kolaka", "kpu": "kpu", "bawaslu": "bawaslu", "anon": None}
USERS_AREA = {"ppk": "74.01.01"}
POLSEK_AGENCY = "POLSEK-74.01.04"
KPU_AGENCY = "KPU-74"
PROVINCE, KABKOTA_IN, KECAMATAN_IN, KABKOTA_OUT, KECAMATAN_OUT = "74", "74.01", "74.01.04", "74.02", "74.02.01"
REVOTE = {"kind": "psu", "reason": "kotak_dibuka", "new_date": "2024-02-20", "recommendation_number": "01/2024",
          "recommendation_date": "2024-02-16", "decision_number": "45/2024", "decision_date": "2024-02-17",
          "election": "pemilu"}

# The admin site: staff only, whatever the page (checked on the index and every model's list and add);
# "staff": the index answers 200, a model's pages 200 or 403 by Django's model permissions.
ADMIN_SITE = {"admin": "staff", **{role: "admin-login" for role in ROLES if role != "admin"}}


def page(name, method="GET", touches=(), **request):
    return {"name": name, "method": method, "touches": list(touches), **request}


PARTNER_ROLES = ("ppk", "kpu", "bawaslu")  # users of KPU and Bawaslu: no Intelkam findings
BELOW_PROVINCE = ("polres", "polsek", "ppk")  # users whose area is part of the province


def api(method, template, touches=(), path=None, **request):
    return {"path_template": template, "method": method, "touches": list(touches),
            "path": "/api" + (path or template), **request}


IN, OUT = KECAMATAN_IN, KECAMATAN_OUT
SINCE = "2020-01-01T00:00:00Z"
OBSERVATION = {"indicator": "<indicator>", "value": 1, "source": "polri", "observed_on": "2024-01-10",
               "note": "uji akses"}
INCIDENT = {"client_id": "ac1ac1ac-0000-4000-8000-000000000001", "category": "bentrok", "severity": 2,
            "description": "uji akses"}
RISK_INCIDENT = {"at": "2024-02-14T09:00:00+08:00", "severity": 2, "kind": "bentrok", "description": "uji akses"}
REPORT = {"title": "Uji akses", "text": "Laporan uji akses.", "source_reliability": "B", "credibility": 2,
          "classification": "terbatas", "shared_agencies": [KPU_AGENCY], "shared_roles": []}
HANDOVER = {"client_id": "acl-handover-1", "client_seq": 1, "device": "uji", "at": "2024-02-14T08:00:00+08:00",
            "receiver_name": "Penerima uji", "seals_seen": {}, "condition": "baik", "escort": "", "signature": ""}
LI = {"title": "Uji akses", "day": "2024-11-25", "classification": "terbatas", "source": "Uji",
      "source_reliability": "B", "credibility": "2", "facts": "Fakta uji akses."}
GAKKUMDU = {"election": "pilkada", "origin": "laporan", "title": "Uji akses", "known_on": "2024-11-20",
            "reported_on": "2024-11-21"}
CASES = {
    # --- foundation: sign-in, regions, TPS ---
    "home": page("home"),
    "login": page("login"),
    "logout": page("logout", "POST"),
    "set_language": page("set_language", "POST", data={"language": "en", "next": "/"}),
    "region_index": page("region_index"),
    "region_detail@province": page("region_detail", kwargs={"code": PROVINCE}),
    "region_detail@in": page("region_detail", kwargs={"code": IN}),
    "region_detail@kabkota-in": page("region_detail", kwargs={"code": KABKOTA_IN}),
    "region_detail@out": page("region_detail", kwargs={"code": KABKOTA_OUT}),
    "tps_map": page("tps_map"),
    "tps_map@out": page("tps_map", query={"wilayah": KABKOTA_OUT}),
    "tps_index": page("tps_index"),
    "tps_index@out": page("tps_index", query={"wilayah": KABKOTA_OUT}),
    "tps_index@search": page("tps_index", query={"q": "001"}),
    "tps_detail@in": page("tps_detail", kwargs={"pk": "<tps.in>"}),
    "tps_detail@out": page("tps_detail", kwargs={"pk": "<tps.out>"}),
    "api:openapi-json": page("api:openapi-json"),
    "api:openapi-view": page("api:openapi-view"),
    "api:api-root": page("api:api-root"),
    "GET /api/regions": api("GET", "/regions"),
    "GET /api/regions/{code}@in": api("GET", "/regions/{code}", path=f"/regions/{IN}"),
    "GET /api/regions/{code}@out": api("GET", "/regions/{code}", path=f"/regions/{KABKOTA_OUT}"),
    "GET /api/regions/{code}/children@in": api("GET", "/regions/{code}/children", path=f"/regions/{IN}/children"),
    "GET /api/regions/{code}/children@out": api("GET", "/regions/{code}/children",
                                                path=f"/regions/{KABKOTA_OUT}/children"),
    "GET /api/regions/{code}/boundaries@in": api("GET", "/regions/{code}/boundaries",
                                                 path=f"/regions/{IN}/boundaries"),
    "GET /api/regions/{code}/boundaries@out": api("GET", "/regions/{code}/boundaries",
                                                  path=f"/regions/{OUT}/boundaries"),
    "GET /api/region-outlines/{level}": api("GET", "/region-outlines/{level}", path="/region-outlines/2"),
    "GET /api/region-outlines/{level}@in": api("GET", "/region-outlines/{level}", path="/region-outlines/3",
                                               query={"area": IN}),
    "GET /api/region-outlines/{level}@out": api("GET", "/region-outlines/{level}", path="/region-outlines/3",
                                                query={"area": OUT}),
    "GET /api/tps": api("GET", "/tps"),
    "GET /api/tps@out": api("GET", "/tps", query={"area": KABKOTA_OUT}),
    "GET /api/tps/points@in": api("GET", "/tps/points", query={"area": IN}),
    "GET /api/tps/points@out": api("GET", "/tps/points", query={"area": OUT}),
    "GET /api/tps/{code}@in": api("GET", "/tps/{code}", path="/tps/<tps_code.in>"),
    "GET /api/tps/{code}@out": api("GET", "/tps/{code}", path="/tps/<tps_code.out>"),

    # --- background jobs (imports from the web): the owner's own, and an administrator's of the area ---
    "jobs:list": page("jobs:list"),
    "jobs:detail@polres": page("jobs:detail", kwargs={"pk": "<job.polres>"}),
    "GET /api/jobs/": api("GET", "/jobs/"),
    "GET /api/jobs/{job_id}@polres": api("GET", "/jobs/{job_id}", path="/jobs/<job.polres>"),

    # --- risk ---
    "risk:map": page("risk:map"),
    "risk:map@out": page("risk:map", query={"wilayah": KABKOTA_OUT}),
    "risk:summary": page("risk:summary"),
    "risk:tps_list": page("risk:tps_list", query={"kelas": "2"}),
    "risk:tps_list@out": page("risk:tps_list", query={"wilayah": KABKOTA_OUT, "kelas": "2"}),
    "risk:import": page("risk:import"),
    "risk:import@post": page("risk:import", "POST", ["risk", "jobs"], data={"file": "<file.observations>"}),
    "risk:tps@in": page("risk:tps", kwargs={"code": "<tps_code.in>"}),
    "risk:tps@out": page("risk:tps", kwargs={"code": "<tps_code.out>"}),
    "risk:tps@post-in": page("risk:tps", "POST", ["risk"], kwargs={"code": "<tps_code.in>"},
                             data={"indicator": "<indicator.pk>", "value": "1", "source": "polri",
                                   "observed_on": "2024-01-10"}),
    "risk:tps@post-out": page("risk:tps", "POST", ["risk"], kwargs={"code": "<tps_code.out>"},
                              data={"indicator": "<indicator.pk>", "value": "1", "source": "polri",
                                    "observed_on": "2024-01-10"}),
    "risk:export_xlsx@in": page("risk:export_xlsx", query={"wilayah": IN}),
    "risk:export_xlsx@out": page("risk:export_xlsx", query={"wilayah": OUT}),
    "risk:export_geojson@in": page("risk:export_geojson", query={"wilayah": IN}),
    "risk:export_geojson@out": page("risk:export_geojson", query={"wilayah": OUT}),
    "risk:export_png@in": page("risk:export_png", query={"wilayah": IN}),
    "risk:export_png@out": page("risk:export_png", query={"wilayah": OUT}),
    "GET /api/risk/tps/{code}@in": api("GET", "/risk/tps/{code}", path="/risk/tps/<tps_code.in>"),
    "GET /api/risk/tps/{code}@out": api("GET", "/risk/tps/{code}", path="/risk/tps/<tps_code.out>"),
    "GET /api/risk/tps-points@in": api("GET", "/risk/tps-points", query={"area": IN}),
    "GET /api/risk/tps-points@out": api("GET", "/risk/tps-points", query={"area": OUT}),
    "GET /api/risk/areas/{code}@in": api("GET", "/risk/areas/{code}", path=f"/risk/areas/{IN}"),
    "GET /api/risk/areas/{code}@out": api("GET", "/risk/areas/{code}", path=f"/risk/areas/{OUT}"),
    "GET /api/risk/area-classes/{level}": api("GET", "/risk/area-classes/{level}", path="/risk/area-classes/2"),
    "GET /api/risk/area-classes/{level}@in": api("GET", "/risk/area-classes/{level}", path="/risk/area-classes/3",
                                                 query={"area": IN}),
    "GET /api/risk/area-classes/{level}@out": api("GET", "/risk/area-classes/{level}",
                                                  path="/risk/area-classes/3", query={"area": OUT}),
    "GET /api/risk/changes@in": api("GET", "/risk/changes", query={"since": SINCE, "area": IN}),
    "GET /api/risk/changes@out": api("GET", "/risk/changes", query={"since": SINCE, "area": OUT}),
    "POST /api/risk/observations@in": api("POST", "/risk/observations", ["risk"],
                                          json={**OBSERVATION, "tps": "<tps_code.in>"}),
    "POST /api/risk/observations@out": api("POST", "/risk/observations", ["risk"],
                                           json={**OBSERVATION, "tps": "<tps_code.out>"}),
    # Need-to-know: an Intelkam-only finding at a TPS in Kolaka; KPU's operator entering other agencies' sources.
    "GET /api/risk/tps/{code}@intelkam-finding": api("GET", "/risk/tps/{code}", path="/risk/tps/<tps_code.intel>",
                                                    secret="<finding.intel>", hidden_from=PARTNER_ROLES),
    "POST /api/risk/observations@source-intelkam": api("POST", "/risk/observations", ["risk"], json={
        **OBSERVATION, "source": "intelkam", "tps": "<tps_code.ppk>"}),
    "POST /api/risk/observations@source-kpu": api("POST", "/risk/observations", ["risk"], json={
        **OBSERVATION, "source": "kpu", "tps": "<tps_code.ppk>"}),
    "POST /api/risk/observations/import": api("POST", "/risk/observations/import", ["risk", "jobs"],
                                              data={"file": "<file.observations>"}),
    "POST /api/risk/incidents@in": api("POST", "/risk/incidents", ["risk"],
                                       json={**RISK_INCIDENT, "tps": "<tps_code.in>"}),
    "POST /api/risk/incidents@out": api("POST", "/risk/incidents", ["risk"],
                                        json={**RISK_INCIDENT, "tps": "<tps_code.out>"}),

    # --- deployment ---
    "deployment:index": page("deployment:index"),
    "deployment:index@out": page("deployment:index", query={"wilayah": OUT}),
    "deployment:plan_new@in": page("deployment:plan_new", "POST", ["deployment"], data={"wilayah": IN}),
    "deployment:plan_new@out": page("deployment:plan_new", "POST", ["deployment"], data={"wilayah": OUT}),
    "deployment:whatif": page("deployment:whatif"),
    "deployment:whatif@save-out": page("deployment:whatif", "POST", ["deployment"],
                                       data={"wilayah": OUT, "save": "1"}),
    "deployment:units": page("deployment:units"),
    "deployment:units@import": page("deployment:units", "POST", ["deployment", "jobs"],
                                    data={"kind": "personel", "file": "<file.roster>"}),
    "deployment:export_polsek@in": page("deployment:export_polsek", kwargs={
        "pk": "<plan.province>", "code": "<unit.in>", "fmt": "xlsx"}),
    "deployment:export_polsek@in-pdf": page("deployment:export_polsek", kwargs={
        "pk": "<plan.province>", "code": "<unit.in>", "fmt": "pdf"}),
    "deployment:export_polsek@out": page("deployment:export_polsek", kwargs={
        "pk": "<plan.province>", "code": "<unit.out>", "fmt": "xlsx"}),
    "deployment:export_summary@in": page("deployment:export_summary", kwargs={"pk": "<plan.province>", "area": IN}),
    "deployment:export_summary@out": page("deployment:export_summary", kwargs={"pk": "<plan.province>",
                                                                               "area": OUT}),
    "GET /api/deployment/units": api("GET", "/deployment/units"),
    "GET /api/deployment/units@out": api("GET", "/deployment/units", query={"area": OUT}),
    "GET /api/deployment/plans/latest": api("GET", "/deployment/plans/latest"),
    "GET /api/deployment/plans/latest@totals": api("GET", "/deployment/plans/latest", secret="<posts.province>",
                                                   hidden_from=BELOW_PROVINCE),
    "GET /api/deployment/plans/latest@out": api("GET", "/deployment/plans/latest", query={"area": OUT}),
    "POST /api/deployment/plans@in": api("POST", "/deployment/plans", ["deployment"], json={"area": IN}),
    "POST /api/deployment/plans@out": api("POST", "/deployment/plans", ["deployment"], json={"area": OUT}),
    "GET /api/deployment/plans/{pk}/posts@in": api("GET", "/deployment/plans/{pk}/posts",
                                                   path="/deployment/plans/<plan.province>/posts", query={"area": IN}),
    "GET /api/deployment/plans/{pk}/posts@out": api("GET", "/deployment/plans/{pk}/posts",
                                                    path="/deployment/plans/<plan.province>/posts",
                                                    query={"area": OUT}),

    # --- planning ---
    "planning:index": page("planning:index"),
    "planning:operation@province": page("planning:operation", kwargs={"pk": "<operation.province>"}),
    "planning:document@province": page("planning:document", kwargs={"pk": "<operation.province>", "fmt": "docx"}),
    "planning:document@province-pdf": page("planning:document", kwargs={"pk": "<operation.province>",
                                                                        "fmt": "pdf"}),
    "planning:stage_edit@province": page("planning:stage_edit", "POST", ["planning"], kwargs={
        "pk": "<stage.province>"}, data={"starts_on": "2024-01-01", "ends_on": "2024-01-02"}),
    "planning:version_create@province": page("planning:version_create", "POST", ["planning"],
                                             kwargs={"pk": "<operation.province>"}),
    "planning:version_step@province": page("planning:version_step", "POST", ["planning"],
                                           kwargs={"pk": "<version.province>", "step": "periksa"}),
    "planning:version_document@province": page("planning:version_document",
                                               kwargs={"pk": "<version.province>", "fmt": "pdf"}),
    "planning:sprin@province": page("planning:sprin", kwargs={"pk": "<operation.province>", "fmt": "pdf"}),
    "planning:sheets@province": page("planning:sheets", kwargs={"pk": "<operation.province>"}),
    "planning:threat@province": page("planning:threat", kwargs={"pk": "<threat.province>"}),
    "planning:threat@out": page("planning:threat", kwargs={"pk": "<threat.out>"}),
    "planning:contingency_activate@out": page("planning:contingency_activate", "POST", ["planning"],
                                              kwargs={"pk": "<contingency.out>"}, data={"note": "uji"}),
    "planning:contingency_step@out": page("planning:contingency_step", "POST", ["planning"],
                                          kwargs={"pk": "<step.out>"}),
    "GET /api/planning/operations": api("GET", "/planning/operations"),
    "GET /api/planning/operations/{pk}": api("GET", "/planning/operations/{pk}",
                                             path="/planning/operations/<operation.province>"),
    "GET /api/planning/current-stage": api("GET", "/planning/current-stage"),
    "GET /api/planning/operations/{pk}/threats": api("GET", "/planning/operations/{pk}/threats",
                                                     path="/planning/operations/<operation.province>/threats"),
    "GET /api/planning/operations/{pk}/kpis": api("GET", "/planning/operations/{pk}/kpis",
                                                  path="/planning/operations/<operation.province>/kpis"),
    "PUT /api/planning/stages/{pk}": api("PUT", "/planning/stages/{pk}", ["planning"],
                                         path="/planning/stages/<stage.province>",
                                         json={"starts_on": "2024-01-01", "ends_on": "2024-01-02"}),
    "POST /api/planning/contingencies/{pk}/activate@out": api(
        "POST", "/planning/contingencies/{pk}/activate", ["planning"],
        path="/planning/contingencies/<contingency.out>/activate"),

    # --- coordination ---
    "coordination:index": page("coordination:index"),
    "coordination:meeting@province": page("coordination:meeting", kwargs={"pk": "<meeting.province>"}),
    "coordination:action_done@province": page("coordination:action_done", "POST", ["coordination"],
                                              kwargs={"pk": "<action_item.province>"}, data={"evidence": "uji"}),
    "coordination:reports": page("coordination:reports"),
    "coordination:reports@search": page("coordination:reports", query={"q": "a"}),
    "coordination:report_new": page("coordination:report_new"),
    "coordination:report_new@post-in": page("coordination:report_new", "POST", ["coordination"],
                                            data={**REPORT, "area_code": IN}),
    "coordination:report_new@post-out": page("coordination:report_new", "POST", ["coordination"],
                                             data={**REPORT, "area_code": OUT}),
    "coordination:report@shared": page("coordination:report", kwargs={"pk": "<report.shared>"}),
    "coordination:report@secret": page("coordination:report", kwargs={"pk": "<report.secret>"}),
    "coordination:report@province": page("coordination:report", kwargs={"pk": "<report.province>"}),
    "coordination:report@secret-shared": page("coordination:report", kwargs={"pk": "<report.secret-shared>"}),
    "coordination:referrals": page("coordination:referrals"),
    "coordination:referral_ack@province": page("coordination:referral_ack", "POST", ["coordination"],
                                               kwargs={"pk": "<referral.province>"}),
    "coordination:referral_ack@out": page("coordination:referral_ack", "POST", ["coordination"],
                                          kwargs={"pk": "<referral.out>"}),
    "GET /api/coordination/reports": api("GET", "/coordination/reports"),
    "GET /api/coordination/reports@search": api("GET", "/coordination/reports", query={"q": "a"}),
    "GET /api/coordination/reports/{pk}@shared": api("GET", "/coordination/reports/{pk}",
                                                     path="/coordination/reports/<report.shared>"),
    "GET /api/coordination/reports/{pk}@secret": api("GET", "/coordination/reports/{pk}",
                                                     path="/coordination/reports/<report.secret>"),
    "GET /api/coordination/reports/{pk}@province": api("GET", "/coordination/reports/{pk}",
                                                       path="/coordination/reports/<report.province>"),
    "GET /api/coordination/reports/{pk}@secret-shared": api("GET", "/coordination/reports/{pk}",
                                                            path="/coordination/reports/<report.secret-shared>"),
    "POST /api/coordination/reports@in": api("POST", "/coordination/reports", ["coordination"],
                                             json={**REPORT, "area_code": IN}),
    "POST /api/coordination/reports@out": api("POST", "/coordination/reports", ["coordination"],
                                              json={**REPORT, "area_code": OUT}),
    "GET /api/coordination/referrals": api("GET", "/coordination/referrals"),
    "POST /api/coordination/referrals/{pk}/acknowledge@province": api(
        "POST", "/coordination/referrals/{pk}/acknowledge", ["coordination"],
        path="/coordination/referrals/<referral.province>/acknowledge"),
    "POST /api/coordination/referrals/{pk}/acknowledge@out": api(
        "POST", "/coordination/referrals/{pk}/acknowledge", ["coordination"],
        path="/coordination/referrals/<referral.out>/acknowledge"),
    "GET /api/coordination/action-items": api("GET", "/coordination/action-items"),

    # --- operations (voting day) ---
    "operations:command": page("operations:command"),
    "operations:command@out": page("operations:command", query={"wilayah": KABKOTA_OUT}),
    "operations:stream": page("operations:stream"),  # live updates: short polls
    "operations:incident_index": page("operations:incident_index"),
    "operations:incident_index@out": page("operations:incident_index", query={"wilayah": KABKOTA_OUT}),
    "operations:incident_detail@in": page("operations:incident_detail", kwargs={"pk": "<incident.in>"}),
    "operations:incident_detail@out": page("operations:incident_detail", kwargs={"pk": "<incident.out>"}),
    "operations:incident_act@in": page("operations:incident_act", "POST", ["operations"],
                                       kwargs={"pk": "<incident.in>"}, data={"action": "publish"}),
    "operations:incident_act@out": page("operations:incident_act", "POST", ["operations"],
                                        kwargs={"pk": "<incident.out>"}, data={"action": "publish"}),
    # Command actions go by agency x role x action (operations/authority.py): each one, for each column.
    "operations:incident_act@in-verify": page("operations:incident_act", "POST", ["operations"],
                                              kwargs={"pk": "<incident.in>"}, data={"action": "verify"}),
    "operations:incident_act@in-invalidate": page("operations:incident_act", "POST", ["operations"],
                                                  kwargs={"pk": "<incident.in>"}, data={"action": "invalidate"}),
    "operations:incident_act@in-dispatch": page("operations:incident_act", "POST", ["operations"],
                                                kwargs={"pk": "<incident.in>"},
                                                data={"action": "dispatch", "unit": "BRIMOB-74"}),
    "operations:field": page("operations:field"),
    "operations:field_reports": page("operations:field_reports"),
    "operations:event_photo@in": page("operations:event_photo", kwargs={"pk": "<eventphoto.in>"}),
    "operations:service_worker": page("operations:service_worker"),
    "operations:units": page("operations:units"),
    "operations:after_action": page("operations:after_action"),
    "operations:revotes": page("operations:revotes"),
    "operations:revotes@post-in": page("operations:revotes", "POST", ["operations", "custody", "deployment"],
                                       data={**REVOTE, "tps_code": "<tps_code.in>", "recommended_by": "panwascam"}),
    "operations:after_action@out-xlsx": page("operations:after_action", query={"wilayah": KABKOTA_OUT,
                                                                              "format": "xlsx"}),
    "operations:after_action@in-pdf": page("operations:after_action", query={"wilayah": IN, "format": "pdf"}),
    "GET /api/operations/tps-check/{code}@in": api("GET", "/operations/tps-check/{code}",
                                                  path="/operations/tps-check/<tps_code.in>"),
    "GET /api/operations/tps-check/{code}@out": api("GET", "/operations/tps-check/{code}",
                                                   path="/operations/tps-check/<tps_code.out>"),
    "POST /api/operations/events@in": api("POST", "/operations/events", ["operations"], json={
        "client_id": "ac1ac1ac-0000-4000-8000-000000000002", "tps_code": "<tps_code.in>", "kind": "buka"}),
    "POST /api/operations/events@out": api("POST", "/operations/events", ["operations"], json={
        "client_id": "ac1ac1ac-0000-4000-8000-000000000002", "tps_code": "<tps_code.out>", "kind": "buka"}),
    "POST /api/operations/events/batch@in": api("POST", "/operations/events/batch", ["operations"], json={"events": [
        {"client_id": "ac1ac1ac-0000-4000-8000-000000000003", "tps_code": "<tps_code.in>", "kind": "buka"}]}),
    "POST /api/operations/events/batch@out": api("POST", "/operations/events/batch", ["operations"], json={"events": [
        {"client_id": "ac1ac1ac-0000-4000-8000-000000000003", "tps_code": "<tps_code.out>", "kind": "buka"}]}),
    "POST /api/operations/incidents@in": api("POST", "/operations/incidents", ["operations"],
                                             json={**INCIDENT, "tps_code": "<tps_code.in>"}),
    "POST /api/operations/incidents@out": api("POST", "/operations/incidents", ["operations"],
                                              json={**INCIDENT, "tps_code": "<tps_code.out>"}),
    "GET /api/operations/incidents": api("GET", "/operations/incidents"),
    "GET /api/operations/incidents@out": api("GET", "/operations/incidents", query={"area": KABKOTA_OUT}),
    "GET /api/operations/incidents/{incident_id}@in": api("GET", "/operations/incidents/{incident_id}",
                                                          path="/operations/incidents/<incident.in>"),
    "GET /api/operations/incidents/{incident_id}@out": api("GET", "/operations/incidents/{incident_id}",
                                                           path="/operations/incidents/<incident.out>"),
    "POST /api/operations/incidents/{incident_id}/transition@out": api(
        "POST", "/operations/incidents/{incident_id}/transition", ["operations"],
        path="/operations/incidents/<incident.out>/transition", json={"action": "verify"}),
    "POST /api/operations/incidents/{incident_id}/transition@in-verify": api(
        "POST", "/operations/incidents/{incident_id}/transition", ["operations"],
        path="/operations/incidents/<incident.in>/transition", json={"action": "verify"}),
    "POST /api/operations/incidents/{incident_id}/transition@in-assign": api(
        "POST", "/operations/incidents/{incident_id}/transition", ["operations"],
        path="/operations/incidents/<incident.in>/transition",
        json={"action": "assign", "assign_to": "POLRES-74.01"}),
    "POST /api/operations/incidents/{incident_id}/transition@in-invalidate": api(
        "POST", "/operations/incidents/{incident_id}/transition", ["operations"],
        path="/operations/incidents/<incident.in>/transition", json={"action": "invalidate"}),
    "POST /api/operations/incidents/{incident_id}/dispatch@in": api(
        "POST", "/operations/incidents/{incident_id}/dispatch", ["operations"],
        path="/operations/incidents/<incident.in>/dispatch", json={"unit": "BRIMOB-74"}),
    "POST /api/operations/incidents/{incident_id}/merge/{into_id}@out": api(
        "POST", "/operations/incidents/{incident_id}/merge/{into_id}", ["operations"],
        path="/operations/incidents/<incident.out>/merge/<incident.in>"),
    "POST /api/operations/incidents/{incident_id}/publish@in": api(
        "POST", "/operations/incidents/{incident_id}/publish", ["operations"],
        path="/operations/incidents/<incident.in>/publish"),
    "POST /api/operations/incidents/{incident_id}/publish@out": api(
        "POST", "/operations/incidents/{incident_id}/publish", ["operations"],
        path="/operations/incidents/<incident.out>/publish"),
    "POST /api/operations/incidents/{incident_id}/lock@out": api(
        "POST", "/operations/incidents/{incident_id}/lock", ["operations"],
        path="/operations/incidents/<incident.out>/lock"),
    "POST /api/operations/incidents/{incident_id}/photos@out": api(
        "POST", "/operations/incidents/{incident_id}/photos", ["operations"],
        path="/operations/incidents/<incident.out>/photos", data={"photo": "<file.photo>"}),
    "GET /api/operations/incidents/{incident_id}/dispatch-suggestions@in": api(
        "GET", "/operations/incidents/{incident_id}/dispatch-suggestions",
        path="/operations/incidents/<incident.in>/dispatch-suggestions"),
    "GET /api/operations/incidents/{incident_id}/dispatch-suggestions@out": api(
        "GET", "/operations/incidents/{incident_id}/dispatch-suggestions",
        path="/operations/incidents/<incident.out>/dispatch-suggestions"),
    "POST /api/operations/incidents/{incident_id}/dispatch@out": api(
        "POST", "/operations/incidents/{incident_id}/dispatch", ["operations"],
        path="/operations/incidents/<incident.out>/dispatch", json={"unit": "<unit.in>"}),
    "POST /api/operations/dispatches/{dispatch_id}/{step}@missing": api(
        "POST", "/operations/dispatches/{dispatch_id}/{step}", ["operations"],
        path="/operations/dispatches/999999/arrived"),
    "GET /api/operations/summary": api("GET", "/operations/summary"),
    "GET /api/operations/summary@out": api("GET", "/operations/summary", query={"area": KABKOTA_OUT}),
    "GET /api/operations/map@in": api("GET", "/operations/map", query={"area": IN}),
    "GET /api/operations/map@out": api("GET", "/operations/map", query={"area": OUT}),
    "GET /api/operations/units": api("GET", "/operations/units"),
    "GET /api/operations/drills/{run_id}": api("GET", "/operations/drills/{run_id}",
                                               path="/operations/drills/acl-no-such-run"),
    "POST /api/operations/sweep": api("POST", "/operations/sweep", ["operations"], query={"province": PROVINCE}),
    "POST /api/operations/revotes@in": api("POST", "/operations/revotes", ["operations", "custody", "deployment"],
                                           json={**REVOTE, "tps_code": "<tps_code.in>"}),
    "GET /api/operations/revotes": api("GET", "/operations/revotes"),
    "POST /api/operations/sms": api("POST", "/operations/sms", ["operations"],
                                    data={"from": "+628111", "text": "LAPOR"}),

    # --- custody ---
    "custody:index": page("custody:index"),
    "custody:index@search": page("custody:index", query={"q": "74.02"}),
    "custody:item@in": page("custody:item", kwargs={"code": "<item.in>"}),
    "custody:item@out": page("custody:item", kwargs={"code": "<item.out>"}),
    "custody:node@in": page("custody:node", kwargs={"code": "<node.in>"}),
    "custody:node@out": page("custody:node", kwargs={"code": "<node.out>"}),
    "custody:labels@in": page("custody:labels", kwargs={"code": "<node.in>"}),
    "custody:labels@out": page("custody:labels", kwargs={"code": "<node.out>"}),
    # The handover form takes items held at the node: in the demo <item.in> is at TPS-7401011001001 and
    # <item.out> in the KPU warehouse of 74.02; the receiving node is the next on the item's route (a list).
    "custody:handover_new@in": page(
        "custody:handover_new", "POST", ["custody"], kwargs={"code": "TPS-7401011001001"},
        data={"client_id": "ac1ac1ac-0000-4000-8000-000000000010", "items": ["<item.in>"],
              "to_node": "<node.next.in>", "seals-<item.in>": "<seals.in>", "receiver_name": "Penerima uji",
              "condition": "baik"}),
    "custody:handover_new@out": page(
        "custody:handover_new", "POST", ["custody"], kwargs={"code": f"KPU-{KABKOTA_OUT}"},
        data={"client_id": "ac1ac1ac-0000-4000-8000-000000000011", "items": ["<item.out>"],
              "to_node": "<node.next.out>", "seals-<item.out>": "<seals.out>", "receiver_name": "Penerima uji",
              "condition": "baik"}),
    "custody:handover@in": page("custody:handover", kwargs={"client_id": "<handover.in>"}),
    "custody:handover@pending": page("custody:handover", kwargs={"client_id": "<handover.pending>"}),
    "custody:handover_confirm@in": page("custody:handover_confirm", "POST", ["custody"],
                                        kwargs={"client_id": "<handover.in>"}, data={"signature": "ttd-uji"}),
    "custody:handover_confirm@pending": page("custody:handover_confirm", "POST", ["custody"],
                                             kwargs={"client_id": "<handover.pending>"}, data={"signature": "ttd-uji"}),
    "custody:handover_code@pending": page("custody:handover_code", "POST", ["custody"],
                                          kwargs={"client_id": "<handover.pending>"}),
    "custody:anomalies": page("custody:anomalies"),
    "custody:anomaly_resolve@in": page("custody:anomaly_resolve", "POST", ["custody"],
                                       kwargs={"pk": "<anomaly.in>"}, data={"note": "uji"}),
    "custody:missions": page("custody:missions"),
    "custody:checkpoints": page("custody:checkpoints"),
    "POST /api/custody/handovers@in": api("POST", "/custody/handovers", ["custody"], json={
        **HANDOVER, "item_codes": ["<item.in>"], "from_node": "<node.in>", "to_node": "<node.in>"}),
    "POST /api/custody/handovers@out": api("POST", "/custody/handovers", ["custody"], json={
        **HANDOVER, "item_codes": ["<item.out>"], "from_node": "<node.out>", "to_node": "<node.out>"}),
    "POST /api/custody/handovers/{client_id}/confirm@in": api(
        "POST", "/custody/handovers/{client_id}/confirm", ["custody"],
        path="/custody/handovers/<handover.in>/confirm", json={"signature": "ttd-uji"}),
    "POST /api/custody/handovers/{client_id}/confirm@pending": api(
        "POST", "/custody/handovers/{client_id}/confirm", ["custody"],
        path="/custody/handovers/<handover.pending>/confirm", json={"signature": "ttd-uji"}),
    "GET /api/custody/handovers/waiting": api("GET", "/custody/handovers/waiting"),
    "POST /api/custody/handovers/{client_id}/code@in": api(
        "POST", "/custody/handovers/{client_id}/code", ["custody"], path="/custody/handovers/<handover.in>/code"),
    "POST /api/custody/sync@out": api("POST", "/custody/sync", ["custody"], json=[{
        **HANDOVER, "item_codes": ["<item.out>"], "from_node": "<node.out>", "to_node": "<node.out>"}]),
    "GET /api/custody/items": api("GET", "/custody/items"),
    "GET /api/custody/items@search": api("GET", "/custody/items", query={"search": "74.02"}),
    "GET /api/custody/items/{code}/journey@in": api("GET", "/custody/items/{code}/journey",
                                                    path="/custody/items/<item.in>/journey"),
    "GET /api/custody/items/{code}/journey@out": api("GET", "/custody/items/{code}/journey",
                                                     path="/custody/items/<item.out>/journey"),
    "POST /api/custody/missions/{code}/positions@out": api(
        "POST", "/custody/missions/{code}/positions", ["custody"], path="/custody/missions/<mission.out>/positions",
        json={"client_id": "acl-pos-1", "at": "2024-02-14T08:00:00+08:00", "lat": -4.0, "lng": 122.5}),
    "GET /api/custody/missions": api("GET", "/custody/missions"),
    "GET /api/custody/anomalies": api("GET", "/custody/anomalies"),
    "GET /api/custody/where": api("GET", "/custody/where"),
    "GET /api/custody/where@out": api("GET", "/custody/where", query={"area": KABKOTA_OUT}),
    "GET /api/custody/checkpoints": api("GET", "/custody/checkpoints"),
    "GET /api/custody/checkpoints/key": api("GET", "/custody/checkpoints/key"),

    # --- transport and Bawaslu's IKP ---
    "GET /api/operations/sea-links": api("GET", "/operations/sea-links"),
    "GET /api/risk/ikp-editions": api("GET", "/risk/ikp-editions"),
    "GET /api/risk/ikp/{code}@province": api("GET", "/risk/ikp/{code}", path=f"/risk/ikp/{PROVINCE}"),

    # --- intel: Polri's intelligence products under clearance and need-to-know ---
    "intel:index": page("intel:index"),
    "intel:li_new": page("intel:li_new"),
    "intel:li_new@post-out": page("intel:li_new", "POST", ["intel"], data={**LI, "area_code": OUT}),
    "intel:lapsus_new": page("intel:lapsus_new"),
    "intel:kirka_new": page("intel:kirka_new"),
    "intel:product@secret-out": page("intel:product", kwargs={"pk": "<product.secret-out>"}),
    "intel:product@secret-in": page("intel:product", kwargs={"pk": "<product.secret-in>"}),
    "intel:product@shared-out": page("intel:product", kwargs={"pk": "<product.terbatas-out>"}),
    "intel:download@secret-in": page("intel:download", kwargs={"pk": "<product.secret-in>", "fmt": "pdf"}),
    "intel:forward@secret-in": page("intel:forward", "POST", ["intel"], kwargs={"pk": "<product.secret-in>"}),
    "intel:forward_ack@missing": page("intel:forward_ack", "POST", ["intel"], kwargs={"pk": 999999}),
    "intel:lapinhar": page("intel:lapinhar", query={"day": "2024-11-25", "area": "74.05"}),
    "intel:watch": page("intel:watch"),
    "intel:cases": page("intel:cases"),
    "intel:case@out": page("intel:case", kwargs={"pk": "<intelcase.out>"}),
    "GET /api/intel/li": api("GET", "/intel/li"),
    "GET /api/intel/li/{pk}@secret-out": api("GET", "/intel/li/{pk}", path="/intel/li/<product.secret-out>"),
    "POST /api/intel/li@out": api("POST", "/intel/li", ["intel"], json={**LI, "area_code": OUT, "credibility": 2}),
    "GET /api/intel/alerts": api("GET", "/intel/alerts", query={"open_only": "false"}),
    "GET /api/intel/cases": api("GET", "/intel/cases"),

    # --- Sentra Gakkumdu: Bawaslu, Polri and Kejaksaan members only ---
    "gakkumdu:index": page("gakkumdu:index"),
    "gakkumdu:case@in": page("gakkumdu:case", kwargs={"pk": "<gakkumdu.in>"}),
    "gakkumdu:case@out": page("gakkumdu:case", kwargs={"pk": "<gakkumdu.out>"}),
    "gakkumdu:register@out": page("gakkumdu:register", "POST", ["gakkumdu"], data={**GAKKUMDU, "region_code": OUT}),
    "gakkumdu:advance@out": page("gakkumdu:advance", "POST", ["gakkumdu"], kwargs={"pk": "<gakkumdu.out>"},
                                 data={"to": "dihentikan", "note": "uji akses"}),
    "GET /api/gakkumdu/cases": api("GET", "/gakkumdu/cases"),
    "POST /api/gakkumdu/cases@out": api("POST", "/gakkumdu/cases", ["gakkumdu"],
                                        json={**GAKKUMDU, "region_code": OUT}),
    "POST /api/gakkumdu/cases/{pk}/advance@out": api("POST", "/gakkumdu/cases/{pk}/advance", ["gakkumdu"],
                                                     path="/gakkumdu/cases/<gakkumdu.out>/advance",
                                                     json={"to": "dihentikan", "note": "uji akses"}),

    # --- ODK/KoboCollect over OpenRosa: Digest, Basic or a device key, never the browser's session ---
    "fieldapps:devices": page("fieldapps:devices"),
    "fieldapps:form_list": page("fieldapps:form_list"),
    "fieldapps:form_xml": page("fieldapps:form_xml", kwargs={"form_id": "siaga_insiden"}),
    "fieldapps:manifest": page("fieldapps:manifest", kwargs={"form_id": "siaga_insiden"}),
    "fieldapps:media": page("fieldapps:media", kwargs={"form_id": "siaga_insiden", "filename": "tps.csv"}),
    "fieldapps:submission": page("fieldapps:submission", "POST", ["fieldapps"]),
    "fieldapps:key_form_list": page("fieldapps:key_form_list", kwargs={"key": "<odk.key>"}),
    "fieldapps:key_form_list@revoked": page("fieldapps:key_form_list", kwargs={"key": "odk_tidak-berlaku"}),
    "fieldapps:key_form_xml": page("fieldapps:key_form_xml", kwargs={"key": "<odk.key>", "form_id": "siaga_insiden"}),
    "fieldapps:key_manifest": page("fieldapps:key_manifest", kwargs={"key": "<odk.key>", "form_id": "siaga_insiden"}),
    "fieldapps:key_media": page("fieldapps:key_media", kwargs={"key": "<odk.key>", "form_id": "siaga_insiden",
                                                               "filename": "tps.csv"}),
    "fieldapps:key_submission": page("fieldapps:key_submission", "POST", ["fieldapps"], kwargs={"key": "<odk.key>"}),
}

# The expected outcomes, one row per case; columns as ROLES.
TABLE = """
#                                                                        admin    intelkam kapolda  polres   polsek   ppk      kpu      bawaslu  anon    
home                                                                     200      200      200      200      200      200      200      200      login
login                                                                    200      200      200      200      200      200      200      200      200
logout                                                                   login    login    login    login    login    login    login    login    login
set_language                                                             302      302      302      302      302      302      302      302      302
region_index                                                             302      302      302      302      302      302      302      302      login
region_detail@province                                                   200      200      200      404      404      404      200      200      login
region_detail@in                                                         200      200      200      200      200      404      200      200      login
region_detail@kabkota-in                                                 200      200      200      200      404      404      200      200      login
region_detail@out                                                        200      200      200      404      404      404      200      200      login
tps_map                                                                  200      200      200      200      200      200      200      200      login
tps_map@out                                                              200      200      200      404      404      404      200      200      login
tps_index                                                                200      200      200      200      200      200      200      200      login
tps_index@out                                                            200      200      200      200      200      200      200      200      login
tps_index@search                                                         200      200      200      200      200      200      200      200      login
tps_detail@in                                                            200      200      200      200      200      404      200      200      login
tps_detail@out                                                           200      200      200      404      404      404      200      200      login
api:openapi-json                                                         200      200      200      200      200      200      200      200      200
api:openapi-view                                                         200      200      200      200      200      200      200      200      200
api:api-root                                                             404      404      404      404      404      404      404      404      404
GET /api/regions                                                         200      200      200      200      200      200      200      200      401
GET /api/regions/{code}@in                                               200      200      200      200      200      404      200      200      401
GET /api/regions/{code}@out                                              200      200      200      404      404      404      200      200      401
GET /api/regions/{code}/children@in                                      200      200      200      200      200      404      200      200      401
GET /api/regions/{code}/children@out                                     200      200      200      404      404      404      200      200      401
GET /api/regions/{code}/boundaries@in                                    200      200      200      200      200      404      200      200      401
GET /api/regions/{code}/boundaries@out                                   200      200      200      404      404      404      200      200      401
GET /api/region-outlines/{level}                                         200      200      200      200      200      200      200      200      401
GET /api/region-outlines/{level}@in                                      200      200      200      200      200      403      200      200      401
GET /api/region-outlines/{level}@out                                     200      200      200      403      403      403      200      200      401
GET /api/tps                                                             200      200      200      200      200      200      200      200      401
GET /api/tps@out                                                         200      200      200      200      200      200      200      200      401
GET /api/tps/points@in                                                   200      200      200      200      200      200      200      200      401
GET /api/tps/points@out                                                  200      200      200      200      200      200      200      200      401
GET /api/tps/{code}@in                                                   200      200      200      200      200      404      200      200      401
GET /api/tps/{code}@out                                                  200      200      200      404      404      404      200      200      401
jobs:list                                                                200      200      200      200      200      200      200      200      login
jobs:detail@polres                                                       200      404      404      200      404      404      404      404      login
GET /api/jobs/                                                           200      200      200      200      200      200      200      200      401
GET /api/jobs/{job_id}@polres                                            200      404      404      200      404      404      404      404      401
risk:map                                                                 200      200      200      200      200      200      200      200      login
risk:map@out                                                             200      200      200      404      404      404      200      200      login
risk:summary                                                             200      200      200      200      200      200      200      200      login
risk:tps_list                                                            200      200      200      200      200      200      200      200      login
risk:tps_list@out                                                        200      200      200      404      404      404      200      200      login
risk:import                                                              200      200      200      200      200      200      200      200      login
risk:import@post                                                         302*     302*     302*     302*     302*     302*     302*     302*     login
risk:tps@in                                                              200      200      200      200      200      404      200      200      login
risk:tps@out                                                             200      200      200      404      404      404      200      200      login
risk:tps@post-in                                                         302      302      403      302      403      404      403      403      login
risk:tps@post-out                                                        302      302      403      404      404      404      403      403      login
risk:export_xlsx@in                                                      200      200      200      200      200      403      200      200      login
risk:export_xlsx@out                                                     200      200      200      403      403      403      200      200      login
risk:export_geojson@in                                                   200      200      200      200      200      403      200      200      login
risk:export_geojson@out                                                  200      200      200      403      403      403      200      200      login
risk:export_png@in                                                       200      200      200      200      200      404      200      200      login
risk:export_png@out                                                      200      200      200      404      404      404      200      200      login
GET /api/risk/tps/{code}@in                                              200      200      200      200      200      404      200      200      401
GET /api/risk/tps/{code}@out                                             200      200      200      404      404      404      200      200      401
GET /api/risk/tps-points@in                                              200      200      200      200      200      403      200      200      401
GET /api/risk/tps-points@out                                             200      200      200      403      403      403      200      200      401
GET /api/risk/areas/{code}@in                                            200      200      200      200      200      404      200      200      401
GET /api/risk/areas/{code}@out                                           200      200      200      404      404      404      200      200      401
GET /api/risk/area-classes/{level}                                       200      200      200      200      200      200      200      200      401
GET /api/risk/area-classes/{level}@in                                    200      200      200      200      200      403      200      200      401
GET /api/risk/area-classes/{level}@out                                   200      200      200      403      403      403      200      200      401
GET /api/risk/changes@in                                                 200      200      200      200      200      403      200      200      401
GET /api/risk/changes@out                                                200      200      200      403      403      403      200      200      401
POST /api/risk/observations@in                                           422      422      403      422      403      404      403      403      401
POST /api/risk/observations@out                                          422      422      403      404      404      404      403      403      401
POST /api/risk/observations/import                                       202*     202*     202*     202*     202*     202*     202*     202*     401
GET /api/risk/tps/{code}@intelkam-finding                                200      200      200      200      200      404      200      200      401
POST /api/risk/observations@source-intelkam                             200*     200*     403      200*     404      403      403      403      401
POST /api/risk/observations@source-kpu                                  200*     200*     403      200*     404      200*     403      403      401
POST /api/risk/incidents@in                                              200*     200*     403      200*     403      404      403      403      401
POST /api/risk/incidents@out                                             200*     200*     403      404      404      404      403      403      401
deployment:index                                                         200      200      200      200      200      200      200      200      login
deployment:index@out                                                     200      200      200      403      403      403      200      200      login
deployment:plan_new@in                                                   302      403      302      302      403      403      403      403      login
deployment:plan_new@out                                                  302      403      302      403      403      403      403      403      login
deployment:whatif                                                        200      200      200      200      200      200      200      200      login
deployment:whatif@save-out                                               200      403      200      403      403      403      403      403      login
deployment:units                                                         200      200      200      200      200      200      200      200      login
deployment:units@import                                                  302*     302*     302*     302*     302*     302*     302*     302*     login
deployment:export_polsek@in                                              200      200      200      200      200      404      200      200      login
deployment:export_polsek@in-pdf                                          200      200      200      200      200      404      200      200      login
deployment:export_polsek@out                                             200      200      200      404      404      404      200      200      login
deployment:export_summary@in                                             200      200      200      200      200      403      200      200      login
deployment:export_summary@out                                            200      200      200      403      403      403      200      200      login
GET /api/deployment/units                                                200      200      200      200      200      200      200      200      401
GET /api/deployment/units@out                                            200      200      200      200      200      200      200      200      401
GET /api/deployment/plans/latest                                         200      200      200      200      200      200      200      200      401
GET /api/deployment/plans/latest@totals                                  200      200      200      200      200      200      200      200      401
GET /api/deployment/plans/latest@out                                     200      200      200      403      403      403      200      200      401
POST /api/deployment/plans@in                                            400      403      400      400      403      403      403      403      401
POST /api/deployment/plans@out                                           400      403      400      403      403      403      403      403      401
GET /api/deployment/plans/{pk}/posts@in                                  200      200      200      200      200      403      200      200      401
GET /api/deployment/plans/{pk}/posts@out                                 200      200      200      403      403      403      200      200      401
planning:index                                                           200      200      200      200      200      200      200      200      login
planning:operation@province                                              200      200      200      200      200      200      200      200      login
planning:document@province                                               200      200      200      200      200      200      200      200      login
planning:document@province-pdf                                           200      200      200      200      200      200      200      200      login
planning:stage_edit@province                                             302*     302*     302*     302      302      302      302      302      login
planning:version_create@province                                         302*     302*     302*     302      302      302      302      302      login
planning:version_step@province                                           302*     302      302*     302      302      302      302      302      login
planning:version_document@province                                       200      200      200      200      200      200      200      200      login
planning:sprin@province                                                  302      302      302      302      302      403      403      403      login
planning:sheets@province                                                 302      302      302      302      302      403      403      403      login
planning:threat@province                                                 200      200      200      200      200      200      200      200      login
planning:threat@out                                                      200      200      200      404      404      404      200      200      login
planning:contingency_activate@out                                        302*     302*     302*     404      404      404      302      302      login
planning:contingency_step@out                                            302      302      302      404      404      404      302      302      login
GET /api/planning/operations                                             200      200      200      200      200      200      200      200      401
GET /api/planning/operations/{pk}                                        200      200      200      200      200      200      200      200      401
GET /api/planning/current-stage                                          204      204      204      204      204      204      204      204      401
GET /api/planning/operations/{pk}/threats                                200      200      200      200      200      200      200      200      401
GET /api/planning/operations/{pk}/kpis                                   200      200      200      200      200      200      200      200      401
PUT /api/planning/stages/{pk}                                            200*     200*     200*     403      403      403      403      403      401
POST /api/planning/contingencies/{pk}/activate@out                       200*     200*     200*     404      404      404      403      403      401
coordination:index                                                       200      200      200      200      200      200      200      200      login
coordination:meeting@province                                            200      200      200      200      200      404      200      200      login
coordination:action_done@province                                        302*     302*     302*     302      302      404      302*     302      login
coordination:reports                                                     200      200      200      200      200      200      200      200      login
coordination:reports@search                                              200      200      200      200      200      200      200      200      login
coordination:report_new                                                  200      200      200      200      200      200      200      200      login
coordination:report_new@post-in                                          302*     302*     302*     302*     302*     200      302*     302*     login
coordination:report_new@post-out                                         302*     302*     302*     200      200      200      302*     302*     login
coordination:report@shared                                               200      200      200      404      404      404      200      404      login
coordination:report@secret                                               200      200      200      404      404      404      404      404      login
coordination:report@province                                             200      200      200      200      200      404      200      200      login
coordination:report@secret-shared                                        200      200      200      404      404      404      404      404      login
coordination:referrals                                                   200      200      200      200      200      200      200      200      login
coordination:referral_ack@province                                       302      302      302      404      404      404      302      404      login
coordination:referral_ack@out                                            302*     302*     302*     404      404      404      404      302      login
GET /api/coordination/reports                                            200      200      200      200      200      200      200      200      401
GET /api/coordination/reports@search                                     200      200      200      200      200      200      200      200      401
GET /api/coordination/reports/{pk}@shared                                200      200      200      404      404      404      200      404      401
GET /api/coordination/reports/{pk}@secret                                200      200      200      404      404      404      404      404      401
GET /api/coordination/reports/{pk}@province                              200      200      200      200      200      404      200      200      401
GET /api/coordination/reports/{pk}@secret-shared                         200      200      200      404      404      404      404      404      401
POST /api/coordination/reports@in                                        201*     201*     201*     201*     201*     403      201*     201*     401
POST /api/coordination/reports@out                                       201*     201*     201*     403      403      403      201*     201*     401
GET /api/coordination/referrals                                          200      200      200      200      200      200      200      200      401
POST /api/coordination/referrals/{pk}/acknowledge@province               200      200      200      404      404      404      200      404      401
POST /api/coordination/referrals/{pk}/acknowledge@out                    200*     200*     200*     404      404      404      404      403      401
GET /api/coordination/action-items                                       200      200      200      200      200      200      200      200      401
operations:command                                                       200      200      200      200      200      200      200      200      login
operations:command@out                                                   200      200      200      403      403      403      200      200      login
operations:stream                                                        200      200      200      200      200      200      200      200      401
operations:incident_index                                                200      200      200      200      200      200      200      200      login
operations:incident_index@out                                            200      200      200      403      403      403      200      200      login
operations:incident_detail@in                                            200      200      200      200      404      404      404      404      login
operations:incident_detail@out                                           200      200      200      404      404      404      404      404      login
operations:incident_act@in                                               302*     302      302*     302*     302      302      302      302      login
operations:incident_act@out                                              302      302      302      404      302      302      302      302      login
operations:incident_act@in-verify                                        302      302      302      302      302      302      302      302      login
operations:incident_act@in-invalidate                                    302*     302*     302*     302*     302      302      302      302      login
operations:incident_act@in-dispatch                                      302*     302      302*     302*     302      302      302      302      login
operations:field                                                         200      200      200      200      200      200      200      200      login
operations:field_reports                                                 200      200      200      200      200      200      200      200      login
operations:event_photo@in                                                200      200      200      200      200      404      404      404      login
operations:service_worker                                                200      200      200      200      200      200      200      200      200
operations:units                                                         200      200      200      200      200      200      200      200      login
operations:after_action                                                  200      200      200      200      200      200      200      200      login
operations:after_action@out-xlsx                                         200      200      200      403      403      403      200      200      login
operations:after_action@in-pdf                                           200      200      200      200      200      403      200      200      login
GET /api/operations/tps-check/{code}@in                                  200      200      200      200      200      404      200      200      401
GET /api/operations/tps-check/{code}@out                                 200      200      200      404      404      404      200      200      401
POST /api/operations/events@in                                           201*     201*     201*     201*     201*     400      403      403      401
POST /api/operations/events@out                                          201*     201*     201*     400      400      400      403      403      401
POST /api/operations/events/batch@in                                     200*     200*     200*     200*     200*     200      403      403      401
POST /api/operations/events/batch@out                                    200*     200*     200*     200      200      200      403      403      401
POST /api/operations/incidents@in                                        201*     201*     201*     201*     201*     400      403      403      401
POST /api/operations/incidents@out                                       201*     201*     201*     400      400      400      403      403      401
GET /api/operations/incidents                                            200      200      200      200      200      200      200      200      401
GET /api/operations/incidents@out                                        200      200      200      403      403      403      200      200      401
GET /api/operations/incidents/{incident_id}@in                           200      200      200      200      404      404      404      404      401
GET /api/operations/incidents/{incident_id}@out                          200      200      200      404      404      404      404      404      401
POST /api/operations/incidents/{incident_id}/transition@out              200*     200*     200*     404      403      403      403      403      401
POST /api/operations/incidents/{incident_id}/transition@in-verify        409      409      409      409      403      403      403      403      401
POST /api/operations/incidents/{incident_id}/transition@in-assign        200*     200*     200*     200*     403      403      403      403      401
POST /api/operations/incidents/{incident_id}/transition@in-invalidate    200*     200*     200*     200*     403      403      403      403      401
POST /api/operations/incidents/{incident_id}/merge/{into_id}@out         200*     200*     200*     404      403      403      403      403      401
POST /api/operations/incidents/{incident_id}/publish@in                  200*     403      200*     200*     403      403      403      403      401
POST /api/operations/incidents/{incident_id}/publish@out                 409      403      409      404      403      403      403      403      401
POST /api/operations/incidents/{incident_id}/lock@out                    200*     200*     200*     404      403      403      403      403      401
POST /api/operations/incidents/{incident_id}/photos@out                  201*     201*     201*     404      404      404      403      403      401
GET /api/operations/incidents/{incident_id}/dispatch-suggestions@in      200      200      200      200      404      404      404      404      401
GET /api/operations/incidents/{incident_id}/dispatch-suggestions@out     200      200      200      404      404      404      404      404      401
POST /api/operations/incidents/{incident_id}/dispatch@in                 201*     403      201*     201*     403      403      403      403      401
POST /api/operations/incidents/{incident_id}/dispatch@out                201*     403      201*     404      403      403      403      403      401
POST /api/operations/dispatches/{dispatch_id}/{step}@missing             404      404      404      404      404      403      403      403      401
GET /api/operations/summary                                              200      200      200      200      200      200      200      200      401
GET /api/operations/summary@out                                          200      200      200      403      403      403      200      200      401
GET /api/operations/map@in                                               200      200      200      200      200      403      200      200      401
GET /api/operations/map@out                                              200      200      200      403      403      403      200      200      401
GET /api/operations/units                                                200      200      200      200      200      200      200      200      401
GET /api/operations/drills/{run_id}                                      404      404      404      404      404      404      404      404      401
POST /api/operations/sweep                                               200*     403      403      403      403      403      403      403      401
POST /api/operations/revotes@in                                          201*     403      201*     201*     403      400      403      403      401
operations:revotes                                                       200      200      200      200      200      200      200      200      login
operations:revotes@post-in                                               302*     403      302*     302*     403      200      403      403      login
GET /api/operations/revotes                                              200      200      200      200      200      200      200      200      401
POST /api/operations/sms                                                 401      401      401      401      401      401      401      401      401
custody:index                                                            200      200      200      200      200      200      200      200      login
custody:index@search                                                     200      200      200      200      200      200      200      200      login
custody:item@in                                                          200      200      200      200      404      200      200      200      login
custody:item@out                                                         200      200      200      404      404      404      200      200      login
custody:node@in                                                          200      200      200      200      200      404      200      200      login
custody:node@out                                                         200      200      200      404      404      404      200      200      login
custody:labels@in                                                        200      200      200      200      200      404      200      200      login
custody:labels@out                                                       200      200      200      404      404      404      200      200      login
custody:handover_new@in                                                  302*     302*     302*     302*     404      302*     302*     403      login
custody:handover_new@out                                                 302*     302*     302*     404      404      404      302*     403      login
custody:handover@in                                                      200      200      200      200      200      404      200      200      login
custody:handover@pending                                                 200      200      200      200      404      200      200      200      login
custody:handover_confirm@in                                              302      302      302      302      302      404      302      302      login
custody:handover_confirm@pending                                         302*     302*     302*     302*     404      302*     302*     403      login
custody:handover_code@pending                                            403      403      403      403      404      403      403      403      login
custody:anomalies                                                        200      200      200      200      200      200      200      200      login
custody:anomaly_resolve@in                                               302*     302*     302*     302*     404      302*     302*     302      login
custody:missions                                                         200      200      200      200      200      200      200      200      login
custody:checkpoints                                                      200      200      200      200      200      200      200      200      200
POST /api/custody/handovers@in                                           200*     200*     200*     200*     403      403      200*     403      401
POST /api/custody/handovers@out                                          200*     200*     200*     403      403      403      200*     403      401
POST /api/custody/handovers/{client_id}/confirm@in                       200      200      200      200      200      404      200      200      401
POST /api/custody/handovers/{client_id}/confirm@pending                  200*     200*     200*     200*     404      200*     200*     403      401
GET /api/custody/handovers/waiting                                       200      200      200      200      200      200      200      200      401
POST /api/custody/handovers/{client_id}/code@in                          403      403      403      403      403      404      403      403      401
POST /api/custody/sync@out                                               200*     200*     200*     403      403      403      200*     403      401
GET /api/custody/items                                                   200      200      200      200      200      200      200      200      401
GET /api/custody/items@search                                            200      200      200      200      200      200      200      200      401
GET /api/custody/items/{code}/journey@in                                 200      200      200      200      404      200      200      200      401
GET /api/custody/items/{code}/journey@out                                200      200      200      404      404      404      200      200      401
POST /api/custody/missions/{code}/positions@out                          200*     200*     200*     404      404      404      200*     403      401
GET /api/custody/missions                                                200      200      200      200      200      200      200      200      401
GET /api/custody/anomalies                                               200      200      200      200      200      200      200      200      401
GET /api/custody/where                                                   200      200      200      200      200      200      200      200      401
GET /api/custody/where@out                                               200      200      200      200      200      200      200      200      401
GET /api/custody/checkpoints                                             200      200      200      200      200      200      200      200      200
GET /api/custody/checkpoints/key                                         200      200      200      200      200      200      200      200      200
GET /api/operations/sea-links                                            200      200      200      200      200      200      200      200      401
GET /api/risk/ikp-editions                                               200      200      200      200      200      200      200      200      401
GET /api/risk/ikp/{code}@province                                        200      200      200      404      404      404      200      200      401
intel:index                                                              200      200      200      200      200      200      200      200      login
intel:li_new                                                             200      200      200      200      200      403      403      403      login
intel:li_new@post-out                                                    302*     302*     302*     200      200      403      403      403      login
intel:lapsus_new                                                         200      200      200      200      200      403      403      403      login
intel:kirka_new                                                          200      200      200      200      200      403      403      403      login
intel:product@secret-out                                                 200      200      200      404      404      404      404      404      login
intel:product@secret-in                                                  200      200      200      404      404      404      404      404      login
intel:product@shared-out                                                 200      200      200      404      404      404      200      200      login
intel:download@secret-in                                                 200      200      200      404      404      404      404      404      login
intel:forward@secret-in                                                  302      302      302      404      404      404      404      404      login
intel:forward_ack@missing                                                404      404      404      404      404      404      404      404      login
intel:lapinhar                                                           200      200      200      200      200      200      200      200      login
intel:watch                                                              200      200      200      200      200      403      403      403      login
intel:cases                                                              200      200      200      200      200      403      403      403      login
intel:case@out                                                           200      200      200      404      404      404      404      404      login
GET /api/intel/li                                                        200      200      200      200      200      200      200      200      401
GET /api/intel/li/{pk}@secret-out                                        200      200      200      404      404      404      404      404      401
POST /api/intel/li@out                                                   201*     201*     201*     403      403      403      403      403      401
GET /api/intel/alerts                                                    200      200      200      200      200      200      200      200      401
GET /api/intel/cases                                                     200      200      200      200      200      200      200      200      401
gakkumdu:index                                                           200      200      200      200      200      403      403      200      login
gakkumdu:case@in                                                         200      200      200      200      404      404      404      200      login
gakkumdu:case@out                                                        200      200      200      404      404      404      404      200      login
gakkumdu:register@out                                                    302*     302*     302*     302      302      403      403      302*     login
gakkumdu:advance@out                                                     302      302      302      404      404      404      404      302      login
GET /api/gakkumdu/cases                                                  200      200      200      200      200      200      200      200      401
POST /api/gakkumdu/cases@out                                             201*     201*     201*     403      403      403      403      201*     401
POST /api/gakkumdu/cases/{pk}/advance@out                                403      403      403      404      404      404      404      400      401
fieldapps:devices                                                        200      200      200      200      403      200      403      403      login
fieldapps:form_list                                                      401      401      401      401      401      401      401      401      401
fieldapps:form_xml                                                       401      401      401      401      401      401      401      401      401
fieldapps:manifest                                                       401      401      401      401      401      401      401      401      401
fieldapps:media                                                          401      401      401      401      401      401      401      401      401
fieldapps:submission                                                     401      401      401      401      401      401      401      401      401
fieldapps:key_form_list                                                  200      200      200      200      200      200      200      200      200
fieldapps:key_form_list@revoked                                          403      403      403      403      403      403      403      403      403
fieldapps:key_form_xml                                                   200      200      200      200      200      200      200      200      200
fieldapps:key_manifest                                                   200      200      200      200      200      200      200      200      200
fieldapps:key_media                                                      200      200      200      200      200      200      200      200      200
fieldapps:key_submission                                                 400      400      400      400      400      400      400      400      400
"""


def format_row(key, outcomes, writes=()):
    cells = [outcomes[role] + ("*" if role in writes else "") for role in ROLES]
    return f"{key:<72} " + " ".join(f"{cell:<8}" for cell in cells).rstrip()


def _parse(table):
    rows = {}
    for line in table.strip().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        key, *cells = line.split()
        if key in ("GET", "POST", "PUT", "DELETE", "PATCH"):
            key = f"{key} {cells.pop(0)}"
        assert len(cells) == len(ROLES), f"row {key!r}: {len(cells)} cells for {len(ROLES)} roles"
        assert key not in rows, f"row {key!r} twice"
        rows[key] = dict(zip(ROLES, cells))
    return rows


EXPECTED = _parse(TABLE)
