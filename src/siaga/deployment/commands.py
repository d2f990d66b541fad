"""`siaga plan shifts`, `siaga personel import`, `siaga pola import`, `siaga objek import`, `siaga linmas import`
(`siaga plan deploy` is registered by the planning app, which resolves an operation into the election, area
and patterns the planner takes)."""

from siaga.cli import (CommandError, cli_actor, input_file, number, print_json, print_summary, region_arg,
                       report_rejection)


def register(sub):
    group = sub.choices.get("plan") or sub.add_parser("plan", help="plans: deployment, operations, documents")
    actions = getattr(group, "_siaga_actions", None) or group.add_subparsers(dest="action", required=True)
    group._siaga_actions = actions
    p = actions.add_parser("shifts", help="shifts of the newest stored plan: officer-hours and shortfall per shift")
    p.add_argument("--province", help="province code")
    p.add_argument("--area", help="a kab/kota code instead (one Polres)")
    p.add_argument("--election", choices=["pemilu", "pilkada"], help="the newest plan of this election")
    p.add_argument("--voting-day", help="YYYY-MM-DD (default: the plan's pattern duty window)")
    p.add_argument("--rest-hours", type=float, default=8.0, help="least rest between two shifts (default 8)")
    p.add_argument("--max-shift-hours", type=float, default=12.0, help="longest shift (default 12)")
    p.add_argument("--shift-hours", type=float, default=8.0, help="length of a shift a long window is cut into")
    p.add_argument("--counting-end", default="D+1 02:00", help="when counting ends (default 'D+1 02:00')")
    p.add_argument("--as", dest="actor", help="act as this user (scope)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_plan_shifts)

    imports = (("personel", "units and personnel", "personnel", False,
                "import a roster (NRP per row) or counts per unit: all rows or none"),
               ("pola", "security patterns", "pattern", True,
                "import security patterns per class (CSV/XLSX): a new version"),
               ("objek", "guarded objects beside TPS", "objects", True,
                "import guarded objects, or their patterns (a polri_per_objek column), from CSV/XLSX: all rows or none"),
               ("linmas", "Linmas roster per desa", "linmas", False,
                "import Linmas counts per desa (kode_desa, jumlah_linmas): all rows or none"))
    for group, group_help, importer, by_province, action_help in imports:
        p = sub.add_parser(group, help=group_help).add_subparsers(dest="action", required=True).add_parser(
            "import", help=action_help)
        p.add_argument("file")
        if by_province:
            p.add_argument("--province", help="province of rows without a provinsi column (default: the user's)")
        p.add_argument("--lang", choices=["id", "en"], default="id")
        p.add_argument("--as", dest="actor")
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=cmd_import, importer=importer)

def unit_rows(actor, plan, area):
    """Per Polres (Polsek for a kab/kota plan): the figures of the deployment page's unit table, same selector."""
    from siaga.deployment.selectors import unit_table

    return [{"unit": r["unit"].code, "name": r["unit"].name, **{k: r[k] for k in
             ("required", "available", "own", "bko", "assigned", "shortfall")}}
            for r in unit_table(viewer=actor, plan=plan, area=area)]


def _shift_config(args):
    import re

    from siaga.core.shifts import ShiftConfig

    match = re.fullmatch(r"D\+?(-?\d+) (\d{1,2}:\d{2})", args.counting_end.strip())
    if not match:
        raise CommandError(f"--counting-end tidak valid: {args.counting_end!r} (contoh 'D+1 02:00')",
                           en=f"invalid --counting-end: {args.counting_end!r} (e.g. 'D+1 02:00')")
    try:
        return ShiftConfig(max_shift_hours=args.max_shift_hours, shift_hours=args.shift_hours,
                           rest_hours=args.rest_hours, counting_end=(int(match[1]), match[2]))
    except ValueError:
        raise CommandError("aturan shift tidak valid: 0 < --shift-hours <= --max-shift-hours, --rest-hours >= 0, "
                           "penghitungan selesai setelah 13:00 hari H",
                           en="invalid shift rules: 0 < --shift-hours <= --max-shift-hours, --rest-hours >= 0, "
                              "counting ends after 13:00 on voting day") from None


def cmd_plan_shifts(args):
    from datetime import date

    from django.core.exceptions import PermissionDenied

    from siaga.deployment.selectors import plan_latest
    from siaga.deployment.shifts import shift_figures

    if not (args.area or args.province):
        raise CommandError("--province atau --area wajib", en="--province or --area is required")
    area = region_arg(args.area) if args.area else region_arg(args.province, province=True)
    config = _shift_config(args)
    try:
        day = date.fromisoformat(args.voting_day) if args.voting_day else None
    except ValueError:
        raise CommandError(f"tanggal tidak valid: {args.voting_day!r} (YYYY-MM-DD)",
                           en=f"invalid date: {args.voting_day!r} (YYYY-MM-DD)") from None
    try:
        plan = plan_latest(viewer=cli_actor(args.actor), area=area, election=args.election)
    except PermissionDenied:
        raise CommandError(f"akses ditolak untuk wilayah {area}", en=f"access denied for area {area}") from None
    if plan is None:
        raise CommandError(f"belum ada rencana tersimpan untuk wilayah {area} (`siaga plan deploy`)",
                           en=f"no stored plan for area {area} (`siaga plan deploy`)")
    try:
        out = shift_figures(plan, voting_day=day, config=config, area=area if area != plan.area_code else None)
    except ValueError:
        raise CommandError("pola rencana tidak punya hari pemungutan: beri --voting-day",
                           en="the plan's patterns have no voting day: give --voting-day") from None
    if args.json:
        print_json(out)
        return
    print(f"Jam-personel dibutuhkan/required {number(out['officer_hours_required'])}, "
          f"terisi/staffed {number(out['officer_hours_filled'])}, "
          f"tersedia/available {number(out['officer_hours_available'])}; personel dibutuhkan/needed "
          f"{number(out['officers_needed'])}, tersedia/available {number(out['officers_available'])} "
          f"(rencana/plan {out['plan']}, {out['voting_day']} {out['zone']})")
    for s in out["shifts"]:
        if s["shortfall"] or s["name"] in ("voting", "counting"):
            print(f"  {s['label']} {s['start'][:16].replace('T', ' ')}–{s['end'][11:16]}: "
                  f"{number(s['required'])} dibutuhkan, {number(s['filled'])} terisi, "
                  f"kurang {number(s['shortfall'])}")


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
