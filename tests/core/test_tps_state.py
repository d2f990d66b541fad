"""TPS state from its event stream: hand-made days and properties over shuffled streams."""

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from siaga.core import tps_state as ts
from siaga.core.tps_state import Event, TransitionRefused, derive, transition

T0 = datetime(2024, 2, 13, 22, 0, tzinfo=timezone.utc)  # 06:00 WITA on voting day


def at(minutes):
    return T0 + timedelta(minutes=minutes)


def test_a_normal_day_ends_handed_over_with_milestone_times():
    events = [Event("logistik", at(0)), Event("buka", at(70)), Event("pemungutan", at(75)),
              Event("penghitungan", at(430)), Event("selesai", at(700)), Event("serah", at(760))]
    state = derive(events)
    assert state.stage == "serah"
    assert state.reached["buka"] == at(70) and state.reached["penghitungan"] == at(430)
    assert state.last_event_at == at(760) and state.anomalies == ()


def test_out_of_order_arrival_is_ordered_by_event_time():
    # The SMS "opened" arrives after the app's "counting": arrival order must not matter.
    arrived = [Event("penghitungan", at(430)), Event("buka", at(70)), Event("logistik", at(0))]
    state = derive(arrived)
    assert state.stage == "penghitungan"
    assert state.reached["buka"] == at(70)
    assert state.anomalies == ()


def test_a_skipped_stage_counts_as_reached_at_the_later_report():
    state = derive([Event("penghitungan", at(430))])
    assert state.reached["buka"] == at(430)  # opened no later than counting began
    assert state.reached["pemungutan"] == at(430)


def test_backward_report_is_an_anomaly_and_does_not_move_the_state():
    state = derive([Event("selesai", at(700)), Event("buka", at(800))])
    assert state.stage == "selesai"
    assert [a[0] for a in state.anomalies] == ["buka"]


def test_suspension_halts_until_resumed_and_needs_a_running_tps():
    with pytest.raises(TransitionRefused, match="cannot suspend"):
        transition(ts.TpsState(), Event("ditunda", at(0)))
    state = derive([Event("buka", at(60)), Event("ditunda", at(90))])
    assert state.suspended
    with pytest.raises(TransitionRefused, match="while suspended"):
        transition(state, Event("penghitungan", at(100)))
    state = derive([Event("buka", at(60)), Event("ditunda", at(90)), Event("lanjut", at(120)),
                    Event("penghitungan", at(400))])
    assert state.stage == "penghitungan" and not state.suspended


def test_disturbance_is_a_flag_and_voting_goes_on():
    state = derive([Event("buka", at(60)), Event("gangguan", at(80)), Event("pemungutan", at(90))])
    assert state.stage == "pemungutan" and state.disturbed
    assert not derive([Event("buka", at(60)), Event("gangguan", at(80)), Event("lanjut", at(85))]).disturbed


def test_unknown_kind_refused():
    with pytest.raises(TransitionRefused, match="unknown"):
        transition(ts.TpsState(), Event("meledak", at(0)))


events_st = st.lists(st.builds(Event, st.sampled_from(ts.EVENT_KINDS),
                               st.integers(0, 1000).map(at), st.integers(0, 10**6)), max_size=25)


@given(events_st, st.randoms())
def test_derivation_does_not_depend_on_arrival_order(events, rnd):
    shuffled = list(events)
    rnd.shuffle(shuffled)
    assert derive(shuffled) == derive(events)


@given(events_st)
def test_stage_never_goes_back_and_milestones_are_ordered(events):
    state = ts.TpsState()
    for event in sorted(events, key=ts.order_key):
        new = ts.apply(state, event)
        assert ts.RANK[new.stage] >= ts.RANK[state.stage]
        state = new
    reached = [state.reached[s] for s in ts.STAGES[1:] if s in state.reached]
    assert reached == sorted(reached)
    assert state == derive(events)  # folding one by one = deriving the whole stream
