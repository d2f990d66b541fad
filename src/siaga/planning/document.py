"""The security plan (Rencana Pengamanan) as DOCX or PDF, in Indonesian, built from the data.

The content is assembled once as plain sections (heading, paragraphs, tables) from
the viewer's selectors, so the document shows exactly what the viewer may see:
intelligence comes through the section coordination registers in
siaga.planning.providers (its clearance, sharing and read log with via="document").
"""

import io
from pathlib import Path

from django.utils import timezone, translation
from django.utils.formats import date_format

from siaga.core.risk_matrix import level_name
from siaga.planning import providers, selectors
from siaga.planning.models import ContingencyStatus

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
STATUS_ID = {"met": "tercapai", "at_risk": "mendekati target", "missed": "belum tercapai", "no_data": "tidak ada data"}
TREND_ID = {"improving": "membaik", "worsening": "memburuk", "flat": "tetap", None: "-"}


def day_text(value):
    return date_format(value, "j F Y") if value else "-"


def _num(value, unit):
    return "tidak ada data" if value is None else f"{value:.1f} {unit}".strip()


def plan_content(*, viewer, operation) -> dict:
    """Title, meta lines and sections [(heading, [("p", text) | ("table", header, rows)])]."""
    threats = selectors.threats_ranked(selectors.threat_list(viewer=viewer, operation=operation)
                                       .prefetch_related("mitigations__owner", "contingencies__steps"))
    sections = [
        ("1. Situasi dan kerawanan", _situation(viewer, operation, threats)),
        ("2. Tahapan dan ancaman per tahapan", _threats_by_stage(operation, threats)),
        ("3. Mitigasi dan indikator kinerja (KPI)", _mitigations(viewer, operation, threats)),
        ("4. Kekuatan personel", _personnel(viewer, operation)),
        ("5. Rencana kontinjensi", _contingencies(threats)),
        ("6. Koordinasi antarinstansi", _coordination(viewer, operation)),
        ("7. Informasi intelijen yang dapat diakses", _intel(viewer, operation)),
    ]
    return {
        "title": f"RENCANA PENGAMANAN {operation.name.upper()}",
        "meta": [f"Penyelenggara: {operation.organiser.name}",
                 f"Pemilihan: {operation.get_election_display()} · Periode {day_text(operation.starts_on)} s.d. "
                 f"{day_text(operation.ends_on)}",
                 f"Disusun untuk: {viewer.get_full_name() or viewer.username}"
                 f"{' (' + viewer.agency.name + ')' if viewer.agency else ''} · {day_text(timezone.localdate())}"],
        "sections": sections,
    }


def _situation(viewer, operation, threats):
    blocks = []
    summary = selectors.situation_summary(viewer=viewer, operation=operation)
    if summary:
        blocks.append(("table", ["Uraian", "Nilai"], [[str(k), str(v)] for k, v in summary.items()]))
    else:
        blocks.append(("p", "Ringkasan kerawanan TPS: belum ada data (modul kerawanan belum tersedia)."))
    levels = selectors.risk_overview(threats)["levels"]
    blocks.append(("p", f"Jumlah ancaman terdaftar: {len(threats)} — " + ", ".join(
        f"{level_name(code)} {n}" for code, n in levels.items())))
    return blocks


def _threats_by_stage(operation, threats):
    blocks = [("table", ["Tahapan", "Mulai", "Selesai"],
               [[s.get_kind_display(), day_text(s.starts_on), day_text(s.ends_on)] for s in operation.stages.all()])]
    rows = [[t.stage.get_kind_display() if t.stage else "Semua tahapan", t.title, t.get_category_display(),
             t.area_code, f"{t.likelihood}x{t.impact}={t.score} ({level_name(t.level)})", t.owner.name,
             t.get_status_display()] for t in threats]
    blocks.append(("table", ["Tahapan", "Ancaman", "Kategori", "Wilayah", "Risiko", "Penanggung jawab", "Status"],
                   rows))
    return blocks


def _mitigations(viewer, operation, threats):
    rows = [[t.title, m.action, m.owner.name, day_text(m.due_on), m.get_status_display()]
            for t in threats for m in t.mitigations.all()]
    kpis = [[k["name"] + (f" — {k['mitigation'].action}" if k["mitigation"] else ""), _num(k["target"], k["unit"]),
             _num(k["current"], k["unit"]), STATUS_ID[k["status"]], TREND_ID[k["trend"]]]
            for k in selectors.kpi_report(viewer=viewer, operation=operation)]
    return [("table", ["Ancaman", "Mitigasi", "Pelaksana", "Batas waktu", "Status"], rows),
            ("table", ["Indikator", "Target", "Capaian", "Keterangan", "Tren"], kpis)]


