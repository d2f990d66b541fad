"""`siaga regions ...` and `siaga tps ...`."""

import sys
from pathlib import Path

from siaga.cli import (CommandError, cli_actor, input_file, print_json, progress_bar, region_arg,
                       report_rejection)


def register(sub):
    regions = sub.add_parser("regions", help="the region hierarchy").add_subparsers(dest="action", required=True)
    p = regions.add_parser("load", help="load provinces, kab/kota, kecamatan, desa with boundaries")
    p.add_argument("--source", help="a folder, a URL, or 'public' for the publishers' files (default: ../shared/data "
                                    "if present, else 'public')")
    p.add_argument("--province", action="append", help="only this province (repeatable); default all of Indonesia")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_regions_load)
    p = regions.add_parser("stats", help="count regions")
    p.add_argument("--province")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_regions_stats)

    tps = sub.add_parser("tps", help="the TPS registry").add_subparsers(dest="action", required=True)
    p = tps.add_parser("import", help="import a KPU/Bawaslu TPS file (CSV or XLSX): all rows or none")
    p.add_argument("file")
    p.add_argument("--map", dest="mapping", help="CSV of desa code corrections: kode_file,kode_desa")
    p.add_argument("--election", choices=["pemilu", "pilkada"], default="pemilu",
                   help="election of rows without a jenis_pemilihan column (default: pemilu)")
    p.add_argument("--lang", choices=["id", "en"], default="id")
    p.add_argument("--as", dest="actor", help="act as this user (scope and audit)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tps_import)
    p = tps.add_parser("export", help="write TPS as CSV or XLSX")
    p.add_argument("--province")
    p.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    p.add_argument("--election", choices=["pemilu", "pilkada"], help="only this election (default: both)")
    p.add_argument("--output", help="file (CSV goes to standard output when omitted)")
    p.set_defaults(func=cmd_tps_export)
    p = tps.add_parser("stats", help="count TPS and voters, per election")
    p.add_argument("--province")
    p.add_argument("--election", choices=["pemilu", "pilkada"], help="only this election")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tps_stats)
    p = tps.add_parser("generate", help="write a calibrated synthetic TPS file (demo and benchmarks)")
    p.add_argument("--province", action="append", help="province code (repeatable); default all of Indonesia")
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--election", choices=["pemilu", "pilkada"], default="pemilu")
    p.add_argument("--output", required=True)
    p.set_defaults(func=cmd_tps_generate)


def _province_codes(codes):
    """--province values as given (repeatable), checked for form only: the hierarchy may not be loaded yet."""
    if not codes:
        return None
    wrong = [c for c in codes if not (c.isdigit() and len(c) == 2)]
    if wrong:
        raise CommandError(f"kode provinsi tidak valid: {', '.join(wrong)} (dua angka, contoh: 74)",
                           en=f"invalid province code: {', '.join(wrong)} (two digits, e.g. 74)")
    return set(codes)


def cmd_regions_load(args):
    from siaga.regions.loader import default_source, regions_load

    source = args.source or default_source()
    provinces = _province_codes(args.province)
    bar = progress_bar(None, "wilayah")
    try:
        result = regions_load(source=source, provinces=provinces, actor=cli_actor(), progress=bar.update)
    finally:
        bar.close()
    if provinces and not result["created"] + result["updated"] + result["unchanged"]:
        raise CommandError(f"provinsi {', '.join(sorted(provinces))} tidak ada di sumber {source}",
                           en=f"province {', '.join(sorted(provinces))} is not in the source {source}")
    if args.json:
        print_json(result)
        return
    en = args.lang == "en"
    print((f"Regions loaded from {source}: {result['created']:,} new, {result['updated']:,} updated, "
           f"{result['unchanged']:,} unchanged, {result['geometries_written']:,} boundaries written, "
           f"{result['islands']:,} islands") if en else
          (f"Wilayah dimuat dari {source}: {result['created']:,} baru, {result['updated']:,} diubah, "
           f"{result['unchanged']:,} tetap, {result['geometries_written']:,} batas wilayah ditulis, "
           f"{result['islands']:,} pulau"))


def cmd_regions_stats(args):
    from siaga.regions.selectors import region_stats

    province = region_arg(args.province, province=True) if args.province else None
    print_stats(region_stats(viewer=cli_actor(), province=province), args.json)


