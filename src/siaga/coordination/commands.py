"""`siaga coordination escalate`: escalate overdue referrals to the recipient's parent agency."""

from datetime import date

from siaga.cli import CommandError, cli_actor, print_json


def register(sub):
    actions = sub.add_parser("coordination", help="inter-agency coordination").add_subparsers(
        dest="action", required=True)
    p = actions.add_parser("escalate", help="escalate referrals past their deadline (status, audit, parent agency)")
    p.add_argument("--today", help="the date to judge deadlines by, YYYY-MM-DD (default: today)")
    p.add_argument("--as", dest="actor", help="act as this user (scope and audit)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_escalate)


def cmd_escalate(args):
    from django.utils import timezone

    from siaga.coordination.services import referrals_escalate

    try:
        today = date.fromisoformat(args.today) if args.today else timezone.localdate()
    except ValueError:
        raise CommandError(f"tanggal tidak valid / invalid date: {args.today} (YYYY-MM-DD)")
    escalated = referrals_escalate(actor=cli_actor(args.actor), today=today)
    rows = [{"id": r.pk, "subject": r.subject, "to": r.to_agency.code, "deadline": r.deadline,
             "escalated_to": r.escalated_to.code if r.escalated_to else None} for r in escalated]
    if args.json:
        print_json(rows)
    else:
        print(f"{len(rows)} rujukan dieskalasi / referrals escalated")
        for row in rows:
            print(f"  #{row['id']} {row['subject']} -> {row['escalated_to'] or '-'}")
