"""The `siaga` command. Each app adds its sub-commands in its `commands.py`.

Every command runs through `main`, which prepares the database (the embedded SQLite
one migrates itself; a server database must be migrated with `siaga migrate`) and
turns anything a command raises into one line in the user's language (`--lang`) and
a non-zero exit code. `SIAGA_DEBUG=1` also prints the traceback.
"""

import argparse
import importlib
import json
import os
import re
import sys
import traceback

from siaga import features

LANGS = ("id", "en")


class CommandError(Exception):
    """A user mistake on the command line: printed as it is, without a traceback.

    Give the Indonesian text, and the English one as `en` (else the text is shown in both languages).
    """

    def __init__(self, message, en=None):
        super().__init__(message)
        self.en = en

    def text(self, lang="id"):
        return self.en if lang == "en" and self.en else str(self)


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siaga.config.settings")
    import django
    from django.conf import settings

    settings.SIAGA_HOME.mkdir(parents=True, exist_ok=True)
    django.setup()


def print_json(data):
    print(json.dumps(data, ensure_ascii=False, indent=None, default=str))


# argparse speaks English; its messages in Indonesian (the default language), most specific first.
_ARGPARSE_ID = [
    (r"the following arguments are required: (.*)", r"argumen wajib belum diberikan: \1"),
    (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)", r"argumen \1: pilihan tidak dikenal: \2 "
                                                                    r"(pilih dari \3)"),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"argumen \1: nilai tidak valid (\2): \3"),
    (r"argument (\S+): expected one argument", r"argumen \1: perlu satu nilai"),
    (r"unrecognized arguments: (.*)", r"argumen tidak dikenal: \1"),
    (r"argument (\S+): (.*)", r"argumen \1: \2"),
]


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors follow `--lang` (Indonesian by default)."""

    lang = "id"

    def error(self, message):
        if Parser.lang != "en":
            for pattern, replacement in _ARGPARSE_ID:
                if re.fullmatch(pattern, message):
                    message = re.sub(pattern, replacement, message)
                    break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {'error' if Parser.lang == 'en' else 'galat'}: {message}\n")


def _argv_lang(argv):
    for i, word in enumerate(argv):
        if word == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if word.startswith("--lang="):
            return word.split("=", 1)[1]
    return "id"


def port_number(text):
    """argparse type of a TCP port."""
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"port harus 1–65535 / port must be 1–65535: {text!r}")
    return int(text)


def positive_int(text):
    """argparse type of a count of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"harus bilangan bulat ≥ 1 / must be a whole number ≥ 1: {text!r}")
    return int(text)


def leaf_commands(parser, path=()):
    """(words, parser) of every runnable sub-command, e.g. (("regions", "load"), <parser>)."""
    groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not groups:
        yield path, parser
    for group in groups:
        for name, child in group.choices.items():
            yield from leaf_commands(child, (*path, name))


def build_parser():
    parser = Parser(prog="siaga", description="Siaga: election security command system")
    sub = parser.add_subparsers(dest="command", required=True)
    importlib.import_module("siaga.web.commands").register(sub)
    for label in features.present():
        if commands := features.module(label, "commands"):
            commands.register(sub)
    for _, leaf in leaf_commands(parser):
        if not any("--lang" in a.option_strings for a in leaf._actions):
            leaf.add_argument("--lang", choices=LANGS, default="id", help="language of messages (default: id)")
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    Parser.lang = _argv_lang(argv)
    args = build_parser().parse_args(argv)
    lang = getattr(args, "lang", None) or "id"
    try:
        setup_django()
        from django.utils import translation

        with translation.override(lang):
            if getattr(args, "database", True):
                database_ready()
            code = args.func(args)
    except KeyboardInterrupt:
        code = 130
    except Exception as exc:  # noqa: BLE001 - the one place where any failure becomes a message
        if os.environ.get("SIAGA_DEBUG") == "1":
            traceback.print_exc()
        message, code = explain(exc, lang)
        print(f"siaga: {message}", file=sys.stderr)
    sys.exit(code or 0)


def _pick(lang, id_text, en_text):
    return en_text if lang == "en" else id_text


def explain(exc, lang="id"):
    """(one-line message in `lang`, exit code) for an exception that escaped a command.

    User errors (2): CommandError, errors carrying their text per language (`messages` dict or
    `message(lang)`), refusals and invalid values. Anything else (1) is named with a hint to SIAGA_DEBUG=1.
    """
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import DatabaseError, InterfaceError, OperationalError
    from django.http import Http404

    if isinstance(exc, CommandError):
        return exc.text(lang), 2
    if isinstance(getattr(exc, "messages", None), dict) and lang in exc.messages:
        return exc.messages[lang], 2
    if callable(getattr(exc, "message", None)):
        try:
            return exc.message(lang), 2
        except TypeError:
            pass
    if isinstance(exc, PermissionDenied):
        return _pick(lang, "akses ditolak", "access denied") + (f": {exc}" if str(exc) else ""), 2
    if isinstance(exc, ValidationError):
        return _pick(lang, "data tidak valid", "invalid data") + ": " + " ".join(exc.messages), 2
    if isinstance(exc, Http404):
        return _pick(lang, "tidak ditemukan", "not found") + (f": {exc}" if str(exc) else ""), 2
    if isinstance(exc, (OperationalError, InterfaceError)):
        return _pick(lang, "basis data tidak dapat dipakai", "the database cannot be used") + f": {_first_line(exc)}", 1
    if isinstance(exc, DatabaseError):
        return _pick(lang, "galat basis data", "database error") + f": {_first_line(exc)}", 1
    if isinstance(exc, ConnectionError):
        return _pick(lang, "koneksi gagal", "connection failed") + f": {_first_line(exc)}", 1
    if isinstance(exc, OSError) and exc.filename:
        return _pick(lang, "berkas tidak dapat dipakai", "cannot use file") + f": {exc.filename}: {exc.strerror}", 2
    hint = _pick(lang, "rinciannya dengan SIAGA_DEBUG=1", "details with SIAGA_DEBUG=1")
    return _pick(lang, "galat tak terduga", "unexpected error") + f" ({type(exc).__name__}: {_first_line(exc)}; " \
        f"{hint})", 1


