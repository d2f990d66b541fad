"""Each role lands on the page for its work, and every figure on it comes from the selector its own page and the
CLI use, scoped to the viewer's area."""

import re

import pytest
from django.urls import reverse

from siaga.accounts.models import Agency, Role, User
from siaga.cli import cli_actor
from siaga.deployment import selectors as deployment
from siaga.operations.models import SmsSender
from siaga.risk.services import risk_score
from tests.web.test_csp import hostile_tps  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def by_testid(html: str, name: str) -> str:
    match = re.search(rf'data-testid="{re.escape(name)}"[^>]*>([^<]*)<', html)
    assert match, f"no element with data-testid={name}"
    return match.group(1).strip()


def number(text: str) -> int:
    return int(text.replace(".", "").replace(",", ""))


def home(client_as, username):
    response = client_as(username).get(reverse("home"))
    assert response.status_code == 200
    return response, response.content.decode()


def test_commander_home_answers_risk_personnel_incidents_progress_and_calendar(client_as, user):
    response, html = home(client_as, "kapolda")
    assert response.templates[0].name == "web/home_command.html"
    for section in ("home-risk", "home-personnel", "home-incidents", "home-progress", "home-calendar"):
        assert f'data-testid="{section}"' in html
    # the sangat rawan figure is the one `siaga risk score` prints
    scored = risk_score(actor=cli_actor(), province_code="74")
    assert number(by_testid(html, "sangat-rawan-count")) == scored["by_class"]["sangat_rawan"]
    assert 'href="/kerawanan/daftar/?wilayah=74&amp;kelas=2"' in html
    # one SVG per chart, each an accessible image
    assert html.count('role="img"') >= 4
    # Indonesian by default, numbers grouped the Indonesian way
    assert "Situasi" in html and "8.154" in html


def test_commander_risk_table_is_worst_first_with_names(client_as):
    response, html = home(client_as, "kapolda")
    children = response.context["risk_children"]
    keys = [(a.sangat_rawan, a.rawan) for a in children]
    assert keys == sorted(keys, reverse=True)
    table = html.split('data-testid="risk-by-area"')[1].split("</table>")[0]
    assert "Kabupaten Kolaka" in table and "Kota Kendari" in table


def test_commander_personnel_counts_bko_in_assigned_and_names_the_largest_shortfall(client_as, user):
    response, html = home(client_as, "kapolda")
    kapolda = user("kapolda")
    plan = deployment.plan_latest(viewer=kapolda, area="74")
    rows = deployment.unit_table(viewer=kapolda, plan=plan, area="74")
    summary = plan.summary
    assert number(by_testid(html, "home-posts")) == summary["posts"]
    assert number(by_testid(html, "home-assigned")) == summary["polri_assigned"]
    assert number(by_testid(html, "home-shortfall")) == summary["shortfall"]
    assert number(by_testid(html, "home-bko")) == summary["bko"]
    for r in rows:
        if r["unit"].kind == "polres":
            assert r["assigned"] == r["own"] + r["bko"]
            assert r["shortfall"] == max(0, r["required"] - r["assigned"])
    worst = max((r for r in rows if r["unit"].kind == "polres"), key=lambda r: r["shortfall"])
    assert worst["shortfall"] > 0
    assert by_testid(html, "worst-shortfall-link") == worst["unit"].name
    assert f'href="/personel/?wilayah={worst["unit"].area_code}" data-testid="worst-shortfall-link"' in html
    # the per-unit shortfalls add up to the plan's
    assert sum(r["shortfall"] for r in rows) == summary["shortfall"]


def test_polres_home_and_deployment_page_show_only_their_own_area(client_as, user):
    response, html = home(client_as, "polres.kolaka")
    assert response.templates[0].name == "web/home_command.html"
    polres = user("polres.kolaka")
    plan = deployment.plan_latest(viewer=polres, area="74.01")
    own = deployment.plan_summary(viewer=polres, plan=plan, area="74.01")
    assert number(by_testid(html, "home-posts")) == own["posts"] < plan.summary["posts"]
    assert "Kabupaten Kolaka" in html
    units = html.split('data-testid="home-units"')[1].split("</table>")[0]
    assert "Polsek" in units and "Polres Konawe" not in units
    # a Polsek's posts also hold Polres HQ officers: they count as the area's own, and own + BKO is what stands there
    for r in deployment.unit_table(viewer=polres, plan=plan, area="74.01"):
        assert r["unit"].kind == "polsek" and r["assigned"] == r["own"] + r["bko"]
        assert r["shortfall"] == max(0, r["required"] - r["assigned"])
    # the deployment page: no province tile beside the Polres' own posts
    page = client_as("polres.kolaka").get(reverse("deployment:index")).content.decode()
    tiles = page.split('data-testid="plan-summary"')[1].split("</div>\n</div>")[0]
    assert f'data-testid="posts">{own["posts"]}</span>' in tiles
    assert str(plan.summary["posts"]) not in tiles
    assert number(by_testid(page, "shortfall")) == own["shortfall"]


