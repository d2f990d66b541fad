"""`siaga transport load|route|landmasses` and `siaga weather import`."""

from datetime import datetime
from pathlib import Path

from siaga.cli import CommandError, cli_actor, print_json


def register(sub):
    actions = sub.add_parser("transport", help="ports, sea links, routes").add_subparsers(dest="action", required=True)
    p = actions.add_parser("load", help="load ports and links from a CSV/XLSX or GeoJSON file (all or nothing)")
    p.add_argument("file")
    p.add_argument("--as", dest="actor", help="act as this user (audit)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_load)
    p = actions.add_parser("route", help="fastest route between two places (port, TPS or region code)")
    p.add_argument("--from", dest="frm", required=True)
    p.add_argument("--to", required=True)
    p.add_argument("--at", help="departure, YYYY-MM-DDTHH:MM (local); the forecast of that day closes links")
    p.add_argument("--province", default="74")
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_route)
    p = actions.add_parser("landmasses", help="compute the landmasses of a province from its desa boundaries")
    p.add_argument("--province", default="74")
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_landmasses)
    weather = sub.add_parser("weather", help="marine weather").add_subparsers(dest="action", required=True)
    p = weather.add_parser("import", help="import a BMKG marine forecast per sea area and day (CSV/XLSX)")
    p.add_argument("file")
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_weather_import)


def _read(path):
    try:
        return Path(path).read_bytes()
    except OSError:
        raise CommandError(f"berkas tidak dapat dibaca: {path}", en=f"cannot read file: {path}") from None


def _imported(fn, args):
    from siaga.core.importkit import ImportRejected, problem_dict

    try:
        counts = fn(actor=cli_actor(args.actor), data=_read(args.file), filename=Path(args.file).name,
                    lang=args.lang)
    except ImportRejected as exc:
        if args.json:
            print_json({"ok": False, "errors": [problem_dict(p) for p in exc.problems]})
        first = exc.problems[0].message if exc.problems else ""
        raise CommandError(f"berkas ditolak ({exc.total} masalah): {first}",
                           en=f"file rejected ({exc.total} problem(s)): {first}") from None
    if args.json:
        print_json({"ok": True, **counts})
    else:
        print(counts)


def cmd_load(args):
    from siaga.transport.network_import import network_import

    _imported(network_import, args)


def cmd_weather_import(args):
    from siaga.transport.weather_import import forecast_import

    _imported(forecast_import, args)


def cmd_landmasses(args):
    from siaga.transport.services import landmasses_build

    n = landmasses_build(actor=cli_actor(args.actor), province_code=args.province)
    print_json({"landmasses": n}) if args.json else print(f"{n} daratan/landmasses")


def cmd_route(args):
    from siaga.transport.selectors import place, route_between

    viewer = cli_actor(args.actor)
    at = None
    if args.at:
        try:
            at = datetime.fromisoformat(args.at)
        except ValueError:
            raise CommandError(f"waktu tidak valid: {args.at} (YYYY-MM-DDTHH:MM)",
                               en=f"invalid time: {args.at} (YYYY-MM-DDTHH:MM)") from None
    ends = []
    for code in (args.frm, args.to):
        found = place(viewer=viewer, code=code)
        if found is None:
            raise CommandError(f"tempat tidak dikenal: {code} (kode pelabuhan, TPS atau wilayah)",
                               en=f"unknown place: {code} (port, TPS or region code)")
        ends.append(found)
    out = route_between(viewer=viewer, province_code=args.province, frm=ends[0], to=ends[1], at=at)
    if out is None:
        raise CommandError("jaringan transportasi belum dimuat (siaga transport load, siaga transport landmasses)",
                           en="no transport network loaded (siaga transport load, siaga transport landmasses)")
    if args.json:
        print_json(out)
        return
    if not out["reachable"]:
        print(f"{out['from']} -> {out['to']}: tidak ada rute / no route")
    for leg in out.get("legs", []):
        print(f"  {leg['mode']:5} {leg['from']} -> {leg['to']} {leg['minutes']} menit {leg['operator']}")
    if "minutes" in out:
        print(f"Total {out['minutes']} menit/minutes ({out['hours']} jam/h)")
    for c in out["closed"]:
        print(f"  DITUTUP/CLOSED {c['link']}: {c['reason']}")
    if out["closed"]:
        alt = out["alternative"]
        if alt is None:
            print("  Tidak ada rute lain / no alternative route")
        else:
            kind = "kapal Polairud/TNI AL" if out["contingency"] else "rute lain / alternative"
            print(f"  {kind}: {alt['minutes']} menit/minutes, tiba/arrive {alt['arrive']}")
        if out["later_window"]:
            print(f"  Jendela cuaca berikutnya / next weather window: {out['later_window']}")
