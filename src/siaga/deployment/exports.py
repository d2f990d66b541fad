"""Printable exports of a plan: per-Polsek assignment lists (XLSX, PDF), Polres and province summaries.

Every text cell goes through the TPS exporter's formula neutralisation, so a
name like '=HYPERLINK(...)' shows as text instead of running in a spreadsheet.
"""

import io
from pathlib import Path

import openpyxl
from django.utils.translation import gettext as _
from fpdf import FPDF

from siaga.core.planner import CLASS_NAMES
from siaga.deployment import selectors
from siaga.regions.tps_file import neutralise

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


def _text(value):
    return neutralise(value) if isinstance(value, str) else value


def polsek_rows(*, viewer, plan, unit):
    """(post, TPS codes, class, required, assigned from this unit, people) for the posts this Polsek staffs
    or that lie in its kecamatan."""
    assignments = selectors.plan_assignments(viewer=viewer, plan=plan).filter(unit=unit)
    mine = {a.post_id: a.count for a in assignments}
    posts = list(selectors.plan_posts(viewer=viewer, plan=plan).filter(pk__in=mine)
                 | selectors.plan_posts(viewer=viewer, plan=plan, area=unit.area_code))
    people = selectors.plan_people(viewer=viewer, plan=plan, post_ids=[p.pk for p in posts])
    rows = []
    for p in sorted(posts, key=lambda p: p.key):
        names = "; ".join(f"{rank} {name} ({nrp})" for nrp, rank, name in people.get(p.pk, ()))
        rows.append([p.key, ", ".join(p.tps_codes) or p.name, CLASS_NAMES[p.klass].replace("_", " "), p.polri_required,
                     mine.get(p.pk, 0), p.polri_assigned, p.linmas_required, names])
    return rows


def headers():
    return [_("Post"), _("TPS codes"), _("Class"), _("Polri required"), _("From this unit"), _("Assigned"),
            "Linmas", _("Personnel")]


def title(plan, unit):
    return f"{_('Deployment plan')} #{plan.pk} · {plan.pattern_set.operation} · {unit.name}"


def polsek_xlsx(*, viewer, plan, unit, out):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Pos"
    sheet.append([_text(title(plan, unit))])
    sheet.append([_("Pattern version"), plan.pattern_set.version, _("Created"), plan.created_at.isoformat()])
    sheet.append(headers())
    for row in polsek_rows(viewer=viewer, plan=plan, unit=unit):
        sheet.append([_text(v) for v in row])
    book.save(out)


def polsek_pdf(*, viewer, plan, unit, out):
    pdf = FPDF(orientation="L", format="A4")
    if (DEJAVU / "DejaVuSans.ttf").exists():
        pdf.add_font("DejaVu", "", str(DEJAVU / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(DEJAVU / "DejaVuSans-Bold.ttf"))
        family = "DejaVu"
    else:
        family = "Helvetica"
    pdf.add_page()
    pdf.set_font(family, "B", 13)
    pdf.multi_cell(0, 7, _("Attachment: TPS security assignment list"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    pdf.multi_cell(0, 6, title(plan, unit), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, f"{_('Pattern version')} {plan.pattern_set.version} · {plan.created_at:%Y-%m-%d %H:%M}",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(family, "", 8)
    widths = (14, 60, 22, 18, 18, 18, 14, 113)
    with pdf.table(col_widths=widths, text_align="LEFT") as table:
        table.row([str(h) for h in headers()])
        for row in polsek_rows(viewer=viewer, plan=plan, unit=unit):
            table.row([str(v) for v in row])
    out.write(bytes(pdf.output()))


def summary_rows(*, viewer, plan, area=None):
    return [[r["unit"].code, r["unit"].name, r["required"], r["available"], r["assigned"], r["shortfall"]]
            for r in selectors.unit_table(viewer=viewer, plan=plan, area=area)]


def summary_xlsx(*, viewer, plan, area, out):
    """Per-Polres summary (area = kab/kota: its Polsek) or the province summary (area = province)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("Summary")[:31]
    sheet.append([_text(f"{_('Deployment plan')} #{plan.pk} · {plan.pattern_set.operation} · {area}")])
    summary = selectors.plan_summary(viewer=viewer, plan=plan, area=area)
    for key in ("posts", "polri_required", "polri_assigned", "linmas_required", "shortfall", "bko"):
        sheet.append([key, summary.get(key)])
    sheet.append([])
    sheet.append([_("Code"), _("Unit"), _("Required"), _("Available"), _("Assigned"), _("Shortfall")])
    for row in summary_rows(viewer=viewer, plan=plan, area=area):
        sheet.append([_text(v) for v in row])
    bko = book.create_sheet("BKO")
    bko.append([_("From"), _("To"), _("Personnel")])
    for b in selectors.plan_bko(viewer=viewer, plan=plan):
        bko.append([b.from_unit.code, b.to_unit.code, b.count])
    book.save(out)


def to_bytes(write, **kwargs) -> bytes:
    buffer = io.BytesIO()
    write(out=buffer, **kwargs)
    return buffer.getvalue()
