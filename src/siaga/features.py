"""Siaga's feature apps and how they plug in.

Each app under `siaga/` may provide, by convention:
  urls.py      `urlpatterns` (with `app_name`), mounted at the prefix below
  api.py       `router`, a Ninja router mounted at /api/<label>/
  commands.py  `register(subparsers)` for the `siaga` command
  demo.py      `run(*, actor, province_code, seed) -> dict`, called by `siaga demo` in this order
  apps.py      `NAV = [(label, url_name), ...]` for the top navigation
Only apps whose package is present are installed, so an app lands with its own files.
"""

import importlib
import importlib.util
from functools import cache

# label -> URL prefix of its pages, in demo and navigation order.
FEATURE_APPS = {
    "accounts": None,
    "jobs": "tugas/",  # background jobs (imports from the web), on the accounts floor
    "regions": None,
    "risk": "kerawanan/",
    "deployment": "personel/",
    "transport": None,  # ports, links, marine weather; beside deployment
    "planning": "rencana/",
    "coordination": "koordinasi/",
    "operations": "operasi/",
    "custody": "kotak-suara/",
    "gakkumdu": "gakkumdu/",
    "intel": "intelijen/",  # Dit Intelkam products, early detection, cases (above the voting-day apps)
    "fieldapps": "odk/",  # OpenRosa server for ODK Collect / KoboCollect, and the device board
}


@cache
def present():
    return [label for label in FEATURE_APPS if importlib.util.find_spec(f"siaga.{label}") is not None]


def module(label, name):
    """siaga.<label>.<name> when the app is present and provides it, else None."""
    if label not in present() or importlib.util.find_spec(f"siaga.{label}.{name}") is None:
        return None
    return importlib.import_module(f"siaga.{label}.{name}")
