"""`siaga personel import`, `siaga pola import` (`siaga plan deploy` is registered by the planning app,
which resolves an operation into the election, area and patterns the planner takes)."""

from siaga.cli import cli_actor, input_file, print_summary, report_rejection


def register(sub):
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
