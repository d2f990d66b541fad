"""`siaga simulate election-day` and `siaga operations ...` (check-in sweep, SMS gateway and senders)."""

import sys

from siaga.cli import CommandError, cli_actor, positive_int, print_json, print_summary, progress_bar, region_arg


def register(sub):
    simulate = sub.add_parser("simulate", help="drills").add_subparsers(dest="action", required=True)
    p = simulate.add_parser("election-day", help="run an election-day drill against a Siaga server")
    p.add_argument("--province", required=True, help="province code, e.g. 74 (or 'all' for the whole country)")
    p.add_argument("--url", required=True, nargs="+", action="extend",
                   help="server URL, e.g. http://127.0.0.1:8000; several (one per worker): the connections are "
                        "spread over them")
    p.add_argument("--speed", type=float, default=0, help="simulated seconds per real second (0: as fast as possible)")
    p.add_argument("--limit-tps", type=positive_int, help="only the first K TPS")
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--workers", type=positive_int, default=4, help="concurrent connections")
    p.add_argument("--batch", type=positive_int, default=1,
                   help="up to N due TPS events per request (the batch endpoint, max 500); 1: one per request")
    p.add_argument("--summary-every", type=float, default=5.0,
                   help="read the command-post summary every S seconds during the drill (0: never)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_simulate)

    ops = sub.add_parser("operations", help="voting-day operations").add_subparsers(dest="action", required=True)
    p = ops.add_parser("sweep", help="flag and escalate missing check-ins now")
    p.add_argument("--province", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sweep)
    p = ops.add_parser("sms-gateway", help="issue the token an SMS gateway uses to post messages")
    p.add_argument("name")
    p.set_defaults(func=cmd_sms_gateway)
    p = ops.add_parser("sms-sender", help="register an officer's phone number for SMS reports")
    p.add_argument("phone")
    p.add_argument("username")
    p.set_defaults(func=cmd_sms_sender)
    p = ops.add_parser("field-officer", help="tie a field sign-in to its roster entry (NRP): the report form "
                                             "then offers that officer's posts")
    p.add_argument("username")
    p.add_argument("nrp")
    p.set_defaults(func=cmd_field_officer)
    p = ops.add_parser("psu", help="put a TPS into re-voting (PSU, PSL or PSS): new ballots in custody, a guard "
                                   "post with shifts on the new date, new expected check-ins")
    p.add_argument("--tps", required=True, help="TPS code, e.g. 7402012001001")
    p.add_argument("--kind", required=True, choices=["psu", "psl", "pss"])
    p.add_argument("--date", required=True, help="new voting date YYYY-MM-DD (PSU: at most 10 days after voting)")
    p.add_argument("--reason", required=True, help="legal ground (UU 7/2017): bencana_kerusuhan, kotak_dibuka, "
                                                   "tanda_khusus, surat_suara_rusak, pemilih_tidak_berhak (PSU, Ps. "
                                                   "372); terhenti (PSL); tidak_terlaksana (PSS)")
    p.add_argument("--recommended-by", choices=["panwascam", "bawaslu"], default="panwascam")
    p.add_argument("--recommendation", required=True, help="number of the Panwascam/Bawaslu recommendation")
    p.add_argument("--recommendation-date", required=True, help="its date, YYYY-MM-DD")
    p.add_argument("--decision", required=True, help="number of the KPU decision")
    p.add_argument("--decision-date", required=True, help="its date, YYYY-MM-DD")
    p.add_argument("--detail", default="", help="what happened")
    p.add_argument("--election", choices=["pemilu", "pilkada"])
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_psu)


def _drill_user(province):
    """The field account drills act as: one per province, Polda agency, a fresh token per run."""
    from siaga.accounts.models import Agency, Role
    from siaga.accounts.services import token_issue, user_upsert

    agency = Agency.objects.filter(code=f"POLDA-{province}").first() if province != "all" else None
    if province != "all" and agency is None:
        raise CommandError(f"instansi POLDA-{province} tidak ada; jalankan `siaga demo` dulu",
                           en=f"agency POLDA-{province} missing; run `siaga demo` first")
    agency = agency or Agency.objects.filter(level="nasional").first() or Agency.objects.first()
    actor = cli_actor()
    user = user_upsert(actor=actor, username=f"latihan.{province}", password=None, agency=agency, role=Role.FIELD,
                       area_code="" if province == "all" else province, full_name="Akun latihan / drill account")
    _, raw = token_issue(actor=actor, user=user, name="drill")
    return user, raw


