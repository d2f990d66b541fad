"""`siaga intel ...`: intelligence products (LI, Lapsus, Kirka, Lapinhar, forwarding up the chain),
early-warning alerts, cases."""

from datetime import date

from siaga.cli import CommandError, cli_actor, print_json

KINDS = ["politik_uang", "hoaks", "sara", "netralitas_asn", "netralitas_tni_polri", "netralitas_kades", "intimidasi"]


def register(sub):
    intel = sub.add_parser("intel", help="Dit Intelkam: LI, Lapinhar, early warning, cases").add_subparsers(
        dest="action", required=True)
    li = intel.add_parser("li", help="information reports (Laporan Informasi)").add_subparsers(dest="li",
                                                                                              required=True)
    p = li.add_parser("create", help="write an LI (numbered in the unit's series)")
    p.add_argument("--title", required=True)
    _product_args(p)
    p.add_argument("--date", help="day of the information, YYYY-MM-DD (default: today)")
    p.add_argument("--source", required=True)
    p.add_argument("--grade", required=True, help="source reliability A-F and credibility 1-6, e.g. B2")
    p.add_argument("--facts", required=True)
    p.add_argument("--analysis", default="")
    p.set_defaults(func=cmd_li_create)
    p = li.add_parser("list", help="LIs you may read (each read is logged)")
    p.add_argument("--area")
    p.add_argument("--date")
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_li_list)
    p = li.add_parser("show", help="one LI (the read is logged)")
    p.add_argument("id", type=int)
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_li_show)
    lapsus = intel.add_parser("lapsus", help="special reports (Laporan Khusus)").add_subparsers(dest="lapsus",
                                                                                             required=True)
    p = lapsus.add_parser("create", help="write a Lapsus on one event (numbered in the unit's series)")
    _product_args(p)
    p.add_argument("--title", required=True)
    p.add_argument("--date", help="day of the event, YYYY-MM-DD (default: today)")
    p.add_argument("--what", required=True, help="what happened")
    p.add_argument("--where", default="", help="the place")
    p.add_argument("--when", default="", help="the time, e.g. 14.30 WITA")
    p.add_argument("--who", default="", help="who was involved")
    p.add_argument("--cause", default="")
    p.add_argument("--action", default="", help="the action taken")
    p.add_argument("--incident", type=int, help="id of the related incident")
    p.set_defaults(func=cmd_lapsus_create)
    kirka = intel.add_parser("kirka", help="situation estimates (Perkiraan Keadaan)").add_subparsers(
        dest="kirka", required=True)
    p = kirka.add_parser("create", help="write a Kirka for a stage and an area, citing the threat register")
    _product_args(p)
    p.add_argument("--operation", type=int, required=True, help="operation id (siaga plan operations)")
    p.add_argument("--stage", required=True, help="stage kind, e.g. kampanye, tenang, pemungutan")
    p.add_argument("--situation", default="")
    p.add_argument("--threat", type=int, action="append",
                   help="id of a threat-register entry to cite (repeatable; default: those of the stage and area)")
    p.set_defaults(func=cmd_kirka_create)
    p = intel.add_parser("forward", help="send a product up the chain (Polsek -> Polres -> Polda)")
    p.add_argument("product", type=int, help="product id")
    p.add_argument("--to", help="code of the unit above (default: the next one up)")
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_forward)
    p = intel.add_parser("ack", help="acknowledge a product forwarded to your unit")
    p.add_argument("forward", type=int, help="forward id (siaga intel forward prints it)")
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ack)
    p = intel.add_parser("lapinhar", help="compile the daily report of an area and write it as DOCX or PDF")
    p.add_argument("--date", required=True)
    p.add_argument("--area", required=True)
    p.add_argument("--format", choices=["docx", "pdf"], default="pdf")
    p.add_argument("--output", required=True)
    p.add_argument("--as", dest="actor")
    p.set_defaults(func=cmd_lapinhar)
    p = intel.add_parser("watch", help="evaluate the early-warning rules and list the open alerts")
    p.add_argument("--today", help="the day to evaluate, YYYY-MM-DD (default: today)")
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_watch)
    case = intel.add_parser("case", help="election-offence cases").add_subparsers(dest="case", required=True)
    p = case.add_parser("open", help="open a case")
    p.add_argument("--kind", required=True, choices=KINDS)
    p.add_argument("--title", required=True)
    p.add_argument("--area", required=True, help="desa (or wider) region code")
    p.add_argument("--date", required=True)
    p.add_argument("--summary", default="")
    p.add_argument("--subject", action="append", default=[], help="a person or group involved (repeatable)")
    p.add_argument("--link", action="append", default=[])
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_case_open)
    p = case.add_parser("list", help="cases in your area, with possible duplicates")
    p.add_argument("--kind", choices=KINDS)
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_case_list)


