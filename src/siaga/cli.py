"""The `siaga` command. Each app adds its sub-commands in its `commands.py`."""

import argparse
import importlib
import json
import os
import sys

from siaga import features



def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siaga.config.settings")
    import django
    from django.conf import settings

    settings.SIAGA_HOME.mkdir(parents=True, exist_ok=True)
    django.setup()


def print_json(data):
    print(json.dumps(data, ensure_ascii=False, indent=None, default=str))


def build_parser():
    parser = argparse.ArgumentParser(prog="siaga", description="Siaga: election security command system")
    sub = parser.add_subparsers(dest="command", required=True)
    importlib.import_module("siaga.web.commands").register(sub)
    for label in features.present():
        if commands := features.module(label, "commands"):
            commands.register(sub)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_django()
    try:
        code = args.func(args)
    except KeyboardInterrupt:
        code = 130
    except CommandError as exc:
        print(f"siaga: {exc}", file=sys.stderr)
        code = 2
    sys.exit(code or 0)


class CommandError(Exception):
    """A user mistake on the command line: printed without a traceback."""


def cli_actor(username=None):
    """The user a command acts as: `--as USER`, else the command-line service account."""
    from siaga.accounts.models import Role, User

    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"pengguna '{username}' tidak ditemukan / user not found")
        return user
    user, _ = User.objects.get_or_create(
        username="cli", defaults={"role": Role.ADMIN, "area_code": "", "first_name": "Command line"})
    return user


def progress_bar(total, desc, unit="rows"):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, disable=not sys.stderr.isatty(), leave=False)
