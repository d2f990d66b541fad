"""Every page of every role's navigation, at a desktop (1366×768) and a phone (390×844) size (issue 18).

For each page: the page body never scrolls sideways on the phone (tables scroll in their own box),
every navigation item is visible or reachable through the menu button, no raw enumeration value
(the stored value of a Django TextChoices member whose label differs) is in the visible text, an
Indonesian page carries no English word of the interface's own vocabulary (the msgids of the
translation catalogues that the Indonesian catalogue does not also use) outside a short allow-list,
and axe-core (the axe-playwright-python package) reports no serious or critical violation.

One context per role, each navigation page visited once per size. The checks are functions of a
Playwright page so they can also be run against a running `siaga serve`:
    python tests/e2e/test_every_page.py http://127.0.0.1:8000 [role ...]
"""

import re
from functools import cache
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "siaga-demo-2024"
ROLES = ["admin", "intelkam", "kapolda", "polres.kolaka", "ppk.kolaka", "kpu", "bawaslu"]
SIZES = {"desktop": (1366, 768), "phone": (390, 844)}
SRC = Path(__file__).resolve().parents[2] / "src" / "siaga"
# Links of the header navigation and of each app's own sub-navigation.
NAV_SELECTOR = "header nav a, main p.filters a, main p.crumbs a, main .ops-links a"
DOWNLOADS = (".xlsx", ".pdf", ".png", ".geojson", ".csv", ".docx", ".json", ".zip")
# Words an Indonesian page may show although the English catalogue uses them too: names, acronyms
# and loan words that Indonesian writes the same way.
ALLOWED_ENGLISH = {
    "siaga", "tps", "polri", "polres", "polsek", "polda", "kpu", "bawaslu", "tni", "bko", "pps", "ppk",
    "kpps", "dpt", "ppwp", "dpr", "dpd", "dprd", "api", "csv", "xlsx", "pdf", "json", "url", "gps", "sms",
    "qr", "id", "ok", "online", "offline", "email", "login", "admin", "status", "indonesia", "bahasa",
    "english", "menu", "dashboard", "total", "level", "item", "data", "kode", "server", "token", "log",
    "audit", "geojson", "leaflet", "openstreetmap", "wib", "wita", "wit", "utc", "rawan", "sultra",
    "intelkam", "kapolda", "kapolres", "sabhara", "brimob", "linmas", "sop", "pam", "tkp", "posko",
    "hp", "no", "via", "vs", "plus", "format", "normal", "detail", "filter", "file", "link", "hash",
    "sektor", "operator", "analis", "mitra", "petugas", "pimpinan", "administrator", "personel",
    "unit", "tim", "media", "zona", "koordinat", "radius", "minimum", "maksimum", "rute", "target",
    "pos", "area", "grid", "nomor", "skor", "indikator", "kategori", "matriks", "bukti", "pdf",
    "sea",  # Desa Sea, Kolaka (74.01.14.1003): a place name on the lists of TPS
    "one",  # Desa One Waara, Buton Tengah (74.14.01.2014): a place name on the lists of rawan TPS
}


@cache
def enumeration_values():
    """{raw value: {language: label}} of every TextChoices member whose label differs from its value."""
    import django

    django.setup()
    from django.apps import apps
    from django.db import models
    from django.utils import translation

    apps.get_models()

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    from siaga.core import risk_matrix, scoring

    values = {}
    # Codes kept in plain tuples: risk classes and threat levels, with their labels per language.
    for i, code in enumerate(scoring.CLASS_NAMES):
        values[code] = {lang: scoring.CLASS_LABELS[lang][i] for lang in ("id", "en")}
    for _, code, name_id, name_en in risk_matrix.LEVELS:
        values[code] = {"id": name_id, "en": name_en}
    for choices in subclasses(models.TextChoices):
        if not choices.__module__.startswith("siaga."):
            continue
        for member in choices:
            for lang in ("id", "en"):
                with translation.override(lang):
                    label = str(member.label)
                values.setdefault(member.value, {})[lang] = label
    return values


