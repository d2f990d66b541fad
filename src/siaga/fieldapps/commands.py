"""`siaga odk ...`: the forms served to ODK Collect / KoboCollect, device keys, and the pull from ODK Central."""

from siaga.cli import CommandError, cli_actor, print_json


def register(sub):
    odk = sub.add_parser("odk", help="ODK Collect / KoboCollect: forms, devices, pull from ODK Central") \
        .add_subparsers(dest="action", required=True)
    p = odk.add_parser("forms", help="list the forms with their versions and hashes")
    p.add_argument("--validate", action="store_true", help="also check each XForm with ODK Validate (needs Java)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_forms)
    device = odk.add_parser("device", help="device keys (app users)").add_subparsers(dest="device_action",
                                                                                     required=True)
    p = device.add_parser("add", help="issue a key for a user's phone (shown once)")
    p.add_argument("--user", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--as", dest="actor")
    p.add_argument("--url", default="http://localhost:8000", help="the server's address, for the project URL")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_device_add)
    p = device.add_parser("list", help="devices with their last-seen time")
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_device_list)
    p = device.add_parser("revoke", help="revoke a device's key")
    p.add_argument("device_id", type=int)
    p.add_argument("--as", dest="actor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_device_revoke)
    p = odk.add_parser("sync", help="pull new submissions of a form from an ODK Central server")
    p.add_argument("--server", required=True, help="the Central server's address, e.g. https://central.example")
    p.add_argument("--project", required=True)
    p.add_argument("--form", required=True, help="the form's id on the Central server")
    p.add_argument("--as-form", help="the Siaga form it maps to (default: the same id)")
    p.add_argument("--token", help="a Central session or app-user token")
    p.add_argument("--user", help="a Central web user's e-mail (password from SIAGA_CENTRAL_PASSWORD)")
    p.add_argument("--as", dest="actor", help="the Siaga user the submissions are recorded as (bounds the area)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sync)


def cmd_forms(args):
    from siaga.fieldapps import xlsform

    rows = []
    for form in xlsform.forms().values():
        row = {"form_id": form.form_id, "title": form.title, "version": form.version, "hash": form.md5,
               "media": list(form.media), "warnings": list(form.warnings)}
        if args.validate:
            row["odk_validate"] = _validate(form)
        rows.append(row)
    if args.json:
        print_json(rows)
        return
    for row in rows:
        print(f"{row['form_id']:<20} {row['version']}  {row['hash']}  {row['title']}"
              + (f"  ODK Validate: {row['odk_validate']}" if args.validate else ""))


def _validate(form):
    import shutil

    from siaga.fieldapps import xlsform

    if shutil.which("java") is None:
        raise CommandError("Java tidak ada: ODK Validate tidak bisa dijalankan",
                           en="Java is missing: ODK Validate cannot run")
    text = (xlsform.FORMS_DIR / f"{form.form_id}.md").read_text(encoding="utf-8")
    try:
        xlsform.convert(text, version=form.version, validate=True)
    except Exception as exc:  # pyxform raises its own error type with ODK Validate's output
        raise CommandError(f"formulir {form.form_id} tidak lolos ODK Validate: {str(exc).splitlines()[0]}",
                           en=f"form {form.form_id} fails ODK Validate: {str(exc).splitlines()[0]}") from None
    return "ok"


def _user(username):
    from siaga.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"pengguna '{username}' tidak ditemukan", en=f"user '{username}' not found")
    return user


def cmd_device_add(args):
    from siaga.fieldapps.services import device_add

    user = _user(args.user)
    device, key = device_add(actor=cli_actor(args.actor), user=user, name=args.name)
    base = args.url.rstrip("/")
    data = {"id": device.pk, "user": user.username, "name": device.name, "key": key,
            "project_url": f"{base}/odk/key/{key}/", "digest": {"server": f"{base}/odk/", "username": user.username,
                                                               "password": key}}
    if args.json:
        print_json(data)
        return
    print(f"Perangkat #{device.pk} {user.username}/{device.name}. Kunci (hanya ditampilkan sekali): {key}")
    print(f"Alamat proyek untuk ODK Collect: {data['project_url']}")


def _device_row(d):
    return {"id": d.pk, "user": d.user.username, "name": d.name, "prefix": d.prefix,
            "last_seen": d.last_seen_at.isoformat() if d.last_seen_at else None, "last_form": d.last_form,
            "submissions": d.submissions, "revoked": d.revoked_at.isoformat() if d.revoked_at else None}


def cmd_device_list(args):
    from siaga.fieldapps.selectors import device_list

    rows = [_device_row(d) for d in device_list(viewer=cli_actor(args.actor)).order_by("user__username", "name")]
    if args.json:
        print_json(rows)
        return
    en = args.lang == "en"
    for r in rows:
        state = ("revoked" if en else "dicabut") if r["revoked"] else ("active" if en else "aktif")
        seen = r["last_seen"] or ("never" if en else "belum pernah")
        print(f"#{r['id']:<5} {r['user']}/{r['name']:<20} {state:<8} {seen}  {r['submissions']}")
    print(f"{len(rows)} {'devices' if en else 'perangkat'}")


def cmd_device_revoke(args):
    from siaga.fieldapps.models import Device
    from siaga.fieldapps.selectors import device_get
    from siaga.fieldapps.services import device_revoke

    actor = cli_actor(args.actor)
    try:
        device = device_get(viewer=actor, pk=args.device_id)
    except Device.DoesNotExist:
        raise CommandError(f"perangkat #{args.device_id} tidak ditemukan",
                           en=f"device #{args.device_id} not found") from None
    device = device_revoke(actor=actor, device=device)
    if args.json:
        print_json(_device_row(device))
    else:
        print(("Device #{} revoked" if args.lang == "en" else "Perangkat #{} dicabut").format(device.pk))


def cmd_sync(args):
    import os

    from siaga.fieldapps.central import Central, CentralError
    from siaga.fieldapps.services import Refused, central_sync

    if not args.server.startswith(("http://", "https://")):
        raise CommandError(f"--server {args.server}: harus alamat http:// atau https://",
                           en=f"--server {args.server}: must be an http:// or https:// address")
    actor = cli_actor(args.actor)
    try:
        central = Central(args.server, token=args.token, email=args.user,
                          password=os.environ.get("SIAGA_CENTRAL_PASSWORD"))
        counts = central_sync(actor=actor, central=central, project=args.project, form=args.form,
                              as_form=args.as_form)
    except CentralError as exc:
        raise CommandError(f"server ODK Central tidak bisa dibaca: {exc}",
                           en=f"the ODK Central server cannot be read: {exc}") from None
    except Refused as exc:
        raise CommandError(str(exc), en=f"{args.as_form or args.form} is not a Siaga form") from None
    if args.json:
        print_json(counts)
        return
    en = args.lang == "en"
    print(("{seen} new, {stored} stored, {already} already stored, {refused} refused" if en else
           "{seen} baru, {stored} disimpan, {already} sudah tersimpan, {refused} ditolak").format(**counts))
    for problem in counts["problems"]:
        print(f"  {problem['instance']}: {problem['reason']}")
