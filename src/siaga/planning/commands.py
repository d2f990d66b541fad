"""`siaga plan operations` and `siaga plan document`. The `plan` group is shared with other apps
(deployment adds `siaga plan deploy`): whoever registers first creates it, the others add actions."""

import sys
from pathlib import Path

from siaga.cli import CommandError, cli_actor, print_json


def plan_actions(sub):
    """The sub-action group of `siaga plan`, created on first use (kept on the parser as _siaga_actions)."""
    parser = sub.choices.get("plan")
    if parser is None:
        parser = sub.add_parser("plan", help="security plan: operations, documents, deployment")
    if getattr(parser, "_siaga_actions", None) is None:
        parser._siaga_actions = parser.add_subparsers(dest="action", required=True)
    return parser._siaga_actions


def register(sub):
    actions = plan_actions(sub)
    if "operations" in actions.choices:
        return
    p = actions.add_parser("operations", help="list security operations")
    p.add_argument("--as", dest="actor", help="act as this user (scope)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_operations)
    p = actions.add_parser("document", help="write the security plan (Rencana Pengamanan) as PDF or DOCX")
    p.add_argument("--operation", type=int, required=True, help="operation id (see `siaga plan operations`)")
    p.add_argument("--format", choices=["pdf", "docx"], default="pdf")
    p.add_argument("--output", required=True)
    p.add_argument("--as", dest="actor", help="generate as this user: the document shows what they may see")
    p.set_defaults(func=cmd_document)


def cmd_operations(args):
    from siaga.planning.selectors import current_stage, operation_list

    viewer = cli_actor(args.actor)
    stage = current_stage(viewer)
    rows = [{"id": op.pk, "name": op.name, "election": op.election, "starts_on": op.starts_on,
             "ends_on": op.ends_on, "organiser": op.organiser.code, "area": op.area_code,
             "current_stage": stage.kind if stage and stage.operation_id == op.pk else None}
            for op in operation_list(viewer=viewer)]
    if args.json:
        print_json(rows)
        return
    for row in rows:
        print(f"{row['id']:>4}  {row['name']}  ({row['starts_on']} – {row['ends_on']}, {row['organiser']})")


def cmd_document(args):
    from django.http import Http404

    from siaga.planning.document import plan_document
    from siaga.planning.selectors import operation_get

    viewer = cli_actor(args.actor)
    try:
        operation = operation_get(viewer=viewer, pk=args.operation)
    except Http404:
        raise CommandError(f"operasi {args.operation} tidak ditemukan / operation not found")
    Path(args.output).write_bytes(plan_document(viewer=viewer, operation=operation, fmt=args.format))
    print(f"{operation.name} -> {args.output}", file=sys.stderr)
