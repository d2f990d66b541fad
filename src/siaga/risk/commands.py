"""`siaga risk ...`: catalogues, scoring, explanations, observation import, exports."""

import io
import sys
from pathlib import Path

from siaga.cli import CommandError, cli_actor, input_file, number, print_json, print_summary, region_arg, report_rejection


IKP_IMPORT_HELP = (
    "import Bawaslu's IKP from CSV or XLSX, all rows or none: one row per area with edisi, tanggal_rilis, jenis "
    "(umum|tematik), tema, sumber, kode_wilayah, nama_wilayah, skor, kategori (blank: read from the bands), "
    "pita_rendah, pita_sedang, pita_tinggi (e.g. '< 21,7', '21,7-68,5', '68,5-100'), and 'dimensi: NAME' / "
    "'subdimensi: DIMENSION > NAME' columns; see src/siaga/risk/data/ikp_2024.csv")
ELECTIONS = ["pemilu", "pilkada"]  # regions.models.Election (not imported: the parser is built before Django)


def register(sub):
    risk = sub.add_parser("risk", help="vulnerability mapping (pemetaan kerawanan)").add_subparsers(
        dest="action", required=True)
    cat = risk.add_parser("catalogues", help="indicator catalogues").add_subparsers(dest="what", required=True)
    p = cat.add_parser("load", help="store the published catalogues (idempotent)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_catalogues_load)
    p = cat.add_parser("list", help="every catalogue with its variables, indicators and citations")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_catalogues_list)
    p = risk.add_parser("score", help="score every TPS and area index of a province, per election")
    p.add_argument("--province", required=True)
    p.add_argument("--election", choices=ELECTIONS, help="score only this election (default: every election)")
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_score)
    p = risk.add_parser("explain", help="class, score and contributing indicators of one TPS")
    p.add_argument("tps")
    p.add_argument("--election", choices=ELECTIONS,
                   help="the TPS of this election (a code may name one in each; default: the default election's)")
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_explain)
    p = risk.add_parser("import", help="import observations (CSV or XLSX): all rows or none")
    p.add_argument("file")
    p.add_argument("--lang", choices=["id", "en"], default="id")
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import)
    ikp = risk.add_parser("ikp", help="Bawaslu's IKP (Indeks Kerawanan Pemilu) as published: import, show, "
                          "editions").add_subparsers(dest="what", required=True)
    p = ikp.add_parser("import", help=IKP_IMPORT_HELP, description=IKP_IMPORT_HELP)
    p.add_argument("file")
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ikp_import)
    p = ikp.add_parser("show", help="an area's IKP as published beside Siaga's own index (disagreement flagged)")
    p.add_argument("--area", required=True)
    p.add_argument("--edition", help="edition name (default: the newest general edition with the area)")
    p.add_argument("--all-editions", action="store_true", help="every edition of the area, newest first (compare)")
    p.add_argument("--election", choices=ELECTIONS, help="Siaga's index of this election (default: the default)")
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ikp_show)
    p = ikp.add_parser("editions", help="stored IKP editions with their bands per level")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ikp_editions)
    p = risk.add_parser("import-bawaslu", help="import Bawaslu's per-TPS TPS-rawan results (CSV or XLSX): "
                        "a TPS code column and one yes/no column per indicator; all rows or none")
    p.add_argument("file")
    p.add_argument("--election", choices=ELECTIONS, required=True)
    p.add_argument("--date", help="date of Bawaslu's mapping (YYYY-MM-DD; default: today)")
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import_bawaslu)
    p = risk.add_parser("export", help="TPS rawan (XLSX), classes (GeoJSON) or a map image (PNG)")
    p.add_argument("--area", required=True)
    p.add_argument("--format", choices=["xlsx", "geojson", "png"], required=True)
    p.add_argument("--election", choices=ELECTIONS, help="the election exported (default: the default election)")
    p.add_argument("--output", required=True)
    p.add_argument("--as", dest="actor")
    p.set_defaults(func=cmd_export)


def cmd_catalogues_load(args):
    from siaga.risk.catalogues import catalogues_load

    result = catalogues_load(actor=cli_actor())
    print_summary("Katalog indikator dimuat" if args.lang == "id" else "Indicator catalogues loaded", result, args.json)


