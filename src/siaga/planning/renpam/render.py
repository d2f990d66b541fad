"""Official documents (Rencana Pengamanan, Sprin) from plain content to DOCX (python-docx) and PDF (fpdf2).

Content: kop (lines), classification (printed in every page's header and footer), number, title,
subtitle, meta lines, sections [(heading, blocks)], signature, tembusan, annexes [(heading, blocks)].
Blocks: ("p", text) · ("h2", text) · ("list", [text]) · ("table", header, rows) · ("img", png, caption).
"""

import io
import string
from pathlib import Path

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
LETTERS = string.ascii_lowercase


def _item_label(n):
    return LETTERS[n] if n < 26 else f"{LETTERS[n // 26 - 1]}{LETTERS[n % 26]}"


def col_widths(header, rows, total):
    """Column widths in proportion to their text (capped), so long text columns get room."""
    weights = []
    for i, head in enumerate(header):
        sample = [str(r[i]) for r in rows[:300]]
        average = sum(len(t) for t in sample) / len(sample) if sample else 0
        longest_word = max([len(w) for t in [str(head), *sample] for w in t.split()] + [3])
        weights.append(min(max(average, min(longest_word, 18) * 1.1), 60))
    scale = total / sum(weights)
    return [w * scale for w in weights]


# --- DOCX -------------------------------------------------------------------------------------------

