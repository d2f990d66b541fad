"""Every write of voting day, one module per job:

  common      the refusal, the authority check, the plausible time window, server-derived client ids
  statements  the hot path's SQL (summary rows, multi-row inserts) and the retry of serialisation failures
  events      TPS events from phones, SMS and feeds (the hot path)
  checkins    the voting day's check-in windows and the sweep that flags missing reports
  incidents   incident reports, the command workflow, publishing, photos
  dispatch    units and reserve teams sent to incidents
  sms         the SMS gateway, registered phones, received messages
  revote      a TPS put into re-voting (PSU, PSL, PSS) with its new ballots, post and check-ins

Each function takes keyword arguments, runs in one transaction, writes an audit entry for every change and
publishes its live update after commit. Submissions from the field carry a client-generated UUID: the same
reporter sending the same one again gets the original row and changes nothing. Services read through
selectors; selectors never import services.
"""

from siaga.operations.services.checkins import checkin_sweep, voting_day_configure
from siaga.operations.services.common import PLAUSIBLE_DAYS, Conflict, Rejected, derived_client_id, require
from siaga.operations.services.dispatch import ACK_MINUTES, DISPATCH_STEPS, dispatch_create, dispatch_update
from siaga.operations.services.events import (BATCH_MAX, Outcome, Submission, out_of_area, tps_event_record,
                                              tps_events_record)
from siaga.operations.services.incidents import (duplicate_candidates, incident_lock, incident_merge,
                                                 incident_photo_add, incident_publish, incident_report,
                                                 incident_snapshot, incident_transition)
from siaga.operations.services.revote import revote_declare
from siaga.operations.services.sms import (mobile_number, normalize_phone, sms_gateway_for, sms_gateway_issue,
                                           sms_receive, sms_sender_register)

__all__ = ["ACK_MINUTES", "BATCH_MAX", "DISPATCH_STEPS", "PLAUSIBLE_DAYS", "Conflict", "Outcome", "Rejected",
           "Submission", "checkin_sweep", "derived_client_id", "dispatch_create", "dispatch_update",
           "duplicate_candidates", "incident_lock", "incident_merge", "incident_photo_add", "incident_publish",
           "incident_report", "incident_snapshot", "incident_transition", "mobile_number", "normalize_phone",
           "out_of_area", "revote_declare",
           "require", "sms_gateway_for", "sms_gateway_issue", "sms_receive", "sms_sender_register",
           "tps_event_record", "tps_events_record", "voting_day_configure"]
