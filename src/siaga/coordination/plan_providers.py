"""What coordination gives the security plan (planning sits below and asks siaga.planning.providers):
the action-items KPI, the plan document's coordination and intelligence sections, a threat's reports."""

from datetime import date

from siaga.coordination import selectors, services
from siaga.coordination.models import ActionStatus
from siaga.core.kpi import on_time_share
from siaga.planning.document import day_text
from siaga.planning.kpi_sources import due_items
from siaga.planning.models import KpiSource
from siaga.planning.providers import register, register_kpi


def actions_on_time(*, viewer, operation, today: date, **_):
    """Share (%) of the operation's due action items done by their due date."""
    rows = (selectors.action_item_list(viewer=viewer).filter(meeting__operation=operation)
            .exclude(status=ActionStatus.CANCELLED).values_list("due_on", "done_on", "status"))
    return on_time_share(due_items(rows, ActionStatus.DONE), today)


def document_coordination(*, viewer, operation):
    meetings = selectors.meeting_list(viewer=viewer).filter(operation=operation)
    blocks = [("table", ["Tanggal", "Rapat", "Tempat", "Keputusan"],
               [[day_text(m.held_at), m.title, m.place, "; ".join(d.text for d in m.decisions.all())]
                for m in meetings])]
    items = selectors.action_item_list(viewer=viewer).filter(meeting__operation=operation)
    blocks.append(("table", ["Tindak lanjut", "Instansi", "Petugas", "Batas waktu", "Status"],
                   [[i.text, i.owner.name, i.person, day_text(i.due_on), i.get_status_display()] for i in items]))
    liaisons = selectors.liaison_list(viewer=viewer)
    blocks.append(("table", ["Instansi", "Perwira penghubung", "Jabatan", "Telepon"],
                   [[li.agency.name, li.name, li.position, li.phone] for li in liaisons]))
    return blocks


def document_intel(*, viewer, operation):
    """The reports of the operation the reader may read; putting them in the document is a logged read."""
    reports = [r for r in selectors.report_list(viewer=viewer)
               if r.stage is None or r.stage.operation_id == operation.pk]
    if not reports:
        return [("p", "Tidak ada laporan informasi yang dapat diakses pembaca dokumen ini.")]
    services.report_reads_log(reader=viewer, reports=reports, via="document")
    return [("table", ["Tanggal", "Laporan", "Wilayah", "Nilai", "Klasifikasi"],
             [[day_text(r.created_at), r.title, r.area_code, r.grade, r.classification.upper()] for r in reports])]


def threat_intel(*, viewer, threat, via="page"):
    return services.reports_open(reader=viewer, threat=threat, via=via)


def register_all():
    register_kpi(KpiSource.ACTIONS_ON_TIME, actions_on_time)
    register("document.coordination", document_coordination)
    register("document.intel", document_intel)
    register("threat.intel", threat_intel)
