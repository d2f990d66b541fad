"""`siaga plan deploy`, `siaga personel import`, `siaga pola import`."""

from siaga.cli import CommandError, cli_actor, input_file, print_json, print_summary, region_arg, report_rejection


def register(sub):
    group = sub.choices.get("plan") or sub.add_parser("plan", help="plans: deployment, operations, documents")
    actions = getattr(group, "_siaga_actions", None) or group.add_subparsers(dest="action", required=True)
    group._siaga_actions = actions
    p = actions.add_parser("deploy", help="plan TPS posts and personnel for an area and store the plan")
    p.add_argument("--province", help="province code (the Polda plan)")
    p.add_argument("--area", help="a kab/kota code instead (a Polres plan)")
    p.add_argument("--operation", help="pattern set operation (default: the newest)")
    p.add_argument("--method", choices=["optimal", "greedy"], default="optimal")
    p.add_argument("--dry-run", action="store_true", help="compute and print, store nothing")
    p.add_argument("--as", dest="actor", help="act as this user (scope and audit)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_plan_deploy)

    personel = sub.add_parser("personel", help="units and personnel").add_subparsers(dest="action", required=True)
    p = personel.add_parser("import", help="import a roster (NRP per row) or counts per unit: all rows or none")
    p.add_argument("file")
    p.add_argument("--lang", choices=["id", "en"], default="id")
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import, importer="personnel")
    pola = sub.add_parser("pola", help="security patterns").add_subparsers(dest="action", required=True)
    p = pola.add_parser("import", help="import security patterns per class (CSV/XLSX): a new version")
    p.add_argument("file")
    p.add_argument("--province", help="province of rows without a provinsi column (default: the user's)")
    p.add_argument("--lang", choices=["id", "en"], default="id")
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import, importer="pattern")


def unit_rows(actor, plan, area):
    """Per Polres (Polsek for a kab/kota plan): the figures of the deployment page's unit table, same selector."""
    from siaga.deployment.selectors import unit_table

    return [{"unit": r["unit"].code, "name": r["unit"].name, **{k: r[k] for k in
             ("required", "available", "own", "bko", "assigned", "shortfall")}}
            for r in unit_table(viewer=actor, plan=plan, area=area)]


def cmd_plan_deploy(args):
    from django.core.exceptions import PermissionDenied

    from siaga.core.planner import PlanningError
    from siaga.deployment.services import plan_compute, plan_generate

    if not (args.area or args.province):
        raise CommandError("--province atau --area wajib", en="--province or --area is required")
    area = region_arg(args.area) if args.area else region_arg(args.province, province=True)
    actor = cli_actor(args.actor)
    try:
        if args.dry_run:
            computed, _, _ = plan_compute(viewer=actor, area=area, operation=args.operation, method=args.method)
            summary = computed.summary()
        else:
            plan = plan_generate(actor=actor, area=area, operation=args.operation, method=args.method)
            summary = {"plan": plan.pk, "incremental": plan.incremental, "moves": len(plan.moves), **plan.summary,
                       "unit_table": unit_rows(actor, plan, area)}
    except PlanningError as exc:
        raise CommandError(exc.messages["id"], en=exc.messages["en"]) from None
    except PermissionDenied:
        raise CommandError(f"akses ditolak untuk wilayah {area}", en=f"access denied for area {area}") from None
    if args.json:
        print_json(summary)
        return
    print(f"Pos: {summary['posts']}, Polri dibutuhkan/required {summary['polri_required']}, "
          f"ditugaskan/assigned {summary['polri_assigned']}, kekurangan/shortfall {summary['shortfall']}, "
          f"BKO {summary['bko']}, Linmas {summary['linmas_required']}, {summary['total_travel_km']:.1f} km "
          f"({summary['status']})")
    short = [u for u in summary.get("unit_table", []) if u["shortfall"]]
    for u in sorted(short, key=lambda u: -u["shortfall"]):
        print(f"  {u['name']}: dibutuhkan/required {u['required']}, ditugaskan/assigned {u['assigned']} "
              f"(BKO {u['bko']}), kekurangan/shortfall {u['shortfall']}")


def cmd_import(args):
    from siaga.deployment.pattern_import import pattern_import
    from siaga.core.importkit import ImportRejected
    from siaga.deployment.roster_import import personnel_import

    path = input_file(args.file)
    run = personnel_import if args.importer == "personnel" else pattern_import
    extra = {"province": args.province} if args.importer == "pattern" else {}
    try:
        result = run(actor=cli_actor(args.actor), data=path.read_bytes(), filename=path.name, lang=args.lang,
                     **extra)
    except ImportRejected as rejected:
        return report_rejection(rejected, filename=path.name, lang=args.lang, as_json=args.json)
    what = {"personnel": ("Personel diimpor", "Personnel imported"),
            "pattern": ("Pola pengamanan diimpor", "Security patterns imported")}[args.importer]
    print_summary(f"{what[args.lang == 'en']} ({path.name})", result, args.json)