def render_docx(content) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Cm, Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Arial", Pt(10)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    _docx_marking(section.header.paragraphs[0], content["classification"], WD_ALIGN_PARAGRAPH.CENTER)
    footer = section.footer.paragraphs[0]
    _docx_marking(footer, content["classification"], WD_ALIGN_PARAGRAPH.CENTER)
    _docx_page_field(section.footer.add_paragraph(), WD_ALIGN_PARAGRAPH.CENTER)

    for n, line in enumerate(content["kop"]):
        p = doc.add_paragraph()
        run = p.add_run(line)
        run.bold = True
        run.underline = n == len(content["kop"]) - 1
        p.paragraph_format.space_after = Pt(0)
    doc.add_paragraph()
    title = doc.add_heading(content["title"], level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in [content.get("subtitle"), f"Nomor: {content['number']}"]:
        if line:
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(line).bold = True
    for line in content.get("meta", []):
        p = doc.add_paragraph(line)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for heading, blocks in content["sections"]:
        doc.add_heading(heading, level=1)
        _docx_blocks(doc, blocks, Cm)
    _docx_signature(doc, content, WD_ALIGN_PARAGRAPH, Cm)
    for heading, blocks in content.get("annexes", []):
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        p = doc.add_paragraph(f"{heading.split(':')[0]} {content['title'].title()} Nomor: {content['number']}")
        p.runs[0].font.size = Pt(8)
        doc.add_heading(heading, level=1)
        _docx_blocks(doc, blocks, Cm)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _docx_marking(paragraph, text, align):
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold = True


def _docx_page_field(paragraph, align):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph.alignment = align
    paragraph.add_run("Halaman ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    paragraph._p.append(field)


def _docx_blocks(doc, blocks, Cm):
    for block in blocks:
        kind = block[0]
        if kind == "p":
            doc.add_paragraph(block[1])
        elif kind == "h2":
            doc.add_heading(block[1], level=2)
        elif kind == "list":
            for n, item in enumerate(block[1]):
                p = doc.add_paragraph(f"{_item_label(n)}. {item}")
                p.paragraph_format.left_indent = Cm(0.8)
                p.paragraph_format.first_line_indent = Cm(-0.6)
        elif kind == "img":
            doc.add_picture(io.BytesIO(block[1]), width=Cm(17))
            doc.add_paragraph(block[2])
        elif kind == "table":
            _docx_table(doc, block[1], block[2], Cm)


def _docx_table(doc, header, rows, Cm):
    """A grid table; rows are written as one XML fragment (python-docx's cell API takes seconds for the
    plotting annex's thousands of cells)."""
    from xml.sax.saxutils import escape

    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    widths = [int(w * 567) for w in col_widths(header, rows, 17.0)]  # twentieths of a point per cm
    for cell, text, width in zip(table.rows[0].cells, header, widths):
        cell.paragraphs[0].add_run(str(text)).bold = True
        cell.width = Cm(width / 567)
    if not rows:
        return
    body = "".join(
        "<w:tr>" + "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:r><w:t xml:space="preserve">'
            f"{escape(str(text))}</w:t></w:r></w:p></w:tc>" for text, width in zip(row, widths)) + "</w:tr>"
        for row in rows)
    fragment = parse_xml(f"<w:tbl {nsdecls('w')}>{body}</w:tbl>")
    for tr in list(fragment):
        table._tbl.append(tr)


def _docx_signature(doc, content, WD_ALIGN_PARAGRAPH, Cm):
    sign = content["signature"]
    doc.add_paragraph()
    lines = [sign["place_date"], sign.get("an", ""), sign["jabatan"], "", "", "", sign["nama"],
             f"{sign['pangkat']} NRP {sign['nrp']}"]
    for n, line in enumerate(lines):
        p = doc.add_paragraph()
        p.paragraph_format.left_indent = Cm(9)
        p.paragraph_format.space_after = Cm(0)
        run = p.add_run(line)
        run.bold = n in (2, 6)
        run.underline = n == 6
    if content.get("tembusan"):
        doc.add_paragraph("Tembusan:")
        for n, line in enumerate(content["tembusan"], start=1):
            doc.add_paragraph(f"{n}. {line}")


# --- PDF --------------------------------------------------------------------------------------------

def render_pdf(content) -> bytes:
    from fpdf import FPDF

    marking = content["classification"]

    class Document(FPDF):
        def header(self):
            self.set_font(self.font_name, "B", 9)
            self.cell(0, 5, marking, align="C", new_x="LMARGIN", new_y="NEXT")
            self.ln(2)

        def footer(self):
            self.set_y(-13)
            self.set_font(self.font_name, "B", 9)
            self.cell(0, 4, marking, align="C", new_x="LMARGIN", new_y="NEXT")
            self.set_font(self.font_name, "", 7)
            self.cell(0, 4, f"{content['title'].title()} {content['number']} · Halaman {self.page_no()}", align="C")

    pdf = Document(format="A4")
    pdf.font_name = _pdf_font(pdf)
    if pdf.font_name == "Helvetica":
        content = _latin1(content)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_margins(18, 12, 18)
    pdf.add_page()
    font = pdf.font_name
    pdf.set_font(font, "B", 10)
    for line in content["kop"]:
        pdf.cell(95, 5, line, align="C", new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y()
    pdf.line(pdf.l_margin + 8, y + 0.5, pdf.l_margin + 87, y + 0.5)
    pdf.ln(8)
    pdf.set_font(font, "B", 14)
    pdf.cell(0, 8, content["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "B", 11)
    if content.get("subtitle"):
        pdf.multi_cell(0, 6, content["subtitle"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"Nomor: {content['number']}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 9)
    for line in content.get("meta", []):
        pdf.multi_cell(0, 5, line, align="C", new_x="LMARGIN", new_y="NEXT")
    for heading, blocks in content["sections"]:
        if pdf.get_y() > pdf.page_break_trigger - 35:
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font(font, "B", 11)
        pdf.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        _pdf_blocks(pdf, blocks)
    _pdf_signature(pdf, content)
    for heading, blocks in content.get("annexes", []):
        pdf.add_page()
        pdf.set_font(font, "", 7)
        pdf.multi_cell(0, 4, f"{heading.split(':')[0]} {content['title'].title()} Nomor: {content['number']}",
                       align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(font, "B", 11)
        pdf.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        _pdf_blocks(pdf, blocks)
    return bytes(pdf.output())


def _pdf_blocks(pdf, blocks):
    font = pdf.font_name
    for block in blocks:
        kind = block[0]
        if kind == "h2":
            if pdf.get_y() > pdf.page_break_trigger - 25:
                pdf.add_page()
            pdf.ln(1)
            pdf.set_font(font, "B", 9.5)
            pdf.multi_cell(0, 5.5, block[1], new_x="LMARGIN", new_y="NEXT")
        elif kind == "p":
            pdf.set_font(font, "", 9)
            pdf.multi_cell(0, 4.8, block[1], new_x="LMARGIN", new_y="NEXT")
        elif kind == "list":
            pdf.set_font(font, "", 9)
            for n, item in enumerate(block[1]):
                pdf.set_x(pdf.l_margin + 4)
                pdf.cell(6, 4.8, f"{_item_label(n)}.")
                pdf.multi_cell(0, 4.8, item, new_x="LMARGIN", new_y="NEXT")
        elif kind == "img":
            width = pdf.epw
            pdf.image(io.BytesIO(block[1]), w=width)
            pdf.set_font(font, "", 8)
            pdf.multi_cell(0, 4, block[2], align="C", new_x="LMARGIN", new_y="NEXT")
        elif kind == "table":
            _pdf_table(pdf, block[1], block[2])
            pdf.ln(1.5)


class _Wrapper:
    """Word wrap with cached word widths: fpdf2's table() measures every glyph of every cell again, which
    takes seconds for the plotting annex's thousands of rows."""

    def __init__(self, pdf):
        self.pdf, self.widths = pdf, {}

    def width(self, word):
        key = (word, self.pdf.font_style, self.pdf.font_size_pt)
        if key not in self.widths:
            self.widths[key] = self.pdf.get_string_width(word)
        return self.widths[key]

    def lines(self, text, room):
        out = []
        for paragraph in str(text).split("\n"):
            line, used = "", 0.0
            space = self.width(" ")
            for word in paragraph.split(" "):
                w = self.width(word)
                while w > room and len(word) > 1:  # a word wider than the column: cut it
                    cut = len(word) - 1
                    while cut > 1 and self.width(word[:cut]) > room:
                        cut -= 1
                    if line:
                        out.append(line)
                        line, used = "", 0.0
                    out.append(word[:cut])
                    word = word[cut:]
                    w = self.width(word)
                if line and used + space + w > room:
                    out.append(line)
                    line, used = word, w
                else:
                    line, used = (f"{line} {word}" if line else word), used + (space if line else 0) + w
            out.append(line)
        return out or [""]


def _pdf_widths(pdf, wrap, header, rows, size, pad):
    """Proportional widths, each at least as wide as its header's longest word."""
    widths = col_widths(header, rows, pdf.epw)
    pdf.set_font(pdf.font_name, "B", size)
    pdf.set_font(pdf.font_name, "", size)
    words = [min(max([wrap.width(w) for r in rows[:200] for w in str(r[i]).split()] or [0]), 22.0)
             for i in range(len(header))]
    pdf.set_font(pdf.font_name, "B", size)
    least = [max([wrap.width(w) for w in str(h).split()] + [words[i]]) + 2 * pad + 0.6
             for i, h in enumerate(header)]
    short = {i for i, (w, m) in enumerate(zip(widths, least)) if w < m}
    if not short:
        return widths
    rest = pdf.epw - sum(least[i] for i in short)
    others = sum(w for i, w in enumerate(widths) if i not in short) or 1
    return [least[i] if i in short else w * rest / others for i, w in enumerate(widths)]


def _pdf_table(pdf, header, rows, size=7.5, pad=1.0):
    wrap = _Wrapper(pdf)
    widths = _pdf_widths(pdf, wrap, header, rows, size, pad)
    line_h = size * 0.42

    def draw(values, bold):
        pdf.set_font(pdf.font_name, "B" if bold else "", size)
        cells = [wrap.lines(v, w - 2 * pad) for v, w in zip(values, widths)]
        height = max(len(c) for c in cells) * line_h + 2 * pad
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            if not bold:
                draw(header, True)
                pdf.set_font(pdf.font_name, "", size)
        x, y = pdf.l_margin, pdf.get_y()
        for lines, w in zip(cells, widths):
            if bold:
                pdf.set_fill_color(226, 232, 240)
                pdf.rect(x, y, w, height, style="DF")
            else:
                pdf.rect(x, y, w, height)
            for n, line in enumerate(lines):
                if line:
                    pdf.text(x + pad, y + pad + (n + 0.78) * line_h, line)
            x += w
        pdf.set_xy(pdf.l_margin, y + height)

    pdf.set_draw_color(100, 116, 139)
    pdf.set_line_width(0.15)
    draw(header, True)
    for row in rows:
        draw(row, False)
    pdf.set_draw_color(0, 0, 0)


def _pdf_signature(pdf, content):
    sign = content["signature"]
    if pdf.get_y() > pdf.page_break_trigger - 50:  # the block (about 45 mm) stays on one page
        pdf.add_page()
    pdf.ln(6)
    x = pdf.l_margin + 95
    lines = [(sign["place_date"], ""), (sign.get("an", ""), ""), (sign["jabatan"], "B"), ("", ""), ("", ""),
             ("", ""), (sign["nama"], "BU"), (f"{sign['pangkat']} NRP {sign['nrp']}", "")]
    for text, style in lines:
        pdf.set_x(x)
        pdf.set_font(pdf.font_name, style, 9)
        pdf.multi_cell(0, 4.8, text, align="C", new_x="LMARGIN", new_y="NEXT")
    if content.get("tembusan"):
        pdf.ln(4)
        pdf.set_font(pdf.font_name, "", 8.5)
        pdf.multi_cell(0, 4.5, "Tembusan:", new_x="LMARGIN", new_y="NEXT")
        for n, line in enumerate(content["tembusan"], start=1):
            pdf.multi_cell(0, 4.5, f"{n}. {line}", new_x="LMARGIN", new_y="NEXT")


def _pdf_font(pdf) -> str:
    """DejaVu Sans (every Indonesian character) when installed; fpdf2's core Helvetica otherwise."""
    if (DEJAVU / "DejaVuSans.ttf").is_file():
        pdf.add_font("DejaVu", "", str(DEJAVU / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(DEJAVU / "DejaVuSans-Bold.ttf"))
        pdf.add_font("DejaVu", "I", str(DEJAVU / "DejaVuSans-Oblique.ttf"))
        return "DejaVu"
    return "Helvetica"


def _latin1(content):
    def fix(text):
        return str(text).replace("—", "-").replace("·", "-").encode("latin-1", "replace").decode("latin-1")

    def block(b):
        if b[0] == "table":
            return ("table", [fix(h) for h in b[1]], [[fix(c) for c in r] for r in b[2]])
        if b[0] == "list":
            return ("list", [fix(i) for i in b[1]])
        if b[0] == "img":
            return ("img", b[1], fix(b[2]))
        return (b[0], fix(b[1]))

    out = {**content}
    for key in ("title", "subtitle", "number", "classification"):
        out[key] = fix(content.get(key) or "")
    out["kop"] = [fix(x) for x in content["kop"]]
    out["meta"] = [fix(x) for x in content.get("meta", [])]
    out["sections"] = [(fix(h), [block(b) for b in bs]) for h, bs in content["sections"]]
    out["annexes"] = [(fix(h), [block(b) for b in bs]) for h, bs in content.get("annexes", [])]
    out["signature"] = {k: fix(v) for k, v in content["signature"].items()}
    out["tembusan"] = [fix(x) for x in content.get("tembusan", [])]
    return out


def render(content, fmt) -> bytes:
    return render_docx(content) if fmt == "docx" else render_pdf(content)
