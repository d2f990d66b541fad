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
    objek = sub.add_parser("objek", help="guarded objects beside TPS").add_subparsers(dest="action", required=True)
    p = objek.add_parser("import", help="import guarded objects, or their patterns (a polri_per_objek column), "
                                        "from CSV/XLSX: all rows or none")
    p.add_argument("file")
    p.add_argument("--province", help="province of pattern rows without a provinsi column (default: the user's)")
    p.add_argument("--lang", choices=["id", "en"], default="id")
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import, importer="objects")
    linmas = sub.add_parser("linmas", help="Linmas roster per desa").add_subparsers(dest="action", required=True)
    p = linmas.add_parser("import", help="import Linmas counts per desa (kode_desa, jumlah_linmas): all rows or none")
    p.add_argument("file")
    p.add_argument("--lang", choices=["id", "en"], default="id")
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import, importer="linmas")


def cmd_import(args):
    from siaga.core.importkit import ImportRejected
    from siaga.deployment.linmas_import import linmas_import
    from siaga.deployment.object_import import guard_import
    from siaga.deployment.pattern_import import pattern_import
    from siaga.deployment.roster_import import personnel_import

    path = input_file(args.file)
    run = {"personnel": personnel_import, "pattern": pattern_import, "objects": guard_import,
           "linmas": linmas_import}[args.importer]
    extra = {"province": args.province} if args.importer in ("pattern", "objects") else {}
    try:
        result = run(actor=cli_actor(args.actor), data=path.read_bytes(), filename=path.name, lang=args.lang,
                     **extra)
    except ImportRejected as rejected:
        return report_rejection(rejected, filename=path.name, lang=args.lang, as_json=args.json)
    what = {"personnel": ("Personel diimpor", "Personnel imported"),
            "pattern": ("Pola pengamanan diimpor", "Security patterns imported"),
            "objects": ("Objek pengamanan diimpor", "Guarded objects imported"),
            "linmas": ("Linmas diimpor", "Linmas imported")}[args.importer]
    print_summary(f"{what[args.lang == 'en']} ({path.name})", result, args.json)