def cmd_catalogues_list(args):
    from siaga.risk.selectors import catalogues_list

    data = catalogues_list()
    if args.json:
        print_json(data)
        return
    for cat in data:
        active = " *" if cat["active"] else ""
        print(f"{cat['code']} {cat['version']}{active} ({cat['authority']}, {cat['election'] or '-'}): "
              f"{len(cat['variables'])} variabel, {sum(len(v['indicators']) for v in cat['variables'])} indikator"
              f" - {cat['citation']}")
        for var in cat["variables"]:
            print(f"  {var['code']} {var['name_id']}")
            for ind in var["indicators"]:
                print(f"    {ind['code']:14} {ind['name_id']}")


def cmd_import_bawaslu(args):
    from datetime import date

    from siaga.risk.bawaslu_import import ImportRejected, bawaslu_import

    path = input_file(args.file)
    try:
        observed_on = date.fromisoformat(args.date) if args.date else None
    except ValueError:
        raise CommandError(f"tanggal '{args.date}' tidak valid (gunakan 2024-11-20)",
                           en=f"date '{args.date}' is not valid (use 2024-11-20)")
    try:
        result = bawaslu_import(actor=cli_actor(args.actor), data=path.read_bytes(), filename=path.name,
                                election=args.election, observed_on=observed_on, lang=args.lang)
    except ImportRejected as rejected:
        return report_rejection(rejected, filename=path.name, lang=args.lang, as_json=args.json)
    title = (f"Pemetaan TPS rawan Bawaslu diimpor dari {path.name}" if args.lang == "id"
             else f"Bawaslu TPS-rawan mapping imported from {path.name}")
    print_summary(title, result.as_dict(), args.json)


def cmd_score(args):
    from siaga.risk.services import risk_score

    result = risk_score(actor=cli_actor(args.actor), province_code=region_arg(args.province, province=True),
                        election=args.election)
    if args.json:
        print_json(result)
        return
    from siaga.core.scoring import CLASS_NAMES
    from siaga.regions.models import Election
    from siaga.risk.presenters import class_label

    labels = {name: class_label(k) for k, name in enumerate(CLASS_NAMES)}
    lang = getattr(args, "lang", "id")
    for election, figures in result["by_election"].items() or [(result["election"], result)]:
        print(f"{dict(Election.choices)[election]}: {number(figures['tps'], lang)} TPS: "
              + ", ".join(f"{labels.get(k, k)} {number(v, lang)}" for k, v in figures["by_class"].items()))
        if figures.get("siaga_index") is not None:
            from siaga.core.siaga_index import INDEX_NAME, LEVEL_KEYS, level_label

            print(f"  {INDEX_NAME[lang]}: {figures['siaga_index']:.2f} "
                  f"({level_label(LEVEL_KEYS.index(figures['siaga_level']), lang)})")


def cmd_explain(args):
    from django.http import Http404

    from siaga.risk.presenters import tps_explanation
    from siaga.risk.selectors import tps_risk_get

    try:
        tps, risk = tps_risk_get(viewer=cli_actor(args.actor), code=args.tps, election=args.election)
    except Http404:
        raise CommandError(f"TPS {args.tps} tidak ditemukan / not found")
    data = tps_explanation(tps, risk)
    if args.json:
        print_json(data)
        return
    score = "–" if data["score"] is None else data["score"]
    print(f"{data['tps']} {data['name']} [{data['election']}]: {data['class']} ({score})")
    for c in data["contributions"]:
        print(f"  {c['points']:6.2f}  {c['indicator']}  {c['name']}")
    for reason in data["reasons"]:
        print(f"  * {reason}")
    if data.get("views"):
        print("  Bawaslu / Polri / Gabungan: " + " / ".join(
            (data["views"].get(v) or {}).get("class_label", "–") for v in ("bawaslu", "polri", "gabungan")))
    if data.get("provenance"):
        print("  <- " + ", ".join(data["provenance"]["decided_by"]))
        for o in data["provenance"]["observations"]:
            print(f"     {o['indicator']}  {o['source']}  {o['date']}  {o['value']:g}")


def cmd_import(args):
    from siaga.risk.obs_import import ImportRejected, observations_import

    path = input_file(args.file)
    try:
        result = observations_import(actor=cli_actor(args.actor), data=path.read_bytes(), filename=path.name,
                                     lang=args.lang)
    except ImportRejected as rejected:
        return report_rejection(rejected, filename=path.name, lang=args.lang, as_json=args.json)
    title = f"Pengamatan diimpor dari {path.name}" if args.lang == "id" else f"Observations imported from {path.name}"
    print_summary(title, result.as_dict(), args.json)