def _tps_classes(user, province, limit):
    from siaga import features
    from siaga.core.simulator import default_classes
    from siaga.operations.selectors import tps_in_scope

    codes = list(tps_in_scope(viewer=user, area=None if province == "all" else province)
                 .order_by("code").values_list("code", flat=True)[:limit])
    risk = features.module("risk", "selectors")
    if risk is None or not hasattr(risk, "tps_risk_list"):
        return default_classes(codes)
    from siaga.operations.drill import RISK_CLASS_NAMES

    scored = dict(risk.tps_risk_list(viewer=user, area=None if province == "all" else province)
                  .filter(tps__in=tps_in_scope(viewer=user)).values_list("tps__code", "klass"))
    if not scored:
        return default_classes(codes)
    return [(code, RISK_CLASS_NAMES.get(scored.get(code), "kurang_rawan")) for code in codes]


def cmd_simulate(args):
    import resource
    import time
    from datetime import date

    from siaga.core.simulator import election_day_stream
    from siaga.operations import drill
    from siaga.operations.models import VotingDay

    urls = list(dict.fromkeys(u.rstrip("/") for u in args.url))
    for url in urls:
        drill.check_reachable(url)  # seconds, not minutes of retries, when the server is down or the URL wrong
    if args.province != "all":
        region_arg(args.province, province=True)
    user, token = _drill_user(args.province)
    tps = _tps_classes(user, args.province, args.limit_tps)
    if not tps:
        raise CommandError(f"tidak ada TPS di wilayah {args.province}", en=f"no TPS in area {args.province}")
    if args.province == "all":  # the voting date when every province of these TPS has the same one
        provinces = {code[:2] for code, _ in tps}
        days = list(VotingDay.objects.filter(province_code__in=provinces).values_list("date", flat=True))
        day_date, tz = (days[0] if len(days) == len(provinces) and len(set(days)) == 1 else date.today()), None
    else:
        day = VotingDay.objects.filter(province_code=args.province).first()
        day_date, tz = (day.date, day.timezone) if day else (date.today(), None)
    started = time.perf_counter()
    subs = election_day_stream(tps, day=day_date, tz=tz or "Asia/Makassar", seed=args.seed)
    generate_s = round(time.perf_counter() - started, 2)
    expected = subs.expected_counts()  # what a correct server stores for this stream
    run_id = drill.new_run_id()
    print(f"Latihan / drill {run_id}: {len(tps)} TPS, {len(subs)} kiriman ke / submissions to {', '.join(urls)}",
          file=sys.stderr)
    bar = progress_bar(len(subs), "latihan", unit="kiriman")
    counts = drill.drive(subs, url=urls, token=token, run_id=run_id, speed=args.speed, workers=args.workers,
                         batch=max(1, min(args.batch, 500)), progress=bar.update,
                         summary_every=max(0.0, args.summary_every), summary_area=args.province)
    bar.close()
    if counts["server_lost"]:
        raise drill.ServerUnreachable(
            urls[0], f"terputus di tengah latihan {run_id} ({counts['errors']} dari {counts['sent']} kiriman gagal)",
            f"lost during drill {run_id} ({counts['errors']} of {counts['sent']} submissions failed)")
    # Counting a national drill's 5 million stored rows takes a while on a busy server.
    server = drill.fetch_json(urls[0], f"/api/operations/drills/{run_id}", token, timeout=600)
    problems = drill.reconcile(expected, counts, server)
    result = {**counts, "run": run_id, "tps": len(tps), "urls": urls, "workers": args.workers, "batch": args.batch,
              "generate_s": generate_s, "client_peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
              "expected": expected, "server": server, "reconciled": not problems, "reconcile_problems": problems}
    if args.json:
        print_json(result)
    else:
        print(f"dikirim/sent {counts['sent']}, diterima/accepted {counts['accepted']}, duplikat/duplicates "
              f"{counts['duplicates']}, ditolak/rejected {counts['rejected']}, galat/errors {counts['errors']}, "
              f"dikirim ulang/resent {counts['resent']}")
        print(f"laju/rate {counts['events_per_s']} kiriman/s (stabil/sustained {counts['sustained_events_per_s']}/s), "
              f"p50 {counts.get('p50_ms')} ms, p99 {counts.get('p99_ms')} ms, {counts['seconds']} s")
        summary = counts.get("summary")
        if summary:
            print(f"ringkasan posko / command-post summary: {summary['polls']} kali dibaca / reads, p50 "
                  f"{summary['p50_ms']} ms, maks/max {summary['max_ms']} ms, gagal/failed {summary['failed']}; "
                  f"terakhir / last: {_summary_line(summary['last'])}")
        print(f"server: {server}")
        print("cocok / reconciled: ya / yes" if not problems else
              "TIDAK cocok / NOT reconciled: " + "; ".join(problems))
    return 0 if counts["errors"] == 0 and not problems else 1