def _product_args(p):
    p.add_argument("--area", required=True, help="region code")
    p.add_argument("--classification", default="terbatas",
                   choices=["biasa", "terbatas", "rahasia", "sangat_rahasia"])
    p.add_argument("--assessment", default="")
    p.add_argument("--recommendation", default="")
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")


def _day(text, default_today=True):
    from django.utils import timezone

    if not text:
        return timezone.localdate() if default_today else None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"tanggal tidak valid: {text} (YYYY-MM-DD)", en=f"invalid date: {text} (YYYY-MM-DD)")


def _li_row(p):
    return {"id": p.pk, "number": p.number, "title": p.title, "area_code": p.area_code, "day": p.day,
            "classification": p.classification, "grade": p.grade, "author_agency": p.author_agency.code}


def cmd_li_create(args):
    from siaga.intel.services import li_create

    grade = args.grade.strip().upper()
    if len(grade) != 2 or grade[0] not in "ABCDEF" or grade[1] not in "123456":
        raise CommandError(f"nilai harus huruf A-F dan angka 1-6, mis. B2: {args.grade}",
                           en=f"grade must be a letter A-F and a digit 1-6, e.g. B2: {args.grade}")
    product = li_create(actor=cli_actor(args.actor), title=args.title, area_code=args.area, day=_day(args.date),
                        classification=args.classification, source=args.source, source_reliability=grade[0],
                        credibility=int(grade[1]), facts=args.facts, analysis=args.analysis,
                        assessment=args.assessment, recommendation=args.recommendation)
    if args.json:
        print_json(_li_row(product))
    else:
        print(f"LI dibuat / created: {product.number} (#{product.pk})")


def cmd_li_list(args):
    from siaga.intel.services import products_open

    rows = products_open(reader=cli_actor(args.actor), via="cli", kind="li", area=args.area,
                         day=_day(args.date, default_today=False))
    if args.json:
        print_json([_li_row(p) for p in rows])
    else:
        print(f"{len(rows)} LI")
        for p in rows:
            print(f"  #{p.pk} {p.number} {p.title} [{p.classification}]")


def cmd_li_show(args):
    from siaga.intel.services import product_open

    p = product_open(reader=cli_actor(args.actor), pk=args.id, via="cli")
    row = {**_li_row(p), "source": p.source, "facts": p.facts, "analysis": p.analysis,
           "assessment": p.assessment, "recommendation": p.recommendation}
    if args.json:
        print_json(row)
    else:
        for key, value in row.items():
            print(f"{key}: {value}")


def cmd_lapinhar(args):
    from pathlib import Path

    from siaga.intel.document import product_document
    from siaga.intel.services import lapinhar_compile, product_reads_log

    actor = cli_actor(args.actor)
    product = lapinhar_compile(actor=actor, day=_day(args.date), area_code=args.area)
    data = product_document(product, viewer=actor, fmt=args.format)
    product_reads_log(reader=actor, products=[product], via="document")
    Path(args.output).write_bytes(data)
    c = product.compiled
    print(f"Lapinhar {product.number}: {len(c['li'])} LI, {len(c['incidents'])} kejadian, "
          f"{len(c['alerts'])} peringatan -> {args.output}")


def cmd_watch(args):
    from siaga.intel.selectors import alert_list
    from siaga.intel.services import watch_evaluate
    from siaga.regions.models import Region

    actor = cli_actor(args.actor)
    result = watch_evaluate(actor=actor, today=_day(args.today))
    alerts = list(alert_list(viewer=actor, open_only=True))
    names = dict(Region.objects.filter(code__in={a.area_code for a in alerts}).values_list("code", "name"))
    rows = [{"id": a.pk, "rule": a.rule.name, "indicator": a.rule.indicator, "category": a.rule.category,
             "area_code": a.area_code, "area_name": names.get(a.area_code, a.area_code), "fired_on": a.fired_on, "value": a.value, "previous": a.previous,
             "reason": a.reason, "referral_id": a.referral_id, "new": a in result["fired"]}
            for a in alerts]
    if args.json:
        print_json(rows)
    else:
        print(f"{len(rows)} peringatan dini aktif / open alerts ({len(result['fired'])} baru / new)")
        for row in rows:
            print(f"  #{row['id']} {row['rule']} · {row['area_name']} ({row['area_code']}): {row['reason']}")


def _case_row(c):
    return {"id": c.pk, "kind": c.kind, "title": c.title, "area_code": c.area_code, "occurred_on": c.occurred_on,
            "status": c.status, "subjects": c.subject_list, "gakkumdu_id": c.gakkumdu_id}


