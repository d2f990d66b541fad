"""After-action report: coverage, check-in punctuality, incidents, response times; as data, XLSX and PDF."""

import io
import statistics
from collections import Counter
from pathlib import Path

from django.db.models import Count
from django.utils import timezone

from siaga.core import checkins
from siaga.operations import selectors, workflow
from siaga.operations.models import MILESTONE_FIELDS, Category

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
CATEGORY_LABELS = dict(Category.choices)


def after_action(*, viewer, area=None, now=None) -> dict:
    now = now or timezone.now()
    total = selectors.tps_in_scope(viewer=viewer, area=area).count()
    rows = selectors.status_rows(viewer=viewer, area=area)
    punctuality = []
    day = selectors.voting_day_for(area or viewer.area_code or "")
    if day is not None:
        for window in selectors.voting_day_windows(day):
            deadline = checkins.window_deadline(day.date, window, day.timezone)
            field = MILESTONE_FIELDS[window.milestone]
            reported = rows.filter(**{f"{field}__isnull": False})
            on_time = reported.filter(**{f"{field}__lte": deadline}).count()  # at the deadline = on time
            late = reported.count() - on_time
            punctuality.append({"milestone": window.milestone, "deadline": timezone.localtime(deadline),
                                "on_time": on_time, "late": late, "missing": total - on_time - late})
    incidents = selectors.incidents(viewer=viewer, area=area).exclude(status=workflow.MERGED)
    by_category = dict(incidents.order_by().values_list("category").annotate(n=Count("pk")))
    by_area = dict(incidents.order_by().values_list("kabkota_code").annotate(n=Count("pk")))
    response = []
    for severity in (4, 3, 2, 1):
        timed = [(a - r).total_seconds() / 60 for r, a in incidents.filter(severity=severity, action_at__isnull=False)
                 .values_list("reported_at", "action_at")]
        target = workflow.RESPONSE_TARGET_MINUTES[severity]
        response.append({"severity": severity, "target_minutes": target, "handled": len(timed),
                         "met": sum(1 for m in timed if m <= target),
                         "median_minutes": round(statistics.median(timed), 1) if timed else None,
                         "open": incidents.filter(severity=severity, status__in=workflow.OPEN_STATUSES).count()})
    revotes = _revotes(viewer, area, now)
    return {"area": area or viewer.area_code or "", "generated_at": timezone.localtime(now), "tps": total,
            "revotes": revotes,
            "reporting": rows.filter(events__gt=0).count(), "punctuality": punctuality,
            "by_category": [(str(CATEGORY_LABELS.get(c, c)), n) for c, n in Counter(by_category).most_common()],
            "by_area": sorted(by_area.items()), "response": response,
            "max_count": max([*by_category.values(), *by_area.values(), 1])}


def _revotes(viewer, area, now) -> dict:
    """Re-votes counted apart from voting day: per kind, and their own check-ins on the new date."""
    rows = list(selectors.revote_list(viewer=viewer, area=area))
    by_kind = Counter(r.kind for r in rows)
    statuses = Counter(c["status"] for r in rows for c in selectors.revote_checkins(r, now=now))
    return {"total": len(rows), "by_kind": {k: by_kind.get(k, 0) for k in ("psu", "psl", "pss")},
            "checkins": {k: statuses.get(k, 0) for k in (checkins.ON_TIME, checkins.LATE, checkins.MISSING,
                                                         checkins.PENDING)},
            "rows": [{"tps": r.tps.code, "name": r.tps.name, "kind": r.kind, "kind_label": r.get_kind_display(),
                      "reason_label": r.get_reason_display(), "round": r.round, "new_date": r.new_date,
                      "decision": r.decision_number} for r in rows]}


def _sheet(wb, title, header, rows):
    ws = wb.create_sheet(title)
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    return ws


