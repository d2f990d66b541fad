"""Custody chain verification speed against a plain SHA-256 loop over the same bytes.

National scale is 820,161 TPS x 5 boxes x 8 handovers = 32.8 million events, too
many to hold twice in memory, so a sample is built (default 2,000,000 events,
--quick 200,000), verified, and the time scaled up to national size. The goal
is verification at >= 0.5 of the speed of the plain loop, which hashes the
same bytes (each previous hash joined to the event's bytes, as they are stored:
apart) and does nothing else: the same baseline as bench_custody_app.py.

Also measured on a smaller part: deep verification (re-parse each event), the
standalone verifier reading a bundle from disk, and a Merkle root.

    python bench/bench_custody.py [--quick]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from machine import describe, machine
from siaga.core.custody import CustodyLog, merkle_root, verify
from siaga.core.custody_bundle import write_bundle

NATIONAL_TPS = 820_161
BOXES_PER_TPS = 5
HANDOVERS = 8
NATIONAL_EVENTS = NATIONAL_TPS * BOXES_PER_TPS * HANDOVERS
NATIONAL_ITEMS = NATIONAL_TPS * BOXES_PER_TPS
BOXES = ("PPWP", "DPR", "DPD", "DPRD-PROV", "DPRD-KAB")
# The return trip of a box: (kind, node, giver, receiver).
LEGS = (
    ("seal", "TPS", None, None),
    ("handover", "TPS", "KPPS", "PPS"),
    ("receive", "PPS", "KPPS", "PPS"),
    ("handover", "PPS", "PPS", "PPK"),
    ("receive", "PPK", "PPS", "PPK"),
    ("store", "PPK", None, None),
    ("handover", "PPK", "PPK", "KPU"),
    ("receive", "KPU", "PPK", "KPU"),
)


def build_log(n_events: int) -> CustodyLog:
    """Boxes of consecutive TPS, appended leg by leg (how voting night interleaves them)."""
    n_items = n_events // HANDOVERS
    items = [
        (f"{7405242009001 + t // BOXES_PER_TPS:013d}-{BOXES[t % BOXES_PER_TPS]}", t)
        for t in range(n_items)
    ]
    log = CustodyLog()
    for leg, (kind, node, giver, receiver) in enumerate(LEGS):
        at = f"2024-02-14T{10 + leg:02d}:{leg * 7 % 60:02d}:00Z"
        for item, t in items:
            log.append({
                "item_id": item, "seq": leg + 1, "kind": kind, "at": at,
                "node": f"{node} {item[:13]}", "giver": giver, "receiver": receiver,
                "seals": [f"SG-{t * 4 + s:09d}" for s in range(4)],
                "condition": "segel utuh", "corrects": None,
                "payload": {"officer": f"NRP {80000000 + t % 99991}", "escort": "Polsek"},
            })  # fmt: skip
    return log


def cpu_seconds(fn) -> float:
    # CPU time of this process: the machine may be shared, and wall time would
    # charge us for other processes' turns.
    gc.collect()
    start = time.process_time()
    fn()
    return time.process_time() - start


def plain_loop(pairs: list[tuple[bytes, bytes]]) -> None:
    sha = hashlib.sha256
    for prev, data in pairs:
        sha(prev + data).hexdigest()


def run(quick: bool) -> dict:
    n_events = 200_000 if quick else 2_000_000
    n_side = 50_000 if quick else 200_000
    log = build_log(n_events)
    events = log.events
    pairs = [(bytes.fromhex(e.prev_hash), e.canonical) for e in events]
    sample_bytes = sum(len(prev) + len(data) for prev, data in pairs)

    def check() -> None:
        assert verify(events).ok

    # Alternate the two and keep each one's best, so both see the same machine.
    t_verify = t_plain = float("inf")
    for _ in range(5 if quick else 3):
        t_verify = min(t_verify, cpu_seconds(check))
        t_plain = min(t_plain, cpu_seconds(partial(plain_loop, pairs)))
    del pairs

    side = events[:n_side]
    t_deep = cpu_seconds(lambda: verify(side, deep=True))
    with tempfile.TemporaryDirectory() as tmp:
        write_bundle(side, [], tmp)
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-S", str(Path(tmp) / "standalone_verify.py"), tmp, "--json"],
            capture_output=True,
        )
        t_standalone = time.perf_counter() - start  # wall time: it is another process
        assert proc.returncode == 0, proc.stderr
    heads = {item: head for item, (_, head) in log.heads.items()}
    t_merkle = cpu_seconds(lambda: merkle_root(heads))

    rate = n_events / t_verify
    return {
        "sample_events": n_events,
        "sample_items": len(log.heads),
        "mean_event_bytes": sample_bytes / n_events - 32,
        "verify_s": t_verify,
        "plain_sha256_s": t_plain,
        "verify_events_per_s": rate,
        "plain_sha256_events_per_s": n_events / t_plain,
        "ratio_verify_to_plain": t_plain / t_verify,
        "national_events": NATIONAL_EVENTS,
        "national_verify_s": NATIONAL_EVENTS / rate,
        "deep_events": n_side,
        "deep_events_per_s": n_side / t_deep,
        "standalone_events_per_s": n_side / t_standalone,
        "national_standalone_s": NATIONAL_EVENTS / (n_side / t_standalone),
        "merkle_leaves": len(heads),
        "merkle_s": t_merkle,
        "national_merkle_s": t_merkle * NATIONAL_ITEMS / len(heads),
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200,000-event sample")
    r = run(parser.parse_args().quick)
    print(f"machine: {describe()}")
    print(
        f"sample: {r['sample_events']:,} events on {r['sample_items']:,} boxes, "
        f"{r['mean_event_bytes']:.0f} bytes of event text on average"
    )
    print(
        f"verify chains:      {r['verify_s']:.2f} CPU s = {r['verify_events_per_s']:,.0f} events/s\n"
        f"plain SHA-256 loop: {r['plain_sha256_s']:.2f} CPU s = {r['plain_sha256_events_per_s']:,.0f} events/s\n"
        f"ratio verify/plain speed: {r['ratio_verify_to_plain']:.2f} (goal >= 0.5)"
    )
    print(
        f"national scale ({r['national_events']:,} events): verify ~ {r['national_verify_s'] / 60:.1f} min"
    )
    print(
        f"deep verify ({r['deep_events']:,} events): {r['deep_events_per_s']:,.0f} events/s; "
        f"standalone verifier on a bundle: {r['standalone_events_per_s']:,.0f} events/s "
        f"(national ~ {r['national_standalone_s'] / 60:.0f} min)"
    )
    print(
        f"Merkle root of {r['merkle_leaves']:,} heads: {r['merkle_s']:.2f} s "
        f"(national {NATIONAL_ITEMS:,} heads ~ {r['national_merkle_s']:.1f} s per checkpoint)"
    )


if __name__ == "__main__":
    main()
