"""The shift schedule of a deployment plan, for the annex of the Rencana Pengamanan.

shift_schedule(plan) -> list of rows {"shift", "start", "end", "posts", "officers_required",
"officers_available", "shortfall"} (datetimes and ints), or [] when the plan has no shift schedule.
The deployment app's shift planner (siaga.deployment.shifts) provides the rows when installed; no row
is ever estimated here.
"""

import importlib.util


def shift_schedule(plan) -> list[dict]:
    if plan is None or importlib.util.find_spec("siaga.deployment.shifts") is None:
        return []
    from siaga.deployment import shifts

    func = getattr(shifts, "shift_schedule", None)
    return list(func(plan)) if func else []