def cmd_case_open(args):
    from siaga.intel.services import case_open

    case = case_open(actor=cli_actor(args.actor), kind=args.kind, title=args.title, area_code=args.area,
                     occurred_on=_day(args.date), summary=args.summary, subjects=args.subject, links=args.link)
    if args.json:
        print_json(_case_row(case))
    else:
        print(f"Kasus dibuka / case opened: #{case.pk} {case.title}")


def cmd_case_list(args):
    from siaga.intel.selectors import case_list
    from siaga.intel.services import case_duplicates

    actor = cli_actor(args.actor)
    rows = [{**_case_row(c), "possible_duplicates": [d.pk for d in case_duplicates(viewer=actor, case=c)]}
            for c in case_list(viewer=actor, kind=args.kind)]
    if args.json:
        print_json(rows)
    else:
        print(f"{len(rows)} kasus / cases")
        for row in rows:
            print(f"  #{row['id']} [{row['kind']}] {row['title']} ({row['status']})")


def _product_row(p):
    return {**_li_row(p), "kind": p.kind, "stage": p.stage.kind if p.stage else None,
            "threats": sorted(p.threats.values_list("pk", flat=True))}


def _created(args, product, word):
    if args.json:
        print_json(_product_row(product))
    else:
        print(f"{word} dibuat / created: {product.number} (#{product.pk})")


def cmd_lapsus_create(args):
    from siaga.intel.services import lapsus_write
    from siaga.operations.selectors import incident_get

    actor = cli_actor(args.actor)
    incident = incident_get(viewer=actor, pk=args.incident) if args.incident else None
    product = lapsus_write(actor=actor, title=args.title, area_code=args.area, day=_day(args.date),
                           classification=args.classification, what=args.what, where=args.where,
                           when=args.when, who=args.who, cause=args.cause, action=args.action,
                           assessment=args.assessment, recommendation=args.recommendation, incident=incident)
    _created(args, product, "Lapsus")


def cmd_kirka_create(args):
    from siaga.intel.services import kirka_write
    from siaga.planning.selectors import operation_get

    actor = cli_actor(args.actor)
    operation = operation_get(viewer=actor, pk=args.operation)
    stage = operation.stages.filter(kind=args.stage).first()
    if stage is None:
        kinds = ", ".join(operation.stages.values_list("kind", flat=True)) or "-"
        raise CommandError(f"tahap {args.stage} tidak ada di operasi #{operation.pk} (ada: {kinds})",
                           en=f"stage {args.stage} is not in operation #{operation.pk} (there are: {kinds})")
    product = kirka_write(actor=actor, operation=operation, stage=stage, area_code=args.area,
                          classification=args.classification, assessment=args.assessment,
                          recommendation=args.recommendation, facts=args.situation, threat_ids=args.threat)
    _created(args, product, "Kirka")


def _forward_row(f):
    return {"id": f.pk, "product_id": f.product_id, "number": f.product.number, "from": f.from_agency.code,
            "to": f.to_agency.code, "sent_at": f.sent_at, "acknowledged_at": f.acknowledged_at,
            "acknowledged_by": f.acknowledged_by.username if f.acknowledged_by else None}


def cmd_forward(args):
    from siaga.accounts.models import Agency
    from siaga.intel.selectors import product_get
    from siaga.intel.services import product_forward

    actor = cli_actor(args.actor)
    product = product_get(viewer=actor, pk=args.product)
    target = None
    if args.to:
        target = Agency.objects.filter(code=args.to).first()
        if target is None:
            raise CommandError(f"satuan tidak dikenal: {args.to}", en=f"unknown unit: {args.to}")
    forward = product_forward(actor=actor, product=product, to_agency=target)
    if args.json:
        print_json(_forward_row(forward))
    else:
        print(f"Diteruskan / forwarded: {product.number} -> {forward.to_agency.name} (terusan / forward #{forward.pk})")


def cmd_ack(args):
    from siaga.intel.selectors import forwards_inbox
    from siaga.intel.services import forward_acknowledge

    actor = cli_actor(args.actor)
    forward = forwards_inbox(viewer=actor).filter(pk=args.forward).first()
    if forward is None:
        raise CommandError(f"terusan #{args.forward} tidak ada di kotak masuk satuan Anda",
                           en=f"forward #{args.forward} is not in your unit's inbox")
    forward = forward_acknowledge(actor=actor, forward=forward)
    if args.json:
        print_json(_forward_row(forward))
    else:
        print(f"Diterima / acknowledged: {forward.product.number} oleh / by {actor.username}")
