"""The election-day drill stream: deterministic, ordered, realistic proportions."""

from datetime import date

from hypothesis import given, settings, strategies as st

from siaga.core import simulator

CODES = [f"7405242009{n:03d}" for n in range(1, 201)]


def test_same_seed_same_stream_and_sorted_by_send_time():
    tps = simulator.default_classes(CODES)
    a = simulator.election_day(tps, day=date(2024, 2, 14), seed=7)
    b = simulator.election_day(tps, day=date(2024, 2, 14), seed=7)
    assert a == b
    assert [s.send_at for s in a] == sorted(s.send_at for s in a)


def test_stream_has_stages_retries_incidents_and_rejects_at_plausible_rates():
    subs = simulator.election_day(simulator.default_classes(CODES * 5), day=date(2024, 2, 14), seed=1)
    events = [s for s in subs if s.kind == "event" and not s.retry]
    # 1000 TPS x 6 stages, 2 % never sent.
    assert 5700 < len(events) < 5960
    retries = [s for s in subs if s.retry]
    assert 0.02 < len(retries) / len(subs) < 0.06
    assert all(any(o.client_id == r.client_id and not o.retry for o in subs) for r in retries[:20])
    assert 0 < sum(s.kind == "incident" for s in subs) < 100
    assert sum(s.expect_reject for s in subs) > 0


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10**6))
def test_expected_counts_add_up(seed):
    subs = simulator.election_day(simulator.default_classes(CODES[:30], seed=seed), day=date(2024, 2, 14), seed=seed)
    counts = simulator.expected_counts(subs)
    assert counts["accepted"] + counts["duplicates"] + counts["rejected"] == counts["sent"]
