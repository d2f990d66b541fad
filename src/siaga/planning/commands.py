"""`siaga plan operations|deploy|document|version|versions|review|approve|sprin`. The `plan` group is shared
with other apps (deployment adds `siaga plan shifts`): whoever registers first creates it, the others add actions.

`plan deploy` lives here, not in the deployment app, because it resolves an operation (this app) into
the plain arguments the deployment planner takes: the operation's election, area and pattern set."""

import sys
from pathlib import Path

from siaga.cli import CommandError, cli_actor, number, print_json


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
    p = actions.add_parser("operations", help="list security operations with their election and TPS count")
    p.add_argument("--as", dest="actor", help="act as this user (scope)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_operations)
    p = actions.add_parser("deploy", help="plan posts (TPS and guarded objects) and personnel and store the plan")
    p.add_argument("--operation", help="operation id (see `siaga plan operations`): its election, area and "
                                       "patterns; a name instead selects a pattern set as --pola does")
    p.add_argument("--province", help="province code (the Polda plan)")
    p.add_argument("--area", help="a kab/kota code instead (a Polres plan); inside the operation's area")
    p.add_argument("--pola", help="pattern set (operation name) to use (default: the operation's, else the newest)")
    p.add_argument("--election", choices=["pemilu", "pilkada"], help="without --operation: whose TPS (default: "
                                                                       "the pattern set's)")
    p.add_argument("--method", choices=["optimal", "greedy"], default="optimal")
    p.add_argument("--dry-run", action="store_true", help="compute and print, store nothing")
    p.add_argument("--as", dest="actor", help="act as this user (scope and audit)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_plan_deploy)
    p = actions.add_parser("document", help="write the security plan (Rencana Pengamanan) as PDF or DOCX")
    p.add_argument("--operation", type=int, required=True, help="operation id (see `siaga plan operations`)")
    p.add_argument("--format", choices=["pdf", "docx"], default="pdf")
    p.add_argument("--output", required=True)
    p.add_argument("--as", dest="actor", help="generate as this user: the document shows what they may see")
    p.add_argument("--version", type=int, help="a plan version: an approved one gives its stored document")
    p.set_defaults(func=cmd_document)
    p = actions.add_parser("version", help="start a new draft version of the security plan")
    _operation_args(p)
    p.set_defaults(func=cmd_version)
    p = actions.add_parser("versions", help="list the plan's versions with their approval trail")
    _operation_args(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_versions)
    for name, helptext in (("review", "mark a draft version reviewed (Karo Ops)"),
                           ("approve", "approve a reviewed version (Kapolda): its document is frozen")):
        p = actions.add_parser(name, help=helptext)
        _operation_args(p)
        p.add_argument("--version", type=int, help="version number (default: the newest one in the right state)")
        p.set_defaults(func=cmd_sign, step=name)
    p = actions.add_parser("sprin", help="write the Surat Perintah of the approved plan with its annex of names")
    _operation_args(p)
    p.add_argument("--format", choices=["pdf", "docx"], default="pdf")
    p.add_argument("--output", required=True)
    p.set_defaults(func=cmd_sprin)


def _operation_args(p):
    p.add_argument("--operation", type=int, required=True, help="operation id (see `siaga plan operations`)")
    p.add_argument("--as", dest="actor", help="act as this user")


def _operation(viewer, pk):
    from django.http import Http404

    from siaga.planning.selectors import operation_get

    try:
        return operation_get(viewer=viewer, pk=pk)
    except Http404:
        raise CommandError(f"operasi {pk} tidak ditemukan", en=f"operation not found: {pk}") from None


def _refused(exc, en):
    """A service's refusal as a one-line error (its Indonesian text; the English summary given)."""
    text = "; ".join(getattr(exc, "messages", None) or [str(exc)])
    return CommandError(text, en=en)


def _version(operation, number, states):
    from siaga.planning.models import PlanVersion

    rows = PlanVersion.objects.filter(operation=operation)
    version = rows.filter(number=number).first() if number else rows.filter(state__in=states).order_by(
        "-number").first()
    if version is None:
        raise CommandError(f"versi {number or ''} tidak ditemukan".replace("  ", " "),
                           en=f"version {number or ''} not found".replace("  ", " "))
    return version


def cmd_version(args):
    from django.core.exceptions import PermissionDenied

    from siaga.planning.approval import version_draft

    viewer = cli_actor(args.actor)
    operation = _operation(viewer, args.operation)
    try:
        version = version_draft(actor=viewer, operation=operation)
    except PermissionDenied as exc:
        raise _refused(exc, "not allowed to draft this plan") from None
    print(f"{operation.name}: versi {version.number} (konsep)")


def cmd_versions(args):
    from siaga.planning.approval import versions_of

    viewer = cli_actor(args.actor)
    operation = _operation(viewer, args.operation)
    rows = [{"version": v.number, "state": v.state, "deployment_plan": v.deployment_plan_id,
             "created_by": v.created_by.username if v.created_by else None, "created_at": v.created_at,
             "reviewed_by": v.reviewed_by.username if v.reviewed_by else None, "reviewed_at": v.reviewed_at,
             "approved_by": v.approved_by.username if v.approved_by else None, "approved_at": v.approved_at,
             "classification": v.classification or None, "sha256_docx": v.sha256_docx or None,
             "sha256_pdf": v.sha256_pdf or None} for v in versions_of(viewer=viewer, operation=operation)]
    if args.json:
        print_json(rows)
        return
    for row in rows:
        who = row["approved_by"] or row["reviewed_by"] or row["created_by"] or "-"
        print(f"Versi {row['version']:>3}  {row['state']:<10} {who}  {row['sha256_pdf'] or ''}")
    if not rows:
        print(f"{operation.name}: belum ada versi")


def cmd_sign(args):
    from django.core.exceptions import PermissionDenied, ValidationError

    from siaga.planning.approval import version_approve, version_review
    from siaga.planning.models import VersionState

    viewer = cli_actor(args.actor)
    operation = _operation(viewer, args.operation)
    review = args.step == "review"
    version = _version(operation, args.version, [VersionState.DRAFT] if review else [VersionState.REVIEWED])
    try:
        version = (version_review if review else version_approve)(actor=viewer, version=version)
    except PermissionDenied as exc:
        raise _refused(exc, f"not allowed to {args.step} this plan") from None
    except ValidationError as exc:
        raise _refused(exc, f"version {version.number} cannot be {'reviewed' if review else 'approved'} "
                            "in its state") from None
    if review:
        print(f"{operation.name}: versi {version.number} diperiksa oleh {viewer.username}")
    else:
        print(f"{operation.name}: versi {version.number} disahkan oleh {viewer.username}; "
              f"SHA-256 PDF {version.sha256_pdf}, DOCX {version.sha256_docx}")


def cmd_sprin(args):
    from django.core.exceptions import ValidationError

    from siaga.planning.sprin import sprin_document

    viewer = cli_actor(args.actor)
    operation = _operation(viewer, args.operation)
    try:
        data = sprin_document(viewer=viewer, operation=operation, fmt=args.format)
    except ValidationError as exc:
        raise _refused(exc, "the plan is not approved yet: a Sprin is issued from an approved plan") from None
    Path(args.output).write_bytes(data)
    print(f"Sprin {operation.name} -> {args.output}", file=sys.stderr)


def cmd_operations(args):
    from siaga.planning.selectors import current_stage, operation_list, operation_tps_count

    viewer = cli_actor(args.actor)
    stage = current_stage(viewer)
    rows = [{"id": op.pk, "name": op.name, "election": op.election, "tps": operation_tps_count(viewer, op),
             "starts_on": op.starts_on, "ends_on": op.ends_on, "organiser": op.organiser.code, "area": op.area_code,
             "current_stage": stage.kind if stage and stage.operation_id == op.pk else None}
            for op in operation_list(viewer=viewer)]
    if args.json:
        print_json(rows)
        return
    for row in rows:
        tps = f"{row['tps']:,}".replace(",", ".")
        print(f"{row['id']:>4}  {row['name']}  ({row['election']}, {tps} TPS, {row['starts_on']} – "
              f"{row['ends_on']}, {row['organiser']})")


def _deploy_target(args, viewer):
    """(area, election, pattern-set name, operation id) from --operation / --province / --area / --pola."""
    from django.http import Http404

    from siaga.cli import region_arg
    from siaga.planning.selectors import operation_deploy_target, operation_get

    pola = args.pola
    op_id = None
    if args.operation and not args.operation.isdigit():
        pola = pola or args.operation  # a name: the pattern set, as before operations were the unit
    elif args.operation:
        op_id = int(args.operation)
    area = region_arg(args.area) if args.area else region_arg(args.province, province=True) if args.province \
        else None
    if op_id is None:
        if area is None:
            raise CommandError("--province atau --area wajib", en="--province or --area is required")
        return area, args.election, pola, None
    try:
        operation = operation_get(viewer=viewer, pk=op_id)
    except Http404:
        raise CommandError(f"operasi {op_id} tidak ditemukan", en=f"operation {op_id} not found") from None
    target = operation_deploy_target(viewer, operation, area=area)
    if target is None:
        raise CommandError(f"wilayah {area} di luar operasi {operation.name}",
                           en=f"area {area} lies outside operation {operation.name}")
    return target["area"], operation.election, pola or target["patterns"], operation.pk


def cmd_plan_deploy(args):
    from django.core.exceptions import PermissionDenied

    from siaga.core.planner import PlanningError
    from siaga.deployment.commands import unit_rows
    from siaga.deployment.services import plan_compute, plan_generate

    from siaga.planning import sea
    from siaga.planning.models import Operation

    actor = cli_actor(args.actor)
    area, election, pola, op_id = _deploy_target(args, actor)
    travel = sea.plan_travel(viewer=actor, province_code=area[:2])
    options = dict(area=area, operation=pola, method=args.method, election=election, operation_id=op_id,
                   travel=travel)
    try:
        if args.dry_run:
            computed, _, _ = plan_compute(viewer=actor, **options)
            summary = computed.summary()
        else:
            plan = plan_generate(actor=actor, **options)
            voting_day = sea.operation_voting_day(Operation.objects.filter(pk=op_id).first() if op_id else None)
            summary = {"plan": plan.pk, "incremental": plan.incremental, "moves": len(plan.moves), **plan.summary,
                       "unit_table": unit_rows(actor, plan, area),
                       "travel_model": "network" if travel else "distance",
                       "sea_movements": sea.as_json(sea.plan_sea_movements(viewer=actor, plan=plan,
                                                                           voting_day=voting_day))}
    except PlanningError as exc:
        raise CommandError(exc.messages["id"], en=exc.messages["en"]) from None
    except PermissionDenied:
        raise CommandError(f"akses ditolak untuk wilayah {area}", en=f"access denied for area {area}") from None
    summary = {"operation": op_id, **summary}
    if args.json:
        print_json(summary)
        return
    print(f"Pos: {summary['posts']}, TPS {summary['tps_covered']}/{summary['tps_total']} terjaga/covered, "
          f"Polri dibutuhkan/required {summary['polri_required']}, ditugaskan/assigned {summary['polri_assigned']}, "
          f"kekurangan/shortfall {summary['shortfall']}, BKO {summary['bko']}, cadangan/reserve "
          f"{summary['reserve']}, TNI {summary['tni_assigned']}, Linmas {summary['linmas_required']}, "
          f"{summary['total_travel_km']:.1f} km ({summary['status']})")
    if "officer_hours_required" in summary:
        print(f"Jam-personel dibutuhkan/required {number(round(summary['officer_hours_required']))}, terisi/staffed "
              f"{number(round(summary['officer_hours_filled']))}, kurang/short "
              f"{number(round(summary['officer_hours_short']))}")
    for m in summary.get("sea_movements", []):
        print(f"  {m['vessel']} {m['from_name']} -> {m['to_name']}: {m['persons']}/{m['capacity']} orang/persons, "
              f"{m['depart'][:16]} -> {m['arrive'][:16]}")
    for u in sorted((u for u in summary.get("unit_table", []) if u["shortfall"]), key=lambda u: -u["shortfall"]):
        print(f"  {u['name']}: dibutuhkan/required {u['required']}, ditugaskan/assigned {u['assigned']} "
              f"(BKO {u['bko']}), kekurangan/shortfall {u['shortfall']}")


def cmd_document(args):
    from django.core.exceptions import PermissionDenied, ValidationError

    from siaga.planning.approval import version_document
    from siaga.planning.document import plan_document

    viewer = cli_actor(args.actor)
    operation = _operation(viewer, args.operation)
    if args.version:
        try:
            data = version_document(viewer=viewer, version=_version(operation, args.version, []), fmt=args.format)
        except (PermissionDenied, ValidationError) as exc:
            raise _refused(exc, "the stored document cannot be given") from None
    else:
        data = plan_document(viewer=viewer, operation=operation, fmt=args.format)
    Path(args.output).write_bytes(data)
    print(f"{operation.name} -> {args.output}", file=sys.stderr)
