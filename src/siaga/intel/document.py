"""Intelligence products as official documents (DOCX/PDF) through planning's renderer
(planning/renpam/render.py), which prints the classification marking in every page's header and footer."""

from django.utils import translation

from siaga.intel.detection import area_name
from siaga.intel.models import Kind
from siaga.planning.renpam.classification import LABELS
from siaga.planning.renpam.content import kop_lines
from siaga.planning.renpam.fmt import day as day_text
from siaga.planning.renpam.render import render

FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "pdf": "application/pdf"}
TITLES = {Kind.LI: "LAPORAN INFORMASI", Kind.LAPINHAR: "LAPORAN HARIAN", Kind.LAPSUS: "LAPORAN KHUSUS",
          Kind.KIRKA: "PERKIRAAN KEADAAN"}
JABATAN = {"provinsi": "DIREKTUR INTELIJEN DAN KEAMANAN", "kabkota": "KEPALA SATUAN INTELIJEN KEAMANAN",
           "kecamatan": "KEPALA UNIT INTELIJEN KEAMANAN"}


def _li_sections(p):
    return [
        ("I. SUMBER", [("p", f"{p.source or '-'} (penilaian {p.grade}: keandalan sumber {p.source_reliability}, "
                             f"kebenaran informasi {p.credibility})")]),
        ("II. FAKTA-FAKTA", [("p", p.facts or "-")]),
        ("III. ANALISIS", [("p", p.analysis or "-")]),
        ("IV. PENILAIAN", [("p", p.assessment or "-")]),
        ("V. SARAN", [("p", p.recommendation or "-")]),
    ]


def _lapinhar_sections(p):
    c = p.compiled or {}
    lis = c.get("li", [])
    sections = [
        ("I. LAPORAN INFORMASI", [("table", ["Nomor", "Perihal", "Wilayah", "Nilai", "Klasifikasi"],
                                   [[r["number"], r["title"], r["area"], r["grade"],
                                     LABELS.get(r["classification"], r["classification"])] for r in lis])]
         if lis else [("p", "Nihil.")]),
        ("II. KEJADIAN", [("table", ["Waktu", "Kategori", "Kecamatan", "Uraian"],
                           [[r["time"][11:16], r["category"], r["area"], r["description"]]
                            for r in c.get("incidents", [])])] if c.get("incidents") else [("p", "Nihil.")]),
        ("III. KERAWANAN YANG DILAPORKAN", [("table", ["Indikator", "Tempat", "Nilai"],
                                             [[r["indicator"], r["place"], str(r["value"])]
                                              for r in c.get("observations", [])])]
         if c.get("observations") else [("p", "Nihil.")]),
        ("IV. PERINGATAN DINI", [("list", [f"{r['rule']} di {r['area']}: {r['reason']}"
                                           for r in c.get("alerts", [])])] if c.get("alerts")
         else [("p", "Nihil.")]),
        ("V. CATATAN ANALIS", [("p", p.analyst_text or "-")]),
    ]
    return sections


def _lapsus_sections(p):
    part = (p.compiled or {}).get("lapsus", {})
    incident = (p.compiled or {}).get("incident")
    blocks = [("I. PERISTIWA", [("p", part.get("what") or p.facts or "-")]),
              ("II. TEMPAT DAN WAKTU", [("p", (f"{part.get('where') or area_name(p.area_code)}, "
                                               f"{part.get('when') or day_text(p.day)}"))]),
              ("III. PIHAK YANG TERLIBAT", [("p", part.get("who") or "-")]),
              ("IV. PENYEBAB", [("p", part.get("cause") or "-")]),
              ("V. TINDAKAN YANG DIAMBIL", [("p", part.get("action") or "-")]),
              ("VI. PENILAIAN", [("p", p.assessment or "-")]),
              ("VII. SARAN", [("p", p.recommendation or "-")])]
    if incident:
        blocks.append(("VIII. KEJADIAN TERKAIT", [("p", (f"Kejadian #{incident['id']} ({incident['category']}, "
                                                         f"{incident['occurred_at']}): {incident['description']}"))]))
    return blocks


def _generic_sections(p):
    blocks = [("I. URAIAN", [("p", p.facts or "-")]), ("II. ANALISIS", [("p", p.analysis or "-")]),
              ("III. PERKIRAAN", [("p", p.assessment or "-")]), ("IV. SARAN", [("p", p.recommendation or "-")])]
    threats = list(p.threats.all())
    if threats:
        blocks.append(("V. ANCAMAN (REGISTER ANCAMAN)", [("table", ["Ancaman", "Wilayah", "Kemungkinan", "Dampak"],
                       [[t.title, area_name(t.area_code), str(t.likelihood), str(t.impact)] for t in threats])]))
    return blocks


def product_content(product, *, viewer) -> dict:
    agency = product.author_agency
    sections = {Kind.LI: _li_sections, Kind.LAPINHAR: _lapinhar_sections,
                Kind.LAPSUS: _lapsus_sections}.get(product.kind, _generic_sections)
    name = viewer.get_full_name() or viewer.username
    meta = [f"{area_name(product.area_code)} · {day_text(product.day)}"
            + (f" · Tahap {product.stage.get_kind_display()}" if product.stage else ""),
            f"Salinan untuk: {name}" + (f", {viewer.agency.name}" if viewer.agency_id else "")]
    author = product.author
    return {
        "kop": kop_lines(agency),
        "classification": LABELS[product.classification],
        "number": product.number,
        "title": TITLES[product.kind],
        "subtitle": product.title.upper(),
        "meta": meta,
        "sections": sections(product),
        "signature": {"place_date": f"{area_name(agency.area_code)}, {day_text(product.day)}",
                      "jabatan": JABATAN.get(agency.level, "KEPALA SATUAN INTELIJEN"),
                      "nama": (author.get_full_name() or author.username).upper() if author else "-",
                      "pangkat": "", "nrp": "-"},
        "tembusan": [],
        "annexes": [],
    }


def product_document(product, *, viewer, fmt) -> bytes:
    """The product in Indonesian whatever the interface language (an official document)."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    with translation.override("id"):
        return render(product_content(product, viewer=viewer), fmt)

