"""The layer contracts of pyproject.toml ([tool.importlinter]) hold for the code under test, so the
README's test command catches an upward import, a face imported by a domain module, or a circle."""

import re
import subprocess
import sys
from pathlib import Path

import siaga

REPO = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    source_root = Path(siaga.__file__).resolve().parents[1]  # the siaga being tested, not an installed copy
    run = subprocess.run([Path(sys.executable).with_name("lint-imports"), "--no-cache", "--no-logo",
                          str(REPO / "pyproject.toml")], cwd=REPO, capture_output=True, text=True,
                         env={"PYTHONPATH": str(source_root), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stdout + run.stderr
    kept = re.search(r"Contracts: (\d+) kept, 0 broken", run.stdout)
    assert kept and int(kept.group(1)) >= 4, run.stdout
