"""The soak (bench/soak.py) in a short bounded form: about 60 s at a modest rate against a real
`siaga serve` on a PostgreSQL database made for this test, then dropped.

Speed is not asserted (the machine is shared); memory growth ratios, integrity and the
bound logic are, on the real measurements.
"""

import importlib.util
import statistics
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def soak():
    spec = importlib.util.spec_from_file_location("siaga_bench_soak", REPO / "bench" / "soak.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def window(rss_kb, p99_ms):
    return {"rss_kb": rss_kb, "p99_ms": p99_ms}


def report(windows, accepted=100, stored=100, errors=0):
    return {"windows": windows, "expected": {"accepted": 100}, "server": {"accepted": stored},
            "client": {"accepted": accepted, "errors": errors}}


def test_bounds_on_a_hand_computed_case(soak):
    # Warm-up of one window: base RSS 100 (end of window 0), end 115 -> 115/100 = 1.15 < 1.2.
    # p99 after warm-up: 40, 50 | 60, 100 -> medians 45 and 80 -> 80/45 = 1.7778 <= 2.
    ok = soak.verdict(report([window(100, 90), window(105, 40), window(110, 50), window(112, 60),
                              window(115, 100)]), warmup_windows=1)
    assert ok["rss_ratio"] == 1.15 and ok["p99_ratio"] == round(80 / 45, 4)
    assert ok["failures"] == []
    # 125/100 = 1.25 breaks the memory bound; medians 45 -> 100 = 2.22 break the latency bound;
    # 3 stored of 100 expected: 97 lost; the client's count is off as well.
    bad = soak.verdict(report([window(100, 90), window(105, 40), window(110, 50), window(112, 100),
                               window(125, 100)], accepted=99, stored=3), warmup_windows=1)
    assert bad["rss_ratio"] == 1.25 and bad["p99_ratio"] == round(100 / 45, 4)
    assert bad["lost"] == 97 and bad["doubled"] == 0
    assert [f.split()[0] for f in bad["failures"]] == ["memory", "p99", "integrity:", "client"]


def test_short_soak_holds_memory_and_integrity_bounds(soak, tmp_path):
    database_url = f"{soak.PG}/siaga_soak_{uuid.uuid4().hex[:10]}"
    result = soak.run(minutes=1, rate=10, window=10, warmup=10, database_url=database_url, home=tmp_path,
                      tps_limit=300, keep_database=False, echo=lambda line: None)
    windows, verdict = result["windows"], result["verdict"]
    assert len(windows) == 6 and all(w["rss_kb"] > 10_000 for w in windows)
    # The verdict is the stated bound logic applied to these very measurements.
    assert verdict["rss_ratio"] == round(windows[-1]["rss_kb"] / windows[0]["rss_kb"], 4)
    steady = [w["p99_ms"] for w in windows[1:]]
    assert verdict["p99_ratio"] == round(statistics.median(steady[2:]) / statistics.median(steady[:2]), 4)
    assert (verdict["p99_ratio"] > soak.P99_GROWTH_BOUND) == any(f.startswith("p99") for f in verdict["failures"])
    # Memory stays flat under a steady load, and nothing is lost or stored twice.
    assert verdict["rss_ratio"] < soak.RSS_GROWTH_BOUND
    assert verdict["lost"] == 0 and verdict["doubled"] == 0 and result["client"]["errors"] == 0
    assert result["server"]["accepted"] == result["expected"]["accepted"] == result["client"]["accepted"] > 0
    assert result["client"]["duplicates"] == result["expected"]["duplicates"] > 0
