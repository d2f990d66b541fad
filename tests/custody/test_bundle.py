"""`siaga custody export` writes an open bundle the standalone script verifies without Siaga (python -S)."""

import argparse
import json
import shutil
import subprocess
import sys

from siaga.custody import commands


def _standalone(bundle):
    done = subprocess.run([sys.executable, "-S", str(bundle / "standalone_verify.py"), str(bundle), "--json"],
                          capture_output=True, text=True, timeout=120, cwd=bundle)
    return done.returncode, json.loads(done.stdout)


def test_exported_bundle_verifies_and_a_tampered_copy_names_the_broken_link(db, tmp_path, capsys):
    bundle = tmp_path / "bundle"
    commands.cmd_export(argparse.Namespace(output=str(bundle)))
    code, report = _standalone(bundle)
    assert code == 0 and report["ok"] and report["checkpoints"] >= 1 and report["broken"] == []

    tampered = tmp_path / "tampered"
    shutil.copytree(bundle, tampered)
    lines = (tampered / "events.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    target = next(i for i, line in enumerate(lines) if json.loads(line)["seq"] == 2)
    record = json.loads(lines[target])
    record["event"] = record["event"].replace('"kind":"handover"', '"kind":"handover_x"')
    lines[target] = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
    (tampered / "events.jsonl").write_text("".join(lines), encoding="utf-8")
    code, report = _standalone(tampered)
    assert code == 1
    assert report["broken"] == [{"item": record["item"], "seq": 2, "reason": "hash_mismatch", "record_seq": 2}]
