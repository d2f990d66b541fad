"""The shift schedule of a deployment plan, for the annex of the Rencana Pengamanan.

shift_schedule(plan) -> rows {"shift", "start", "end", "officers_required", "officers_filled",
"officers_available", "shortfall"} (datetimes and ints) from the deployment app's shift planner, the same
figures `siaga plan shifts` prints; [] without a plan.
"""

from datetime import datetime

from siaga.deployment.shifts import shift_figures


def shift_schedule(plan) -> list[dict]:
    if plan is None:
        return []
    return [{"shift": row["label"], "start": datetime.fromisoformat(row["start"]),
             "end": datetime.fromisoformat(row["end"]), "officers_required": row["required"],
             "officers_filled": row["filled"], "officers_available": row["available"],
             "shortfall": row["shortfall"]}
            for row in shift_figures(plan)["shifts"]]
