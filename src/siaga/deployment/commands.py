"""`siaga plan deploy`, `siaga personel import`, `siaga pola import`."""

import sys
from pathlib import Path

from siaga.cli import CommandError, cli_actor, print_json


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


def cmd_plan_deploy(args):
    from django.core.exceptions import PermissionDenied

    from siaga.core.planner import PlanningError
    from siaga.deployment.services import plan_compute, plan_generate

    area = args.area or args.province
    if not area:
        raise CommandError("--province atau --area wajib / --province or --area is required")
    actor = cli_actor(args.actor)
    try:
        if args.dry_run:
            computed, _, _ = plan_compute(viewer=actor, area=area, operation=args.operation, method=args.method)
            summary = computed.summary()
        else:
            plan = plan_generate(actor=actor, area=area, operation=args.operation, method=args.method)
            summary = {"plan": plan.pk, "incremental": plan.incremental, "moves": len(plan.moves), **plan.summary}
    except PlanningError as exc:
        raise CommandError(f"{exc.messages['id']} / {exc.messages['en']}")
    except PermissionDenied:
        raise CommandError(f"akses ditolak untuk wilayah {area} / access denied for area {area}")
    if args.json:
        print_json(summary)
        return
    print(f"Pos: {summary['posts']}, Polri dibutuhkan/required {summary['polri_required']}, "
          f"ditugaskan/assigned {summary['polri_assigned']}, kekurangan/shortfall {summary['shortfall']}, "
          f"BKO {summary['bko']}, Linmas {summary['linmas_required']}, {summary['total_travel_km']:.1f} km "
          f"({summary['status']})")


def cmd_import(args):
    from siaga.deployment.pattern_import import pattern_import
    from siaga.core.importkit import ImportRejected, problem_dict
    from siaga.deployment.roster_import import personnel_import

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"berkas tidak ditemukan / file not found: {path}")
    run = personnel_import if args.importer == "personnel" else pattern_import
    extra = {"province": args.province} if args.importer == "pattern" else {}
    try:
        result = run(actor=cli_actor(args.actor), data=path.read_bytes(), filename=path.name, lang=args.lang,
                     **extra)
    except ImportRejected as rejected:
        errors = [problem_dict(p) for p in rejected.problems]
        if args.json:
            print_json({"errors": errors})
        else:
            title = "Tidak ada yang disimpan" if args.lang == "id" else "Nothing was saved"
            print(f"{title}: {rejected.total} problem(s) in {path.name}", file=sys.stderr)
            for e in errors:
                print(f"  {e['message']}", file=sys.stderr)
        return 1
    if args.json:
        print_json(result)
    else:
        print(result)