def raw_values_in(text, lang):
    """Raw enumeration values shown where a label belongs: a whole table cell, line, badge or a part set
    off by "·", commas, colons or parentheses ("bentrok · 4 · baru", "(latihan)"), or a snake_case code
    anywhere. Case-sensitive, so "Baru" in a desa name or "rencana" inside a sentence is not one."""
    segments = {s.strip() for s in re.split(r"[\n\t·,;:()\[\]|]| [-–] ", text)}
    found = set()
    for raw, labels in enumeration_values().items():
        label = labels.get(lang, "")
        # A label may name its code on purpose: "Rahasia (rahasia)", "Technical working meeting (rakernis)".
        if len(raw) < 3 or raw.lower() == label.lower() or re.search(rf"\b{re.escape(raw)}\b", label):
            continue
        if raw in segments or ("_" in raw and re.search(rf"(?<![\w/.\-@]){re.escape(raw)}(?![\w/\-@])", text)):
            found.add(raw)
    return found


def _catalogue_words(which):
    words = set()
    for po in SRC.rglob("locale/id/LC_MESSAGES/django.po"):
        key = None
        for line in po.read_text().splitlines():
            if line.startswith(("msgid ", "msgstr ")):
                key = line.split(" ", 1)[0]
                line = line.split(" ", 1)[1]
            if key == which and line.startswith('"'):
                text = re.sub(r"%\(\w+\)[sd]|\{\w+\}|<[^>]+>", " ", line)
                words.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", text))
    return words


@cache
def english_only_words():
    """Words of the interface's English strings that its Indonesian strings never use."""
    return _catalogue_words("msgid") - _catalogue_words("msgstr") - ALLOWED_ENGLISH


def english_words_in(text):
    return {w for w in re.findall(r"(?<![\w@./-])[A-Za-z]{3,}(?![\w@/-])", text) if w.lower() in english_only_words()}


def sign_in(page, base, username):
    page.goto(f"{base}/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/(\?.*)?$"))
    page.wait_for_load_state()


def nav_pages(page):
    hrefs = page.eval_on_selector_all(NAV_SELECTOR, "(links) => links.map((a) => a.getAttribute('href'))")
    seen, pages = set(), []
    for h in hrefs:
        if not h or not h.startswith("/") or h.startswith("/i18n/") or h.split("?")[0].endswith(DOWNLOADS):
            continue
        if h.split("?")[0] not in seen:
            seen.add(h.split("?")[0])
            pages.append(h)
    return pages


def shape(path):
    """A page's kind: its path with identifiers and codes replaced (/operasi/insiden/12/ -> /operasi/insiden/#/)."""
    return re.sub(r"/[^/]*\d[^/]*(?=/)", "/#", path.split("?")[0])


def detail_links(page):
    hrefs = page.eval_on_selector_all("main table a[href^='/'], main ul a[href^='/']",
                                      "(links) => links.slice(0, 40).map((a) => a.getAttribute('href'))")
    return [h for h in hrefs if not h.split("?")[0].endswith(DOWNLOADS) and "/admin/" not in h and "/api/" not in h]


def overflow(page):
    """How far the page body is wider than the viewport (0 when nothing scrolls sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def hidden_nav_items(page):
    """Header navigation items neither visible nor reachable through the menu button."""
    links = page.locator("header nav a")
    if page.locator("[data-menu-toggle]").is_visible() and not all(
            links.nth(i).is_visible() for i in range(links.count())):
        page.click("[data-menu-toggle]")
    hidden = []
    for i in range(links.count()):
        link = links.nth(i)
        box = link.bounding_box()
        width = page.viewport_size["width"]
        if not link.is_visible() or box is None or box["x"] < 0 or box["x"] + box["width"] > width + 1:
            hidden.append(link.inner_text() or link.get_attribute("href"))
    if page.locator("header.open").count():
        page.click("[data-menu-toggle]")
    return hidden


def axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {', '.join(str(n['target']) for n in v['nodes'][:3])}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


# Text that shows codes on purpose: input syntax in <code>, what the user typed.
LITERAL = "code, kbd, samp, pre, textarea"


def visible_text(page):
    """The page's visible text without the literal parts (codes explained as syntax, typed input)."""
    text = page.inner_text("body")
    for literal in page.eval_on_selector_all(LITERAL, "(els) => els.map((e) => e.innerText)"):
        if literal.strip():
            text = text.replace(literal, " ")
    return text


def check_page(page, lang, size, run_axe=True):
    """The problems of the page open in `page`, as readable strings."""
    problems = []
    text = visible_text(page)
    if size == "phone" and (excess := overflow(page)) > 0:
        problems.append(f"body {excess}px wider than the phone")
    if hidden := hidden_nav_items(page):
        problems.append(f"navigation items out of reach: {hidden}")
    if raw := raw_values_in(text, lang):
        problems.append(f"raw enumeration values: {sorted(raw)}")
    if lang == "id" and (english := english_words_in(text)):
        problems.append(f"English words: {sorted(english)}")
    if run_axe and (violations := axe_violations(page)):
        problems.append(f"axe: {violations}")
    return problems