def _first_line(exc):
    return (str(exc).strip().splitlines() or [""])[0][:300]


_checked = False


def database_ready():
    """Make sure the tables exist: the embedded SQLite database migrates itself (first run); a server
    database (DATABASE_URL) that lacks migrations is refused with the command that fixes it."""
    global _checked
    if _checked:
        return
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        if not settings.SIAGA_EMBEDDED_DATABASE:
            raise CommandError(
                "basis data belum disiapkan atau belum mutakhir: jalankan `siaga migrate` dulu",
                en="the database is not prepared or not up to date: run `siaga migrate` first")
        print("Menyiapkan basis data / preparing the database: "
              f"{settings.DATABASES['default']['NAME']}", file=sys.stderr)
        migrate()
    _checked = True


def migrate(verbosity=0):
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def cli_actor(username=None):
    """The user a command acts as: `--as USER`, else the command-line service account."""
    from siaga.accounts.models import Role, User

    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"pengguna '{username}' tidak ditemukan", en=f"user '{username}' not found")
        return user
    user, _ = User.objects.get_or_create(
        username="cli", defaults={"role": Role.ADMIN, "area_code": "", "first_name": "Siaga CLI"})
    return user


def number(value, lang="id") -> str:
    """A figure as the reader writes it: 8.154 and 38,5 in Indonesian, 8,154 and 38.5 in English."""
    text = f"{value:,.1f}" if isinstance(value, float) and not value.is_integer() else f"{int(value):,}"
    return text if lang == "en" else text.replace(",", "_").replace(".", ",").replace("_", ".")


def progress_bar(total, desc, unit="rows", stream=None):
    """The progress bar of every long command: drawn on a terminal, silent when stderr is piped or redirected.

    Use `bar.update(n)` as the progress callback and `bar.close()` at the end.
    """
    from tqdm import tqdm

    stream = stream or sys.stderr
    return tqdm(total=total, desc=desc, unit=unit, file=stream, disable=not stream.isatty(), leave=False,
                dynamic_ncols=True)


def region_arg(code, *, province=False):
    """A region code given on the command line, dotted; a CommandError when it is malformed or not loaded
    (a typo must not answer zeros)."""
    from siaga.core.codes import CodeError, normalize_region_code
    from siaga.regions.models import Region

    try:
        normal = normalize_region_code(code)
    except CodeError:
        raise CommandError(f"kode wilayah tidak valid: {code!r}", en=f"invalid region code: {code!r}") from None
    level = Region.objects.filter(code=normal).values_list("level", flat=True).first()
    if level is None:
        raise CommandError(f"wilayah {normal} tidak ada di hierarki wilayah (sudah `siaga regions load`?)",
                           en=f"region {normal} is not in the region hierarchy (ran `siaga regions load`?)")
    if province and level != 1:
        raise CommandError(f"{normal} bukan kode provinsi (contoh: 74)", en=f"{normal} is not a province code (e.g. 74)")
    return normal


def print_summary(title, counts, as_json=False):
    """What a command did: JSON, or one line `title: key value, key value`."""
    if as_json:
        print_json(counts)
    else:
        print(f"{title}: " + ", ".join(f"{key} {value:,}" if isinstance(value, int) else f"{key} {value}"
                                       for key, value in counts.items()))


def report_rejection(rejected, *, filename, lang, as_json, **extra):
    """An import refused whole: its problems (line, column, value, message; the list is capped, the total is
    counted) on stderr, or as JSON. Returns 1."""
    from siaga.core.importkit import problem_dict

    errors = [problem_dict(p) for p in rejected.problems]
    total = getattr(rejected, "total", len(errors))
    if as_json:
        print_json({"created": 0, "updated": 0, "unchanged": 0, "errors": errors, "error_total": total, **extra})
    else:
        title = (f"Nothing was saved: {total:,} problem(s) in {filename}" if lang == "en"
                 else f"Tidak ada yang disimpan: {total:,} masalah di {filename}")
        print(title, file=sys.stderr)
        for e in errors:
            print(f"  {e['message']}", file=sys.stderr)
    return 1


def input_file(path):
    """A file named on the command line, which must exist."""
    from pathlib import Path

    path = Path(path)
    if not path.is_file():
        raise CommandError(f"berkas tidak ditemukan: {path}", en=f"file not found: {path}")
    return path