def print_stats(stats, as_json):
    if as_json:
        print_json(stats)
        return
    for key, value in stats.items():
        print(f"{key:>20}: {value:,}" if isinstance(value, int) else f"{key:>20}: {value}")


def _read_mapping(path):
    import csv

    from siaga.core.codes import CodeError, normalize_region_code

    mapping = {}
    with open(path, newline="", encoding="utf-8-sig") as fh:
        for line, row in enumerate(csv.reader(fh), start=1):
            if not row:
                continue
            if line == 1 and not row[0].strip()[:1].isdigit():
                continue  # header
            try:
                mapping[normalize_region_code(row[0])] = normalize_region_code(row[1])
            except (CodeError, IndexError):
                raise CommandError(f"{path} baris {line}: kode tidak valid: {row}",
                                   en=f"{path}:{line}: invalid code: {row}") from None
    return mapping


def cmd_tps_import(args):
    from dataclasses import asdict

    from siaga.regions.tps_file import default_workers
    from siaga.regions.tps_import import ImportRejected, tps_import

    path = input_file(args.file)
    mapping = _read_mapping(args.mapping) if args.mapping else {}
    bar = progress_bar(None, "TPS")
    try:
        result = tps_import(actor=cli_actor(args.actor), data=path.read_bytes(), filename=path.name,
                            desa_mapping=mapping, lang=args.lang, progress=bar.update, workers=default_workers(),
                            election=args.election)
    except ImportRejected as rejected:
        bar.close()
        code = report_rejection(rejected, filename=path.name, lang=args.lang, as_json=args.json,
                                suggestions=[asdict(s) for s in rejected.suggestions])
        if not args.json:
            for s in rejected.suggestions:
                options = ", ".join(f"{code} {name} ({score:.0%})" for code, name, score in s.candidates)
                print(f"  ? {s.file_code} {s.file_name}: {options or '-'}", file=sys.stderr)
        return code
    bar.close()
    if args.json:
        print_json(result.as_dict())
    elif args.lang == "en":
        print(f"TPS imported from {path.name}: {result.created:,} new, {result.updated:,} updated, "
              f"{result.unchanged:,} unchanged")
    else:
        print(f"TPS diimpor dari {path.name}: {result.created:,} baru, {result.updated:,} diubah, "
              f"{result.unchanged:,} tetap")


def cmd_tps_export(args):
    from siaga.regions.tps_export import tps_export

    actor = cli_actor()
    province = region_arg(args.province, province=True) if args.province else None
    if not args.output:
        if args.format == "xlsx":
            raise CommandError("XLSX perlu --output", en="XLSX needs --output")
        tps_export(viewer=actor, province=province, fmt="csv", out=sys.stdout.buffer, election=args.election)
        return
    with open(args.output, "wb") as out:
        n = tps_export(viewer=actor, province=province, fmt=args.format, out=out, election=args.election)
    print(f"{n:,} TPS -> {args.output}", file=sys.stderr)


def cmd_tps_stats(args):
    from siaga.regions.selectors import default_election, tps_stats

    province = region_arg(args.province, province=True) if args.province else None
    viewer = cli_actor()
    if args.election:
        print_stats(tps_stats(viewer=viewer, province=province, election=args.election), args.json)
        return
    # TPS codes repeat between the elections: the figures are those of the default one, with the
    # count of each election beside them.
    election = default_election()
    stats = {"election": election, **tps_stats(viewer=viewer, province=province, election=election)}
    stats["by_election"] = {e: tps_stats(viewer=viewer, province=province, election=e)["tps"]
                            for e in ("pemilu", "pilkada")}
    print_stats(stats, args.json)


def cmd_tps_generate(args):
    from siaga.regions.demo import generate_tps_file

    provinces = {region_arg(code, province=True) for code in args.province} if args.province else None
    n = generate_tps_file(provinces=provinces, seed=args.seed, election=args.election, output=args.output)
    if not n:
        Path(args.output).unlink(missing_ok=True)
        raise CommandError("belum ada desa yang dimuat: jalankan `siaga regions load` dulu",
                           en="no desa loaded: run `siaga regions load` first")
    print(f"{n:,} TPS -> {args.output}", file=sys.stderr)