def _summary_line(sample):
    if not sample:
        return "-"
    stages = " ".join(f"{k} {v}" for k, v in sample["stages"].items())
    return f"{sample['tps']} TPS: {stages}; insiden terbuka / open incidents {sample['open_incidents']}"


def cmd_sweep(args):
    from siaga.operations.services import checkin_sweep

    result = checkin_sweep(actor=cli_actor(), province_code=region_arg(args.province, province=True))
    print_summary("Sapuan lapor-hadir" if args.lang == "id" else "Check-in sweep", result, args.json)


def cmd_sms_gateway(args):
    from siaga.operations.services import sms_gateway_issue

    name = args.name.strip()
    if not name:
        raise CommandError("nama gateway wajib diisi", en="the gateway name is required")
    print_json({"gateway": name, "token": sms_gateway_issue(actor=cli_actor(), name=name)})


def cmd_sms_sender(args):
    from siaga.accounts.models import User
    from siaga.operations.services import Rejected, sms_sender_register

    user = User.objects.filter(username=args.username).first()
    if user is None:
        raise CommandError(f"pengguna '{args.username}' tidak ditemukan / user not found")
    try:
        phone = sms_sender_register(actor=cli_actor(), phone=args.phone, user=user)
    except Rejected as problem:
        raise CommandError(f"{problem} / '{args.phone}' is not an Indonesian mobile number (0812..., +62 812...)")
    print_json({"phone": phone, "user": user.username})


def cmd_field_officer(args):
    from siaga.accounts.models import User
    from siaga.operations.field_posts import field_posts
    from siaga.operations.services import Rejected
    from siaga.operations.services.field import field_officer_link

    user = User.objects.filter(username=args.username).first()
    if user is None:
        raise CommandError(f"pengguna '{args.username}' tidak ditemukan", en=f"user '{args.username}' not found")
    try:
        field_officer_link(actor=cli_actor(), user=user, nrp=args.nrp)
    except Rejected:
        raise CommandError(f"NRP {args.nrp} tidak ada di daftar personel atau sudah dipakai akun lain",
                           en=f"NRP {args.nrp} is not in the roster or belongs to another sign-in")
    posts = field_posts(viewer=user)
    print_json({"user": user.username, "nrp": args.nrp, "posts": [p["label"] for p in posts],
                "tps": sum(len(p["tps"]) for p in posts)})


def _day(text, flag):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{flag} tidak valid: {text!r} (contoh 2024-02-20)",
                           en=f"invalid {flag}: {text!r} (e.g. 2024-02-20)") from None


def cmd_psu(args):
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils import translation

    from siaga.operations.services import revote_declare

    dates = {flag: _day(getattr(args, attr), flag) for flag, attr in (
        ("--date", "date"), ("--recommendation-date", "recommendation_date"), ("--decision-date", "decision_date"))}
    with translation.override(args.lang):
        try:
            revote, made = revote_declare(
                actor=cli_actor(args.actor), tps_code=args.tps, kind=args.kind, reason=args.reason,
                new_date=dates["--date"], recommended_by=args.recommended_by,
                recommendation_number=args.recommendation, recommendation_date=dates["--recommendation-date"],
                decision_number=args.decision, decision_date=dates["--decision-date"], detail=args.detail,
                election=args.election)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
    data = {"tps": revote.tps.code, "election": revote.election, "kind": revote.kind, "round": revote.round,
            "reason": revote.reason, "voting_date": revote.voting_date.isoformat(),
            "new_date": revote.new_date.isoformat(), "decision": revote.decision_number,
            "custody_items": made["items"], "plan_post": made["post"]}
    if args.json:
        print_json(data)
        return 0
    en = args.lang == "en"
    print(f"{revote.kind.upper()} {'round' if en else 'putaran'} {revote.round}: TPS {revote.tps.code} "
          f"{'on' if en else 'pada'} {revote.new_date.isoformat()}")
    print(f"{'New custody items' if en else 'Barang kustodi baru'}: {len(made['items'])}; "
          f"{'plan post' if en else 'pos rencana'}: {made['post'] if made['post'] is not None else '-'}")
    return 0
