"""`siaga regions ...` and `siaga tps ...`."""

import sys
from pathlib import Path

from siaga.cli import CommandError, cli_actor, print_json, progress_bar


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
    p.add_argument("--lang", choices=["id", "en"], default="id")
    p.add_argument("--as", dest="actor", help="act as this user (scope and audit)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tps_import)
    p = tps.add_parser("export", help="write TPS as CSV or XLSX")
    p.add_argument("--province")
    p.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    p.add_argument("--output", help="file (CSV goes to standard output when omitted)")
    p.set_defaults(func=cmd_tps_export)
    p = tps.add_parser("stats", help="count TPS and voters")
    p.add_argument("--province")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tps_stats)
    p = tps.add_parser("generate", help="write a calibrated synthetic TPS file (demo and benchmarks)")
    p.add_argument("--province", action="append", help="province code (repeatable); default all of Indonesia")
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--election", choices=["pemilu", "pilkada"], default="pemilu")
    p.add_argument("--output", required=True)
    p.set_defaults(func=cmd_tps_generate)


def cmd_regions_load(args):
    from siaga.regions.loader import default_source, regions_load

    source = args.source or default_source()
    bar = progress_bar(None, "wilayah")
    try:
        result = regions_load(source=source, provinces=set(args.province) if args.province else None,
                              actor=cli_actor(), progress=bar.update)
    finally:
        bar.close()
    if args.json:
        print_json(result)
    else:
        print(f"Wilayah dimuat / regions loaded from {source}: {result}")


def cmd_regions_stats(args):
    from siaga.regions.selectors import region_stats

    print_stats(region_stats(viewer=cli_actor(), province=args.province), args.json)


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
            if line == 1 and not row[0].strip()[:1].isdigit():
                continue  # header
            try:
                mapping[normalize_region_code(row[0])] = normalize_region_code(row[1])
            except (CodeError, IndexError):
                raise CommandError(f"{path}: baris {line}: kode tidak valid / line {line}: invalid code: {row}")
    return mapping


def cmd_tps_import(args):
    from dataclasses import asdict

    from siaga.regions.tps_file import default_workers
    from siaga.regions.tps_import import ImportRejected, problem_dict, tps_import

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"berkas tidak ditemukan / file not found: {path}")
    mapping = _read_mapping(args.mapping) if args.mapping else {}
    bar = progress_bar(None, "TPS")
    try:
        result = tps_import(actor=cli_actor(args.actor), data=path.read_bytes(), filename=path.name,
                            desa_mapping=mapping, lang=args.lang, progress=bar.update, workers=default_workers())
    except ImportRejected as rejected:
        bar.close()
        errors = [problem_dict(p) for p in rejected.problems]
        if args.json:
            print_json({"created": 0, "updated": 0, "unchanged": 0, "errors": errors,
                        "suggestions": [asdict(s) for s in rejected.suggestions]})
        else:
            title = "Tidak ada yang disimpan" if args.lang == "id" else "Nothing was saved"
            print(f"{title}: {rejected.total} problem(s) in {path.name}", file=sys.stderr)
            for p in rejected.problems:
                print(f"  {p.message}", file=sys.stderr)
            for s in rejected.suggestions:
                options = ", ".join(f"{code} {name} ({score:.0%})" for code, name, score in s.candidates)
                print(f"  ? {s.file_code} {s.file_name}: {options or '-'}", file=sys.stderr)
        return 1
    bar.close()
    if args.json:
        print_json(result.as_dict())
    else:
        print(f"TPS: {result.created} baru/created, {result.updated} diubah/updated, "
              f"{result.unchanged} tetap/unchanged")


def cmd_tps_export(args):
    from siaga.regions.tps_export import tps_export

    actor = cli_actor()
    if args.output:
        with open(args.output, "wb") as out:
            n = tps_export(viewer=actor, province=args.province, fmt=args.format, out=out)
        print(f"{n} TPS -> {args.output}", file=sys.stderr)
    else:
        if args.format == "xlsx":
            raise CommandError("XLSX perlu --output / XLSX needs --output")
        tps_export(viewer=actor, province=args.province, fmt="csv", out=sys.stdout.buffer)


def cmd_tps_stats(args):
    from siaga.regions.selectors import tps_stats

    print_stats(tps_stats(viewer=cli_actor(), province=args.province), args.json)


def cmd_tps_generate(args):
    from siaga.regions.demo import generate_tps_file

    n = generate_tps_file(provinces=set(args.province) if args.province else None, seed=args.seed,
                          election=args.election, output=args.output)
    print(f"{n} TPS -> {args.output}", file=sys.stderr)