def walk_role(browser, base, role, lang="id", sizes=SIZES, run_axe=True, details=True):
    """{(size, path): [problems]} for every navigation page of the role."""
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    report = {}
    try:
        sign_in(page, base, role)
        if lang != "id":
            with page.expect_navigation():
                page.select_option("select[name=language]", lang)
        pages = ["/", *[p for p in nav_pages(page) if p != "/"]]
        # Sub-navigation pages of each app, found on that app's first page, and one detail page of each
        # kind a page's tables link to (an incident, a threat, a TPS, a region...).
        kinds = {shape(p) for p in pages}
        for path in list(pages):
            page.goto(base + path)
            for found in nav_pages(page) + (detail_links(page) if details else []):
                if shape(found) not in kinds:
                    kinds.add(shape(found))
                    pages.append(found)
        for size, (w, h) in sizes.items():
            page.set_viewport_size({"width": w, "height": h})
            for path in pages:
                response = page.goto(base + path)
                page.wait_for_load_state("load")
                # axe on every page at the desktop size; on the phone the shell (collapsed menu) once.
                problems = check_page(page, lang, size, run_axe and (size == "desktop" or path == "/"))
                if response is not None and response.status >= 400:
                    problems.append(f"HTTP {response.status}")
                report[(size, path)] = problems
    finally:
        context.close()
    return report


def failures(report):
    return {f"{size} {path}": p for (size, path), p in report.items() if p}


# Roles whose detail pages (one of each kind their tables link to) are walked too: a national
# administrator, a Polres operator and a partner; the others walk their navigation.
DETAIL_ROLES = {"admin", "polres.kolaka", "kpu"}


@pytest.mark.parametrize("role", ROLES)
def test_every_navigation_page_reads_well_on_desktop_and_phone(browser, server, role):
    report = walk_role(browser, server["url"], role, details=role in DETAIL_ROLES)
    assert len(report) >= 2 * 5, report.keys()  # every role has at least its home and four core pages
    assert failures(report) == {}


def test_english_mode_shows_no_raw_values(browser, server):
    report = walk_role(browser, server["url"], "polres.kolaka", lang="en", sizes={"desktop": SIZES["desktop"]},
                       run_axe=False)
    assert failures(report) == {}


def test_error_pages_and_sign_in_speak_the_users_language(browser, server):
    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(server["url"] + "/masuk/")
        assert check_page(page, "id", "phone") == []
        sign_in(page, server["url"], "polres.kolaka")
        response = page.goto(server["url"] + "/tidak-ada/")
        assert response.status == 404
        assert "Halaman tidak ditemukan" in page.inner_text("main")
        assert "Not Found" not in page.inner_text("body")
        assert check_page(page, "id", "phone") == []
        # A province page is outside a Polres officer's area: refused in Indonesian, not a bare English page.
        response = page.goto(server["url"] + "/wilayah/74/")
        assert response.status in (403, 404)
        assert "Not Found" not in page.inner_text("body") and "Forbidden" not in page.inner_text("body")
    finally:
        context.close()


def test_the_checks_can_fail():
    """The text checks catch what the issue saw."""
    enumeration_values()
    assert "sangat_tinggi" in raw_values_in("Kelas: sangat_tinggi", "id")
    assert raw_values_in("Kelas: Sangat tinggi", "id") == set()
    assert {"bentrok", "baru"} <= raw_values_in("bentrok · 4 · baru", "en")
    assert "bentrok" in raw_values_in("bentrok · 4 · baru", "id")
    assert raw_values_in("Perubahan dari rencana sebelumnya", "id") == set()
    assert "Found" in english_words_in("Not Found") or "found" in english_words_in("not found")


if __name__ == "__main__":
    import os
    import sys

    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siaga.config.settings")
    base, roles = sys.argv[1], sys.argv[2:] or ROLES
    lang = os.environ.get("LANG_UNDER_TEST", "id")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for role in roles:
            rep = walk_role(b, base, role, lang=lang, run_axe=os.environ.get("AXE", "1") == "1")
            print(f"== {role}: {len(rep)} page visits")
            for k, v in failures(rep).items():
                print(" ", k, v)
        b.close()
