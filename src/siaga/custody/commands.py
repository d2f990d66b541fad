"""`siaga custody ...`: registry, checkpoints, anomaly scan, verification and the open bundle."""

from siaga.cli import CommandError, cli_actor, number, print_json, print_summary


def register(sub):
    custody = sub.add_parser("custody", help="ballot-box custody chain").add_subparsers(dest="action", required=True)
    p = custody.add_parser("verify", help="check every chain and checkpoint stored in the database")
    p.add_argument("--deep", action="store_true", help="also re-read every event text (slower)")
    p.add_argument("--root", action="append", default=[], metavar="[SEQ:]ROOT",
                   help="a checkpoint root published earlier; a mismatch is named (repeatable)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_verify)
    p = custody.add_parser("export", help="write an open bundle (events, signed checkpoints, public key, verifier)")
    p.add_argument("--output", required=True)
    p.set_defaults(func=cmd_export)
    p = custody.add_parser("checkpoint", help="take a signed checkpoint over every chain head and print it")
    p.add_argument("--as", dest="actor")
    p.add_argument("--every", type=int, metavar="SECONDS",
                   help="keep running: a checkpoint every SECONDS whenever a chain head moved (the timer)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_checkpoint)
    p = custody.add_parser("key", help="print the public key that signs the checkpoints (to publish)")
    p.set_defaults(func=cmd_key)
    p = custody.add_parser("checkpoints", help="print the checkpoints (for publishing)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_checkpoints)
    p = custody.add_parser("registry", help="create ballot boxes, envelopes, seals and nodes for a province")
    p.add_argument("--province", required=True)
    p.add_argument("--election", choices=["pemilu", "pilkada"], default="pemilu")
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=["id", "en"], default="id")
    p.set_defaults(func=cmd_registry)
    p = custody.add_parser("escorts", help="plan escort missions for the return legs of a kab/kota's recap chain")
    p.add_argument("--kabkota", required=True, help="kab/kota code, e.g. 74.07")
    p.add_argument("--election", choices=["pemilu", "pilkada"], default="pemilu")
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=["id", "en"], default="id")
    p.set_defaults(func=cmd_escorts)
    p = custody.add_parser("scan", help="raise anomalies for overdue legs, unconfirmed handovers, late missions")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_scan)


def cmd_verify(args):
    from siaga.core.custody import CustodyError, parse_published
    from siaga.custody.chain import verify_database

    lang = getattr(args, "lang", "id")
    en = lang == "en"
    try:
        published = [parse_published(text) for text in args.root]
    except CustodyError as exc:
        bad = str(exc).split(":", 1)[0]
        raise CommandError(f"--root {bad}: akar tidak sah (ROOT atau SEQ:ROOT, 64 digit heksadesimal)",
                           en=f"--root {bad}: invalid root (ROOT or SEQ:ROOT, 64 hex digits)") from None
    from siaga.custody.selectors import chains_by_level

    report = verify_database(deep=args.deep, published=published)
    data = report.to_dict()
    summary = {"items": data["items"], "events": data["events"], "checkpoints": data["checkpoints"],
               "broken": len(data["broken"]), "checkpoint_breaks": len(data["checkpoint_breaks"]), "ok": data["ok"],
               "key": data["key"], "breaks": data["broken"], "checkpoint_problems": data["checkpoint_breaks"],
               "chains_by_level": chains_by_level()}
    if args.json:
        print_json(summary)
    else:
        broken = "BROKEN" if en else "RUSAK"
        print(f"{'Items' if en else 'Barang'} {number(summary['items'], lang)}, {'events' if en else 'peristiwa'} "
              f"{number(summary['events'], lang)}, checkpoint {summary['checkpoints']}")
        levels = summary["chains_by_level"]
        names = ({"tps": "TPS", "pps": "PPS", "ppk": "PPK", "kpu": "KPU kab/kota", "kpuprov": "KPU provinsi"})
        print(("Chains now ending at: " if en else "Rantai kini berakhir di: ")
              + ", ".join(f"{names[k]} {number(n, lang)}" for k, n in levels.items()))
        for b in report.broken:
            print(f"  {broken}: {'item' if en else 'barang'} {b.item_id}, {'event' if en else 'peristiwa'} {b.seq}: "
                  f"{b.message(lang)}")
        for c in report.checkpoint_breaks:
            where = f" ({c.item_id} #{c.seq})" if c.item_id else ""
            where += f" [{c.detail}]" if c.detail else ""
            print(f"  {broken}: checkpoint {c.checkpoint_seq}{where}: {c.message(lang)}")
        print(("OK" if en else "BAIK") if report.ok else broken)
    return 0 if report.ok else 1


def cmd_export(args):
    from siaga.custody.chain import export_bundle
    from siaga.custody.services import checkpoint_auto

    checkpoint_auto()  # the bundle ends with a signed checkpoint over every event in it
    out, key = export_bundle(args.output)
    print(f"Bundel ditulis / bundle written: {out}  (python {out / 'standalone_verify.py'} {out} --key {key})")


def cmd_checkpoint(args):
    import time

    from siaga.custody.services import checkpoint_auto, checkpoint_create

    if args.every is None:
        cp = checkpoint_create(actor=cli_actor(args.actor))
        _print_checkpoints([cp], args.json)
        return 0
    if args.every < 1:
        raise CommandError("--every: paling sedikit 1 detik / at least 1 second")
    while True:  # a service process: Ctrl+C (or the service manager) stops it
        if cp := checkpoint_auto():
            _print_checkpoints([cp], args.json)
        time.sleep(args.every)


def cmd_key(args):
    from siaga.core.custody_sign import key_id
    from siaga.custody.keys import custody_key

    public = custody_key().public_hex
    print(f"{public}  (id {key_id(public)})")


def cmd_checkpoints(args):
    from siaga.custody.models import Checkpoint

    _print_checkpoints(list(Checkpoint.objects.order_by("seq")), args.json)


def _print_checkpoints(rows, as_json):
    data = [{"seq": c.seq, "at": c.at, "root": c.root, "items": c.item_count, "events": c.event_count,
             "hash": c.hash, "prev": c.prev_hash, "signature": c.signature} for c in rows]
    if as_json:
        print_json(data)
        return
    for c in data:
        print(f"#{c['seq']} {c['at']} root {c['root']} items {c['items']:,} events {c['events']:,} hash {c['hash']}")


def cmd_registry(args):
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils import timezone, translation

    from siaga.custody.services import registry_create

    with translation.override(args.lang):
        try:
            result = registry_create(actor=cli_actor(args.actor), province_code=args.province,
                                     election=args.election, at=timezone.now())
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
    print_summary(f"Registri kotak suara {args.province}" if args.lang == "id" else f"Ballot-box registry {args.province}",
                  result, args.json)


def cmd_escorts(args):
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils import translation

    from siaga.custody.services import return_escorts_plan

    with translation.override(args.lang):
        try:
            result = return_escorts_plan(actor=cli_actor(args.actor), kabkota_code=args.kabkota,
                                         election=args.election)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
    print_summary(f"Misi kawal kembali {args.kabkota}" if args.lang == "id" else f"Return escorts {args.kabkota}",
                  result, args.json)


def cmd_scan(args):
    from django.utils import timezone

    from siaga.custody.anomalies import scan

    result = scan(now=timezone.now(), actor=cli_actor())
    print_summary("Anomali dicari" if args.lang == "id" else "Anomaly scan", result, args.json)
