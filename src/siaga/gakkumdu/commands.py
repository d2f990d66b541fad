"""`siaga gakkumdu cases|register|advance`: Sentra Gakkumdu cases and their statutory clocks."""

from datetime import date, datetime

from siaga.cli import CommandError, cli_actor, print_json


def register(sub):
    actions = sub.add_parser("gakkumdu", help="Sentra Gakkumdu: election-crime cases and their deadlines").add_subparsers(
        dest="action", required=True)
    p = actions.add_parser("cases", help="cases with their step, deadline and days left")
    p.add_argument("--open", action="store_true", help="open cases only")
    p.add_argument("--election", choices=("pemilu", "pilkada"))
    p.add_argument("--now", help="judge deadlines at this moment, YYYY-MM-DD[THH:MM] (default: now)")
    p.add_argument("--as", dest="actor", help="read as this user (scope)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_cases)

    p = actions.add_parser("register", help="register a report (laporan) or finding (temuan) at Bawaslu")
    p.add_argument("--election", required=True, choices=("pemilu", "pilkada"))
    p.add_argument("--origin", required=True, choices=("laporan", "temuan"))
    p.add_argument("--title", required=True)
    p.add_argument("--summary", default="")
    p.add_argument("--known-on", required=True, help="the day the event became known, YYYY-MM-DD")
    p.add_argument("--reported-on", required=True, help="the day of the report or finding, YYYY-MM-DD")
    p.add_argument("--region", required=True, help="region code of the place")
    p.add_argument("--source-ref", default="")
    p.add_argument("--as", dest="actor", required=True, help="the Bawaslu (or Polri) member registering")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_register)

    p = actions.add_parser("advance", help="move a case to its next step")
    p.add_argument("case", type=int)
    p.add_argument("--to", required=True, help="the next step, e.g. penerusan, penyidikan, penuntutan")
    p.add_argument("--on", help="when it happened, YYYY-MM-DD[THH:MM] local time (default: now)")
    p.add_argument("--note", default="")
    p.add_argument("--as", dest="actor", required=True, help="the member acting")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_advance)


def _day(text, what):
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"tanggal tidak valid untuk {what}: {text} (YYYY-MM-DD)",
                           en=f"invalid date for {what}: {text} (YYYY-MM-DD)")


def _moment(text):
    from django.utils import timezone

    from siaga.gakkumdu.clock import local_zone

    if not text:
        return timezone.now()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"waktu tidak valid: {text} (YYYY-MM-DD atau YYYY-MM-DDTHH:MM)",
                           en=f"invalid time: {text} (YYYY-MM-DD or YYYY-MM-DDTHH:MM)")
    return timezone.make_aware(moment, local_zone()) if timezone.is_naive(moment) else moment


def _json_row(row):
    return {**row, "deadline": row["deadline"].isoformat() if row["deadline"] else None,
            "known_on": row["known_on"].isoformat(), "reported_on": row["reported_on"].isoformat()}


def _left(row):
    if row["hours_left"] is not None:
        return f"{row['hours_left']} jam"
    return f"{row['days_left']} hari" if row["days_left"] is not None else "-"


def cmd_cases(args):
    from django.conf import settings

    from siaga.core.timezones import zone_named
    from siaga.gakkumdu.selectors import case_clocks

    zone = getattr(zone_named(settings.TIME_ZONE), "abbreviation", settings.TIME_ZONE)
    viewer = cli_actor(args.actor)
    rows = case_clocks(viewer=viewer, now=_moment(args.now), open_only=args.open, election=args.election)
    if args.json:
        print_json([_json_row(r) for r in rows])
        return
    print(f"{len(rows)} perkara Gakkumdu / cases")
    for r in rows:
        flag = {"kedaluwarsa": " KEDALUWARSA", "peringatan": " PERINGATAN"}.get(r["status"], "")
        deadline = f"{r['deadline']:%Y-%m-%d %H:%M} {zone}" if r["deadline"] else "-"
        print(f"  #{r['id']} [{r['election']}] {r['title']} · {r['area_name']} · {r['step']} · "
              f"tenggat {deadline} ({_left(r)}){flag}")


def cmd_register(args):
    from siaga.gakkumdu.services import gakkumdu_register

    case = gakkumdu_register(actor=cli_actor(args.actor), election=args.election, origin=args.origin,
                             title=args.title, summary=args.summary,
                             known_on=_day(args.known_on, "--known-on"),
                             reported_on=_day(args.reported_on, "--reported-on"), region_code=args.region,
                             source_ref=args.source_ref)
    if args.json:
        print_json({"id": case.pk, "step": case.step, "area_code": case.area_code})
    else:
        print(f"Perkara #{case.pk} terdaftar / registered: {case.title} ({case.step})")


def cmd_advance(args):
    from siaga.gakkumdu.models import GakkumduCase
    from siaga.gakkumdu.selectors import case_list
    from siaga.gakkumdu.services import gakkumdu_advance

    actor = cli_actor(args.actor)
    case = case_list(viewer=actor).filter(pk=args.case).first()
    if case is None:
        if GakkumduCase.objects.filter(pk=args.case).exists():
            raise CommandError(f"perkara #{args.case} di luar wilayah atau peran Anda",
                               en=f"case #{args.case} is outside your area or role")
        raise CommandError(f"perkara #{args.case} tidak ditemukan", en=f"case #{args.case} not found")
    case = gakkumdu_advance(actor=actor, case=case, to=args.to, at=_moment(args.on), note=args.note)
    if args.json:
        print_json({"id": case.pk, "step": case.step, "step_started_at": case.step_started_at.isoformat()})
    else:
        print(f"Perkara #{case.pk} kini / now: {case.step}")
