"""`siaga demo`, `siaga serve`, `siaga migrate`, `siaga user`."""

import errno
import socket
import sys

from siaga.cli import (CommandError, cli_actor, migrate, number, port_number, positive_int, print_json, progress_bar,
                       region_arg)

DEMO_PROVINCE = "74"  # Sulawesi Tenggara
DEMO_SEED = 2024


def register(sub):
    p = sub.add_parser("demo", help="prepare the Sulawesi Tenggara demo database and serve the web app")
    p.add_argument("--no-serve", action="store_true", help="prepare the database and exit")
    p.add_argument("--source", help="region data: a folder, a URL or 'public' (default: ../shared/data if present)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=port_number, default=8000)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_demo, database=False)  # migrates itself

    p = sub.add_parser("serve", help="serve the web app and API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=port_number, default=8000)
    p.add_argument("--threads", type=positive_int, default=8)
    p.set_defaults(func=cmd_serve, database=False)

    p = sub.add_parser("migrate", help="create or upgrade the database tables")
    p.set_defaults(func=cmd_migrate, database=False)

    p = sub.add_parser("user", help="create or update a user")
    p.add_argument("username")
    p.add_argument("--agency", required=True, help="agency code, e.g. POLRES-74.01")
    p.add_argument("--role", required=True)
    p.add_argument("--area", help="area code (default: the agency's area)")
    p.add_argument("--password", help="password (default: read from standard input)")
    p.add_argument("--token", metavar="NAME", help="also issue an API token for a field device")
    p.set_defaults(func=cmd_user)


def cmd_migrate(args):
    migrate(verbosity=1)


def demo_prepare(*, actor, province_code, seed):
    """Agencies, users and TPS, then each feature app's demo data, in FEATURE_APPS order."""
    from siaga import features
    from siaga.accounts.demo import demo_agencies, demo_users
    from siaga.regions.demo import demo_tps
    from siaga.regions.models import Region

    demo_agencies(actor=actor, province=Region.objects.get(code=province_code))
    users = demo_users(actor=actor, province_code=province_code)
    steps = {"regions": demo_tps(actor=actor, province_code=province_code, seed=seed)}
    for label in features.present():
        if label not in ("accounts", "regions") and (demo := features.module(label, "demo")):
            print(f"Demo: {label}", file=sys.stderr)
            steps[label] = demo.run(actor=actor, province_code=province_code, seed=seed)
    return users, steps


def cmd_demo(args):
    from siaga.accounts.demo import DEMO_PASSWORD
    from siaga.regions.loader import default_source, regions_load
    from siaga.regions.models import Region
    from django.conf import settings

    migrate()
    actor = cli_actor()
    source = args.source or default_source()
    print(f"Memuat wilayah dari / loading regions from: {source}", file=sys.stderr)
    bar = progress_bar(None, "wilayah")
    try:
        regions_load(source=source, provinces={DEMO_PROVINCE}, actor=actor, progress=bar.update)
    finally:
        bar.close()
    province = Region.objects.get(code=DEMO_PROVINCE)
    users, steps = demo_prepare(actor=actor, province_code=DEMO_PROVINCE, seed=DEMO_SEED)
    tps = steps["regions"]
    summary = {"database": str(settings.DATABASES["default"]["NAME"]), "province": province.name,
               "users": [u for u, _ in users], "password": DEMO_PASSWORD,
               "url": f"http://{args.host}:{args.port}/", **steps}
    if args.json:
        print_json(summary)
    else:
        print(f"\nSiaga demo siap / ready: {province.name}; Pemilu 2024 {number(tps['tps'])} TPS, "
              f"{number(tps['voters'])} pemilih; Pilkada 2024 {number(tps['tps_pilkada'])} TPS")
        print(f"Basis data / database: {summary['database']}")
        print(f"Kata sandi semua akun demo / password of every demo account: {DEMO_PASSWORD}")
        field = (steps.get("operations") or {}).get("field_officer")
        for username, description in users + ([(field, "Petugas PAM TPS (laporan lapangan)")] if field else []):
            print(f"  {username:<15} {description}")
    if not args.no_serve:
        serve(args.host, args.port)


def serve(host, port, threads=8):
    from django.conf import settings
    from waitress import serve as waitress_serve

    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    if settings.PRODUCTION:
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
    try:
        with socket.create_server((host, port)):  # refuse a taken port or an unknown host before announcing
            pass
    except OSError as exc:
        taken = exc.errno == errno.EADDRINUSE
        raise CommandError(f"tidak dapat melayani di {host}:{port}: "
                           + ("port sudah dipakai program lain" if taken else f"{exc.strerror or exc}"),
                           en=f"cannot serve on {host}:{port}: "
                           + ("the port is taken by another program" if taken else f"{exc.strerror or exc}")) from None
    start_background()
    print(f"Siaga berjalan di / running at http://{host}:{port}/  (Ctrl+C untuk berhenti / to stop)", flush=True)
    # Open connections cost no thread (only requests do): hundreds of command-post pages keep theirs alive
    # between polls, so allow many more than waitress's 100, watched with poll() rather than select().
    waitress_serve(application, host=host, port=port, threads=threads, ident="siaga", connection_limit=2000,
                   asyncore_use_poll=True, backlog=2048)


def start_background():
    """What a server process runs beside its requests, started before the first one."""
    from siaga import features
    from siaga.jobs.services import jobs_recover, wake

    if failed := jobs_recover():
        print(f"{failed} tugas terhenti ditandai gagal / interrupted job(s) marked failed", file=sys.stderr)
    wake()  # the job runner: picks up jobs that were waiting when the server stopped
    if live := features.module("operations", "broker"):
        ready = getattr(live.broker(), "ready", None)  # with Redis: listening before the first page polls
        if ready is not None and not ready.wait(5):
            print("Redis belum tersambung / not connected yet: live updates from other workers follow later",
                  file=sys.stderr)
    if custody_timer := features.module("custody", "timer"):
        custody_timer.start()  # signed custody checkpoints on a short timer


def cmd_serve(args):
    migrate()
    serve(args.host, args.port, args.threads)


def cmd_user(args):
    import getpass

    from django.contrib.auth import password_validation

    from siaga.accounts.models import Agency, Role
    from siaga.accounts.services import token_issue, user_upsert

    agency = Agency.objects.filter(code=args.agency).first()
    if agency is None:
        raise CommandError(f"instansi '{args.agency}' tidak ada / agency not found")
    if args.role not in Role.values:
        raise CommandError(f"peran '{args.role}' tidak dikenal / unknown role; pilih / choose: {', '.join(Role.values)}")
    area = region_arg(args.area) if args.area else None
    password = args.password if args.password is not None else getpass.getpass("Kata sandi / password: ")
    if password:  # empty: keep the password (or none: a token-only field device)
        password_validation.validate_password(password)
    actor = cli_actor()
    user = user_upsert(actor=actor, username=args.username, password=password, agency=agency, role=args.role,
                       area_code=area)
    out = {"username": user.username, "agency": agency.code, "role": user.role, "area": user.area_code}
    if args.token:
        _, raw = token_issue(actor=actor, user=user, name=args.token)
        out["token"] = raw
    print_json(out)
