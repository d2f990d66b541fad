"""Write the TPS registry back in the import format (an export re-imports unchanged)."""

from siaga.regions.selectors import tps_list
from siaga.regions.tps_file import write_tps_file

EXPORT_FIELDS = ("code", "desa_id", "number", "name", "address", "voters", "voters_male", "voters_female",
                 "election", "special", "lat", "lng", "access", "notes")


def tps_export(*, viewer, province=None, fmt="csv", out, election=None) -> int:
    rows = tps_list(viewer=viewer, area=province, election=election).order_by("code", "election")
    count = 0

    def records():
        nonlocal count
        for values in rows.values_list(*EXPORT_FIELDS).iterator(chunk_size=10000):
            count += 1
            record = dict(zip(EXPORT_FIELDS, values))
            record["desa_code"] = record.pop("desa_id")
            yield record

    write_tps_file(records(), fmt, out)
    return count