def to_xlsx(data) -> io.BytesIO:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    wb = Workbook()
    ws = wb.active
    ws.title = "Ringkasan"
    ws.append(["Wilayah", data["area"]])
    ws.append(["Dibuat", data["generated_at"].strftime("%Y-%m-%d %H:%M")])
    ws.append(["TPS", data["tps"]])
    ws.append(["TPS melapor", data["reporting"]])
    punct = _sheet(wb, "Ketepatan", ["Tahap", "Tenggat", "Tepat waktu", "Terlambat", "Tidak melapor"],
                   [(p["milestone"], p["deadline"].strftime("%H:%M"), p["on_time"], p["late"], p["missing"])
                    for p in data["punctuality"]])
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
    chart.title = "Ketepatan laporan TPS"
    n = len(data["punctuality"]) + 1
    chart.add_data(Reference(punct, min_col=3, max_col=5, min_row=1, max_row=n), titles_from_data=True)
    chart.set_categories(Reference(punct, min_col=1, min_row=2, max_row=n))
    punct.add_chart(chart, "G2")
    cats = _sheet(wb, "Insiden", ["Kategori", "Jumlah"], data["by_category"])
    chart = BarChart()
    chart.title = "Insiden per kategori"
    n = len(data["by_category"]) + 1
    chart.add_data(Reference(cats, min_col=2, min_row=1, max_row=n), titles_from_data=True)
    chart.set_categories(Reference(cats, min_col=1, min_row=2, max_row=n))
    cats.add_chart(chart, "D2")
    _sheet(wb, "Per wilayah", ["Kab/kota", "Insiden"], data["by_area"])
    _sheet(wb, "Waktu respons", ["Tingkat", "Target (menit)", "Ditangani", "Memenuhi target", "Median (menit)",
                                 "Masih terbuka"],
           [(r["severity"], r["target_minutes"], r["handled"], r["met"], r["median_minutes"], r["open"])
            for r in data["response"]])
    _sheet(wb, "Pemungutan ulang", ["TPS", "Nama", "Jenis", "Putaran", "Tanggal baru", "Alasan", "Keputusan KPU"],
           [(r["tps"], r["name"], r["kind"].upper(), r["round"], r["new_date"].isoformat(), str(r["reason_label"]),
             r["decision"]) for r in data["revotes"]["rows"]])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def _bars(pdf, rows, width=120):
    """A horizontal bar chart drawn with rectangles: (label, value) rows."""
    top = max((v for _, v in rows), default=0) or 1
    for label, value in rows:
        pdf.cell(55, 6, str(label)[:30])
        pdf.set_fill_color(31, 111, 235)
        x, y = pdf.get_x(), pdf.get_y()
        pdf.rect(x, y + 1, max(width * value / top, 0.5), 4, style="F")
        pdf.set_x(x + width + 3)
        pdf.cell(20, 6, str(value), new_x="LMARGIN", new_y="NEXT")


def to_pdf(data) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    font = "Helvetica"
    if (DEJAVU / "DejaVuSans.ttf").is_file():
        pdf.add_font("DejaVu", "", str(DEJAVU / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(DEJAVU / "DejaVuSans-Bold.ttf"))
        font = "DejaVu"
    pdf.add_page()
    pdf.set_font(font, "B", 15)
    pdf.cell(0, 10, "Laporan Pasca-Operasi Hari Pemungutan Suara", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 10)
    pdf.cell(0, 6, f"Wilayah {data['area'] or 'Indonesia'} · dibuat {data['generated_at']:%d-%m-%Y %H:%M}",
             new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"Cakupan: {data['reporting']} dari {data['tps']} TPS melapor", new_x="LMARGIN", new_y="NEXT")
    revotes = data["revotes"]
    if revotes["total"]:
        kinds = ", ".join(f"{k.upper()} {n}" for k, n in revotes["by_kind"].items() if n)
        pdf.cell(0, 6, f"Pemungutan ulang/lanjutan/susulan (dihitung terpisah): {revotes['total']} TPS ({kinds})",
                 new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(font, "B", 12)
    pdf.cell(0, 8, "Ketepatan laporan", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 10)
    for p in data["punctuality"]:
        pdf.cell(0, 6, f"{p['milestone']} (tenggat {p['deadline']:%H:%M}): tepat {p['on_time']}, "
                       f"terlambat {p['late']}, tidak melapor {p['missing']}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(font, "B", 12)
    pdf.cell(0, 8, "Insiden per kategori", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 10)
    _bars(pdf, data["by_category"])
    pdf.ln(3)
    pdf.set_font(font, "B", 12)
    pdf.cell(0, 8, "Waktu respons terhadap target", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 10)
    for r in data["response"]:
        pdf.cell(0, 6, f"Tingkat {r['severity']} (target {r['target_minutes']} menit): {r['met']}/{r['handled']} "
                       f"memenuhi target, median {r['median_minutes'] or '-'} menit, {r['open']} masih terbuka",
                 new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
