"""The stage calendar of a plan's operation, as deployment may read it.

The operation and its stages (tahapan) belong to planning, one floor up; planning registers the reader here in
its ``AppConfig.ready()`` (deployment never imports it). Without planning installed there is no calendar and
the shift table keeps its default windows.
"""

from datetime import date

_reader = None


def register(reader) -> None:
    """``reader(*, operation_id, election, province_code) -> {stage kind: (first day, last day)}``."""
    global _reader
    _reader = reader


def stage_days(*, operation_id, election, province_code) -> dict[str, tuple[date, date]]:
    if _reader is None:
        return {}
    return _reader(operation_id=operation_id, election=election, province_code=province_code)