def test_deployment_unit_table_shows_bko_and_assigned_including_it(client_as, user):
    page = client_as("kapolda").get(reverse("deployment:index")).content.decode()
    table = page.split('data-testid="unit-table"')[1].split("</table>")[0]
    kolaka = re.search(r"Polres Kolaka</a></td>\s*((?:<td>\d+</td>){5})<td(?: class=\"error\")?>(\d+)</td>", table)
    assert kolaka
    required, available, own, bko, assigned = (int(n) for n in re.findall(r"<td>(\d+)</td>", kolaka.group(1)))
    assert assigned == own + bko and bko > 0 and max(0, required - assigned) == int(kolaka.group(2))
    assert "BKO" in table and "<svg" in page


def test_analyst_lands_on_the_watch_list(client_as):
    response, html = home(client_as, "intelkam")
    assert response.templates[0].name == "web/home_analyst.html"
    from siaga.risk.models import TpsRisk

    sangat_rawan = TpsRisk.objects.filter(klass=2, tps__election="pemilu").count()
    assert sangat_rawan > 0
    assert number(html.split('data-testid="home-watch"')[1].split("(")[1].split(")")[0]) == sangat_rawan
    watch = html.split('data-testid="watch-list"')[1].split("</table>")[0]
    assert watch.count("/kerawanan/tps/") == min(sangat_rawan, 25)  # the list shows the first 25
    assert by_testid(html, "tps-count") == "8.154"


@pytest.mark.parametrize("username", ["kpu", "bawaslu"])
def test_partners_land_on_the_shared_view_without_police_personnel(client_as, username):
    response, html = home(client_as, username)
    assert response.templates[0].name == "web/home_shared.html"
    assert 'data-testid="home-risk"' in html and 'data-testid="home-personnel"' not in html
    assert 'data-testid="home-custody"' in html and 'data-testid="home-progress"' in html
    assert 'data-testid="call-list"' not in html  # officers' names and phones are police data


def test_field_officer_gets_one_big_button_to_the_report_form(client, db):
    polsek = Agency.objects.get(code="POLSEK-74.01.04")
    officer = User.objects.create_user("bhabin.kolaka", agency=polsek, role=Role.FIELD, area_code="74.01.04")
    client.force_login(officer)
    response = client.get(reverse("home"))
    assert response.templates[0].name == "web/home_field.html"
    html = response.content.decode()
    assert f'href="{reverse("operations:field")}" data-testid="report-button"' in html
    assert "Lapor dari pos saya" in html
    assert 'data-testid="own-tps"' in html


def test_polsek_officer_sees_their_tps_call_list_with_the_responsible_polsek(client, db):
    polsek = Agency.objects.get(code="POLSEK-74.01.04")
    officer = User.objects.create_user("kapolsek.kolaka", agency=polsek, role=Role.OPERATOR, area_code="74.01.04")
    SmsSender.objects.create(phone="+6281234567890", user=officer)
    client.force_login(officer)
    response = client.get(reverse("home"))
    assert response.templates[0].name == "web/home_command.html"
    html = response.content.decode()
    calls = response.context["calls"]
    assert calls["milestone"] and calls["count"] > 0
    assert all(r["tps"].kecamatan_code == "74.01.04" for r in calls["rows"])
    call_list = html.split('data-testid="call-list"')[1].split("</table>")[0]
    assert "Polsek Kolaka" in call_list
    assert call_list.count('href="tel:+6281234567890"') == len(calls["rows"])  # the Polsek's registered phone


def test_home_in_english(client_as):
    client = client_as("kapolda")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("home")).content.decode()
    assert "Situation" in html and "Vulnerability of TPS" in html and "Largest shortfall:" in html


def test_sangat_rawan_list_matches_the_score(client_as):
    scored = risk_score(actor=cli_actor(), province_code="74")
    html = client_as("kapolda").get(reverse("risk:tps_list") + "?wilayah=74&kelas=2").content.decode()
    assert number(by_testid(html, "tps-list-count")) == scored["by_class"]["sangat_rawan"]
    rows = html.split('data-testid="tps-risk-list"')[1].split("</table>")[0]
    assert rows.count("/kerawanan/tps/") == scored["by_class"]["sangat_rawan"]
    # a Polres sees only its own part of the list
    own = client_as("polres.kolaka").get(reverse("risk:tps_list") + "?kelas=2").content.decode()
    assert number(by_testid(own, "tps-list-count")) < scored["by_class"]["sangat_rawan"]


def test_imported_markup_in_a_tps_name_stays_text_on_the_call_list(client_as, hostile_tps):  # noqa: F811 (the fixture)
    """The call list names every TPS of the desa that has not reported, including one imported with markup."""
    response = client_as("kapolda").get(reverse("operations:command") + "?wilayah=74.01.04.1001")
    assert hostile_tps.pk in {r["tps"].pk for r in response.context["calls"]["rows"]}
    html = response.content.decode()
    assert "&lt;img src=x onerror=alert(document.cookie)&gt;" in html
    assert "<img src=x" not in html and "<script>alert" not in html