def _personnel(viewer, operation):
    blocks = [("table", ["Satgas", "Tugas", "Unsur"],
               [[tf.name, tf.duty, tf.lead.name if tf.lead else "-"]
                for tf in operation.task_forces.select_related("lead")])]
    summary = selectors.personnel_summary(viewer=viewer, operation=operation)
    if summary:
        blocks.append(("table", ["Uraian", "Jumlah"], [[str(k), str(v)] for k, v in summary.items()]))
    else:
        blocks.append(("p", "Rekap personel dan pos pengamanan TPS: belum ada data (modul personel belum tersedia)."))
    return blocks


def _contingencies(threats):
    blocks = []
    for t in threats:
        for c in t.contingencies.all():
            state = "AKTIF" if c.status == ContingencyStatus.ACTIVE else c.get_status_display()
            blocks.append(("p", f"{c.name} (ancaman: {t.title}; eskalasi tingkat {c.escalation_level}; {state})"))
            blocks.append(("p", f"Pemicu: {c.trigger}. Disiagakan: {c.alerted}. Cadangan: {c.reserve}."))
            blocks.append(("p", "Langkah: " + "; ".join(f"{s.order}. {s.text}" for s in c.steps.all())))
    return blocks or [("p", "Belum ada rencana kontinjensi.")]


def _coordination(viewer, operation):
    section = providers.hook("document.coordination")
    return section(viewer=viewer, operation=operation) if section else [("p", "Modul koordinasi tidak tersedia.")]


def _intel(viewer, operation):
    section = providers.hook("document.intel")
    return section(viewer=viewer, operation=operation) if section else [("p", "Modul koordinasi tidak tersedia.")]


def render_docx(content) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading(content["title"], level=0)
    for line in content["meta"]:
        doc.add_paragraph(line)
    for heading, blocks in content["sections"]:
        doc.add_heading(heading, level=1)
        for block in blocks:
            if block[0] == "p":
                doc.add_paragraph(block[1])
                continue
            _, header, rows = block
            table = doc.add_table(rows=1, cols=len(header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, header):
                cell.text = text
            for row in rows:
                for cell, text in zip(table.add_row().cells, row):
                    cell.text = str(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _pdf_font(pdf) -> str:
    """DejaVu Sans (every Indonesian character) when installed; fpdf2's core Helvetica otherwise."""
    if (DEJAVU / "DejaVuSans.ttf").is_file():
        pdf.add_font("DejaVu", "", str(DEJAVU / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(DEJAVU / "DejaVuSans-Bold.ttf"))
        return "DejaVu"
    return "Helvetica"


def render_pdf(content) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    font = _pdf_font(pdf)
    if font == "Helvetica":  # core fonts know Latin-1 only
        content = _latin1(content)
    pdf.set_font(font, "B", 14)
    pdf.multi_cell(0, 8, content["title"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 9)
    for line in content["meta"]:
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    for heading, blocks in content["sections"]:
        pdf.ln(3)
        pdf.set_font(font, "B", 11)
        pdf.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(font, "", 8)
        for block in blocks:
            if block[0] == "p":
                pdf.multi_cell(0, 5, block[1], new_x="LMARGIN", new_y="NEXT")
                continue
            _, header, rows = block
            with pdf.table(text_align="LEFT", line_height=4.5) as table:
                for row in [header, *rows]:
                    cells = table.row()
                    for text in row:
                        cells.cell(str(text))
            pdf.ln(1)
    return bytes(pdf.output())


def _latin1(content):
    def fix(text):
        return text.replace("—", "-").replace("·", "-").encode("latin-1", "replace").decode("latin-1")

    def block(b):
        return ("p", fix(b[1])) if b[0] == "p" else ("table", [fix(h) for h in b[1]],
                                                       [[fix(str(c)) for c in r] for r in b[2]])
    return {"title": fix(content["title"]), "meta": [fix(m) for m in content["meta"]],
            "sections": [(fix(h), [block(b) for b in bs]) for h, bs in content["sections"]]}


def plan_document(*, viewer, operation, fmt) -> bytes:
    """The plan in Indonesian whatever the viewer's interface language (it is an official document)."""
    with translation.override("id"):
        content = plan_content(viewer=viewer, operation=operation)
    return render_docx(content) if fmt == "docx" else render_pdf(content)