def cmd_export(args):
    from siaga.risk import exports
    from siaga.risk.selectors import election_or_default

    actor = cli_actor(args.actor)
    area = region_arg(args.area)
    writer = {"xlsx": exports.tps_rawan_xlsx, "geojson": exports.classes_geojson, "png": exports.map_png}[args.format]
    out = io.BytesIO()  # the file is written only when the export succeeded
    election = election_or_default(args.election)
    writer(viewer=actor, area=area, out=out, election=election)
    Path(args.output).write_bytes(out.getvalue())
    print(f"{args.format.upper()} {area} -> {args.output} ({election})", file=sys.stderr)


def cmd_ikp_import(args):
    from siaga.core.importkit import ImportRejected
    from siaga.risk.ikp_import import ikp_import

    path = input_file(args.file)
    try:
        result = ikp_import(actor=cli_actor(args.actor), data=path.read_bytes(), filename=path.name, lang=args.lang)
    except ImportRejected as rejected:
        return report_rejection(rejected, filename=path.name, lang=args.lang, as_json=args.json)
    data = result.as_dict()
    if args.json:
        print_json({k: data[k] for k in ("created", "updated", "unchanged", "errors")})
        return
    title = f"IKP diimpor dari {path.name}" if args.lang == "id" else f"IKP imported from {path.name}"
    print_summary(title, {k: data[k] for k in ("created", "updated", "unchanged")}, False)


def cmd_ikp_show(args):
    from django.http import Http404

    from siaga.risk.presenters import ikp_score_view
    from siaga.risk.selectors import area_risk_get, ikp_area_scores

    actor, area = cli_actor(args.actor), region_arg(args.area)
    try:
        region, scores = ikp_area_scores(viewer=actor, code=area, edition=args.edition,
                                         all_editions=args.all_editions)
    except Http404:
        raise CommandError(f"wilayah {area} tidak ditemukan", en=f"area {area} not found")
    if not scores:
        what = f"edisi '{args.edition}'" if args.edition else "edisi mana pun"
        raise CommandError(f"belum ada IKP untuk {area} ({what}); impor dengan `siaga risk ikp import`",
                           en=f"no IKP for {area} ({args.edition or 'any edition'}); import one with "
                              "`siaga risk ikp import`")
    _region, siaga = area_risk_get(viewer=actor, code=area, election=args.election)
    views = [ikp_score_view(s, siaga, args.lang) for s in scores]
    if args.json:
        print_json({"area": area, "editions": views} if args.all_editions else views[0])
        return
    for v in views:
        print(f"{v['area']} {v['area_name']} · {v['edition']} ({v['released_on']}): {v['score']:.2f} ({v['band']})")
        for d in v["dimensions"]:
            print(f"  {d['name']}: {'–' if d['score'] is None else d['score']}")
            for s in d["subdimensions"]:
                print(f"    {s['name']}: {s['score']}")
    v = views[0]
    if v["siaga_index"] is not None:
        name = "Indeks Kerawanan Siaga" if args.lang == "id" else "Siaga Vulnerability Index"
        print(f"{name}: {v['siaga_index']:.2f} ({v['siaga_level_label']})")
    for v in views:
        if v["disagreement"]:
            print(f"! {v['disagreement_note']}")


def cmd_ikp_editions(args):
    from siaga.risk.selectors import ikp_editions

    rows = [{"edition": e.name, "released_on": e.released_on.isoformat(), "kind": e.kind, "theme": e.theme,
             "source": e.source, "areas": e.n_scores,
             "bands": {("provinsi" if level == 1 else "kabkota"): [
                 {"name": b.name, "lower": b.lower, "upper": b.upper} for b in e.bands.all() if b.level == level]
                 for level in sorted({b.level for b in e.bands.all()})}}
            for e in ikp_editions(viewer=None)]
    if args.json:
        print_json(rows)
        return
    if not rows:
        print("Belum ada edisi IKP." if args.lang == "id" else "No IKP edition yet.")
    for r in rows:
        print(f"{r['edition']} ({r['released_on']}, {r['kind']}{', ' + r['theme'] if r['theme'] else ''}): "
              f"{r['areas']} " + ("wilayah" if args.lang == "id" else "areas"))
