"""Results pages through the Flask client: index and change, «нет данных», the pilot without an index,
caveats, «пересчитывается…», drill-down to the counted answers, XLSX, authorisation, the director's panel."""

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models.indices import IndexValue, IndicatorValue, RecalcRequest
from app.models.jobs import JobRun
from app.models.journeys import TouchPoint
from app.models.methodology import Indicator, Methodology
from app.services import indices, integrity, results, surveys
from tests.measurement_helpers import PERIOD, answers, install, submit

PREVIOUS = "2026-Q3"


@pytest.fixture
def seeded(app):
    return install()


def html(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def post_pilot() -> Methodology:
    return db.session.scalar(select(Methodology).where(Methodology.code == "post-pilot"))


def indicator(code: str, version: str = "post-pilot") -> Indicator:
    return db.session.scalar(
        select(Indicator).join(Methodology).where(Methodology.code == version, Indicator.code == code)
    )


@pytest.fixture
def w(seeded, make):
    """Two centres in one region and one elsewhere; answers in two quarters; values recalculated."""
    region = make.region("Нижегородская область")
    centre = make.centre(region, "ЦЗН Канавинский")
    other = make.centre(region, "ЦЗН Сормовский")
    foreign = make.centre(make.region("Чужая область"), "ЦЗН Чужой")
    office = TouchPoint(name="Окно приёма № 1", channel="office", region_id=region.id, centre_id=centre.id)
    db.session.add(office)
    db.session.flush()
    submit(seeded, centre, answers(seeded, 10), period=PREVIOUS)
    submit(seeded, centre, answers(seeded, 10, q_comment="первый"), period=PREVIOUS)
    for n, rating in enumerate((8, 10, 7)):
        submit(seeded, centre, answers(seeded, rating, q_comment=f"ответ {n}"), touch_point_id=office.id)
    submit(seeded, centre, answers(seeded, 9, q_comment="с почтой"), email="klient.tajna@example.ru")
    doubtful = submit(seeded, centre, answers(seeded, 1, q_comment="сомнительный"))
    doubtful.status = "quarantined"
    integrity.set_counted(doubtful)
    submit(seeded, other, answers(seeded, 2))
    submit(seeded, foreign, answers(seeded, 9))
    indices.recalculate_all()
    db.session.commit()
    people = {
        "director": make.user(("director", centre), centre=centre, full_name="Егорова Людмила Германовна"),
        "regional": make.user(("director", region), region=region),
        "federal": make.user(("federal_coordinator", None)),
        "foreign": make.user(("director", foreign), centre=foreign),
    }
    db.session.commit()
    return {
        "region": region,
        "centre": centre,
        "other": other,
        "foreign": foreign,
        "office": office,
        "doubtful": doubtful,
        **people,
    }


def index_row(scope_kind, key, period=PERIOD, client="all") -> IndexValue:
    return db.session.scalar(
        select(IndexValue).where(
            IndexValue.scope_kind == scope_kind,
            IndexValue.scope_key == str(key),
            IndexValue.period == period,
            IndexValue.client_type == client,
        )
    )


# ---- the index page -------------------------------------------------------------------------------


def test_index_page_shows_level_change_counts_and_no_data(client, login, w):
    login(w["director"])
    page = html(client.get(f"/results/?scope=centre:{w['centre'].id}&period={PERIOD}"))
    plain = text(page)
    row = index_row("centre", w["centre"].id)
    assert f"{results.level_label(row.level)} из 100" in plain
    assert row.change is not None and row.change < 0
    assert f"−{results.scoring.percent_label(abs(row.change))} к III кварталу 2026" in plain
    assert "Методика: «После пилота»" in plain
    # Q1 «полезно»: 8, 10, 9 positive, 7 not; the quarantined 1 is out → 3 of 4
    q1 = re.search(r'data-indicator="2\.1".*?</tr>', page, re.S).group(0)
    assert "75,0 %" in q1 and "3 из 4 ответов" in text(q1)
    # passport indicators have no rows: «нет данных», never 0
    vacancies = re.search(r'data-indicator="2\.2".*?</tr>', page, re.S).group(0)
    assert "нет данных" in vacancies and "0,0 %" not in vacancies
    assert "без данных: 2.2 Динамика роста базы вакансий" in plain and "веса перераспределены" in plain
    assert "Рассчитано" in plain and "пересчитывается" not in plain


def test_first_quarter_has_no_previous_period_and_empty_quarter_reads_no_data(client, login, w):
    login(w["director"])
    plain = text(html(client.get(f"/results/?scope=centre:{w['centre'].id}&period={PREVIOUS}")))
    assert "нет предыдущего периода" in plain
    empty = text(html(client.get(f"/results/?scope=centre:{w['centre'].id}&period=2025-Q1")))
    assert "нет данных" in empty and "из 100" not in empty


def test_period_picker_lists_quarters_with_values_latest_by_default(client, login, w):
    login(w["director"])
    page = html(client.get("/results/"))
    assert f'value="centre:{w["centre"].id}" selected' in page
    assert f'<option value="{PERIOD}" selected>IV квартал 2026</option>' in page
    assert f'<option value="{PREVIOUS}">III квартал 2026</option>' in page


def test_region_scope_shows_averages_across_centres(client, login, w):
    login(w["regional"])
    page = html(client.get(f"/results/?scope=region:{w['region'].id}&period={PERIOD}"))
    q1 = re.search(r'data-indicator="2\.1".*?</tr>', page, re.S).group(0)
    # pooled 3 of 5 = 60 %; mean of the centres 75 % and 0 % = 37,5 %
    assert "60,0 %" in q1 and "3 из 5 ответов" in text(q1) and "37,5 %" in q1


def test_bad_period_gets_a_russian_message(client, login, w):
    login(w["director"])
    response = client.get("/results/?period=2026-Q9")
    assert response.status_code == 400
    assert "Укажите квартал в виде «2026-Q4»." in response.get_data(as_text=True)


def test_pilot_version_shows_no_index_and_its_undefined_threshold(client, login, w):
    """Under «Пилот 2022» no integral index and no ranking (seed 003 l. 83); the threshold is undefined."""
    pilot = db.session.scalar(select(Methodology).where(Methodology.code == "pilot-2022"))
    q1 = indicator("2.1", "pilot-2022")
    for key, numerator in ((w["centre"].id, 3), (w["other"].id, 1)):
        db.session.add(
            IndicatorValue(
                methodology_id=pilot.id,
                indicator_id=q1.id,
                scope_kind="centre",
                scope_key=str(key),
                period="2022-Q2",
                client_type="all",
                numerator=numerator,
                denominator=4,
                value=numerator / 4,
                inputs=4,
            )
        )
    db.session.add(
        IndicatorValue(
            methodology_id=pilot.id,
            indicator_id=q1.id,
            scope_kind="region",
            scope_key=str(w["region"].id),
            period="2022-Q2",
            client_type="all",
            numerator=4,
            denominator=8,
            value=0.5,
            inputs=8,
        )
    )
    db.session.commit()
    login(w["regional"])
    page = html(client.get(f"/results/?scope=region:{w['region'].id}&period=2022-Q2"))
    plain = text(page)
    assert "Методика: «Пилот 2022»" in plain
    assert 'data-block="index"' not in page and "из 100" not in plain
    assert "итоговый индекс не рассчитывается и рейтинг не составляется" in plain and "l. 83" in plain
    row = re.search(r'data-indicator="2\.1".*?</tr>', page, re.S).group(0)
    assert "50,0 %" in row and "4 из 8 ответов" in text(row) and "50,0 %" in row  # mean of 75 % and 25 %
    assert "не определено методикой" in row and "Порог положительного ответа" in row
    assert "<details" in row


def test_post_pilot_caveats_name_the_undefined_parameters(client, login, w):
    login(w["director"])
    page = html(client.get(f"/results/?scope=centre:{w['centre'].id}&period={PERIOD}"))
    q4 = re.search(r'data-indicator="4\.1".*?</tr>', page, re.S).group(0)
    assert "не определено методикой" in q4 and "Знаменатель доли «Да»" in q4
    index = re.search(r'data-block="index".*?</section>', page, re.S).group(0)
    assert "Формула уровня клиентоцентричности" in index


def test_pending_recalculation_polls_until_done(client, login, w):
    indices.request(w["centre"].id, PERIOD)
    db.session.commit()
    login(w["director"])
    url = f"/results/?scope=centre:{w['centre'].id}&period={PERIOD}"
    page = html(client.get(url))
    assert "пересчитывается…" in page and 'hx-trigger="every 5s"' in page
    partial = html(client.get(url, headers={"HX-Request": "true"}))
    assert partial.lstrip().startswith('<div id="overview"') and "<html" not in partial
    region = html(client.get(f"/results/?scope=region:{w['region'].id}&period={PERIOD}"))
    assert "пересчитывается…" in region and 'hx-trigger="every 30s"' in region  # an aggregate: rarely
    indices.recalculate_centre(w["centre"].id, PERIOD)
    db.session.commit()
    assert db.session.scalar(select(RecalcRequest).limit(1)) is None
    done = html(client.get(url, headers={"HX-Request": "true"}))
    assert "пересчитывается" not in done and "every 5s" not in done


# ---- trend, distribution, touch points ---------------------------------------------------------------


def test_trend_has_chart_data_and_a_table(client, login, w):
    login(w["director"])
    page = html(client.get(f"/results/trend?scope=centre:{w['centre'].id}&period={PERIOD}"))
    assert '<canvas data-chart="trend-index-data" role="img" aria-label=' in page
    assert '<script type="application/json" id="trend-index-data">' in page
    assert "js/charts.js" in page and "<script>" not in page
    row = re.search(r'<tr data-indicator="2\.1">.*?</tr>', page, re.S).group(0)
    cells = re.findall(r'<td class="text-end text-nowrap">([^<]*)</td>', row)
    assert len(cells) == 8 and cells[-2:] == ["100,0 %", "75,0 %"] and cells[0] == "нет данных"


def test_distribution_counts_counted_answers_per_point(client, login, w):
    login(w["director"])
    page = html(client.get(f"/results/distribution?scope=centre:{w['centre'].id}&period={PERIOD}"))
    q1 = re.search(r'data-question="q1".*?</table>', page, re.S).group(0)
    counts = dict(
        re.findall(r'<th scope="row" class="fw-normal">(\d+)[^<]*</th>\s*<td class="text-end">(\d+)</td>', q1)
    )
    assert counts["7"] == "1" and counts["8"] == "1" and counts["9"] == "1" and counts["10"] == "1"
    assert counts["1"] == "0"  # the quarantined answer is not counted
    assert "25,0 %" in q1 and "Ответов: 4." in text(q1)


def test_touch_point_shares_are_live_for_its_answers(client, login, w):
    login(w["director"])
    page = html(client.get(f"/results/touch-points?scope=centre:{w['centre'].id}&period={PERIOD}"))
    q1 = re.search(r'data-indicator="2\.1".*?</tr>', page, re.S).group(0)
    assert "66,7 %" in q1 and "2 из 3 ответов" in text(q1)  # 8, 10, 7 through the office window


# ---- drill-down -----------------------------------------------------------------------------------


def test_drill_down_lists_exactly_the_counted_answers(client, login, w):
    login(w["director"])
    q1 = indicator("2.1")
    base = f"/results/answers?scope=centre:{w['centre'].id}&period={PERIOD}&client=all&indicator={q1.id}"
    page = html(client.get(base))
    rows = re.findall(r'<tr data-answer="(\d+)">', page)
    assert len(rows) == 4  # 8, 10, 7, 9: the quarantined 1 is not among them
    shown_responses = set(re.findall(r'<tr data-answer="\d+">\s*<td>(\d+)</td>', page))
    assert str(w["doubtful"].id) not in shown_responses
    assert "Ещё 1 — на проверке или отклонены" in text(page)
    assert "klient.tajna@example.ru" not in page and "Окно приёма № 1" in page
    positive = html(client.get(base + "&part=positive"))
    assert len(re.findall(r'<tr data-answer="\d+">', positive)) == 3
    at_office = html(client.get(base + f"&touch_point={w['office'].id}"))
    assert len(re.findall(r'<tr data-answer="\d+">', at_office)) == 3


def test_drill_down_paginates_fifty_per_page(client, login, seeded, make):
    centre = make.centre()
    for n in range(51):  # stored without the anomaly checks: 51 answers in a minute are a burst
        draft = surveys.read_answers(seeded, answers(seeded, 8 + n % 3))
        response = surveys.store(
            seeded, draft, centre_id=centre.id, region_id=centre.region_id, source="link", period=PERIOD
        )
        response.status = "accepted"
        integrity.set_counted(response)
    db.session.commit()
    indices.recalculate_all()
    director = make.user(("director", centre), centre=centre)
    login(director)
    url = f"/results/answers?scope=centre:{centre.id}&period={PERIOD}&indicator={indicator('2.1').id}"
    first = html(client.get(url))
    assert len(re.findall(r'<tr data-answer="\d+">', first)) == 50 and "page=2" in first
    second = html(client.get(url + "&page=2"))
    assert len(re.findall(r'<tr data-answer="\d+">', second)) == 1


# ---- export ---------------------------------------------------------------------------------------


def test_xlsx_export_has_numbers_with_percent_format_and_notes(client, login, w):
    login(w["director"])
    response = client.get(f"/results/export.xlsx?view=values&scope=centre:{w['centre'].id}&period={PERIOD}")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["Показатели"]
    rows = {r[0].value: r for r in sheet.iter_rows() if r[0].value}
    q1 = next(r for label, r in rows.items() if str(label).startswith("2.1 "))
    assert q1[2].value == pytest.approx(0.75) and q1[2].number_format == "0.0%"
    assert (q1[3].value, q1[4].value) == (3, 4)
    assert next(r for label, r in rows.items() if str(label).startswith("2.2 "))[2].value == "нет данных"
    assert "Показатель" in rows and "Уровень клиентоцентричности" in rows
    notes = book["Примечания"]
    labels = [c.value for c in notes["A"]]
    assert "Формула уровня клиентоцентричности" in labels and "Знаменатель доли «Да»" in labels
    for view in ("trend", "distribution", "touch_points"):
        other = client.get(f"/results/export.xlsx?view={view}&scope=centre:{w['centre'].id}&period={PERIOD}")
        assert other.status_code == 200, view
        load_workbook(io.BytesIO(other.data))


# ---- authorisation --------------------------------------------------------------------------------


def test_centre_user_cannot_read_another_centre(client, login, w):
    login(w["director"])
    foreign, other = w["foreign"], w["other"]
    assert client.get(f"/results/?scope=centre:{foreign.id}").status_code == 404
    assert client.get(f"/results/?scope=centre:{other.id}").status_code == 404
    assert client.get(f"/results/?scope=region:{foreign.region_id}").status_code == 404
    assert client.get("/results/?scope=centre:abc").status_code == 404
    assert client.get(f"/results/export.xlsx?scope=centre:{foreign.id}").status_code == 404
    q1 = indicator("2.1").id
    assert client.get(f"/results/answers?scope=centre:{foreign.id}&period={PERIOD}&indicator={q1}").status_code == 404
    # their region and the federation are there for comparison, but not the answers behind them
    page = html(client.get(f"/results/?scope=region:{w['region'].id}&period={PERIOD}"))
    assert "results/answers" not in page
    assert (
        client.get(f"/results/answers?scope=region:{w['region'].id}&period={PERIOD}&indicator={q1}").status_code == 403
    )
    assert client.get(f"/results/?scope=federation&period={PERIOD}").status_code == 200
    options = html(client.get("/results/"))
    assert f"centre:{foreign.id}" not in options and f"centre:{other.id}" not in options


def test_an_indicator_of_another_version_is_a_404(client, login, w):
    login(w["director"])
    pilot_q1 = indicator("2.1", "pilot-2022").id
    url = f"/results/answers?scope=centre:{w['centre'].id}&period={PERIOD}&indicator={pilot_q1}"
    assert client.get(url).status_code == 404


def test_anonymous_users_are_sent_to_login(client, w):
    assert client.get("/results/").status_code in (302, 303)


def test_recalculate_needs_methodology_manage_and_starts_the_job(client, login, w, make, run_jobs):
    login(w["director"])
    assert client.get("/results/recalculate").status_code == 403
    assert client.post("/results/recalculate").status_code == 403
    client.post("/logout")
    regional_admin = make.user(("admin", w["centre"].region), region=w["centre"].region)
    login(regional_admin)  # everything is the federation's: a region's administrator may not start it
    assert client.post("/results/recalculate").status_code == 403
    client.post("/logout")
    login(w["federal"])
    assert "Да, пересчитать всё" in html(client.get("/results/recalculate"))
    response = client.post("/results/recalculate")
    assert response.status_code == 303
    run = db.session.scalar(select(JobRun).order_by(JobRun.id.desc()))
    assert response.headers["Location"].endswith(f"/jobs/{run.id}") and run.kind == "recalculate"
    run_jobs()
    db.session.expire_all()
    assert db.session.get(JobRun, run.id).status == "finished"
    assert client.get(f"/jobs/{run.id}").status_code == 200


# ---- the director's screen --------------------------------------------------------------------------


def test_director_panel_shows_the_index_trend_and_weakest_indicators(client, login, w):
    login(w["director"])
    page = html(client.get("/director/"))
    assert "Индекс клиентоцентричности" in page
    panel = re.search(r'data-panel="index-trend".*?</table>', page, re.S).group(0)
    row = index_row("centre", w["centre"].id)
    assert results.level_label(row.level) in panel and "к III кварталу 2026" in panel
    assert len(re.findall(r"<tr data-period=", panel)) == 4
    weakest = re.search(r'data-panel="weakest".*?</ol>', page, re.S).group(0)
    assert len(re.findall(r"<li data-indicator=", weakest)) == 3
    assert f"scope=centre:{w['centre'].id}" in weakest


def test_director_panel_without_values_says_no_data(client, login, seeded, make):
    centre = make.centre()
    director = make.user(("director", centre), centre=centre)
    login(director)
    page = html(client.get("/director/"))
    assert "Индекс клиентоцентричности" in page
    assert "нет данных: по вашей области ещё нет рассчитанных показателей" in page


def test_director_panel_under_the_pilot_shows_indicator_values_only(client, login, seeded, make):
    region = make.region()
    centre = make.centre(region)
    pilot = db.session.scalar(select(Methodology).where(Methodology.code == "pilot-2022"))
    q1 = indicator("2.1", "pilot-2022")
    for kind, key in (("centre", centre.id), ("region", region.id)):
        db.session.add(
            IndicatorValue(
                methodology_id=pilot.id,
                indicator_id=q1.id,
                scope_kind=kind,
                scope_key=str(key),
                period="2022-Q2",
                client_type="all",
                numerator=3,
                denominator=4,
                value=0.75,
                inputs=4,
            )
        )
    director = make.user(("director", region), region=region)
    login(director)
    page = html(client.get("/director/"))
    assert 'data-panel="index-pilot"' in page and 'data-panel="index-trend"' not in page
    assert 'data-panel="weakest"' not in page and "итоговый индекс и рейтинг не предусмотрены" in page
    row = re.search(r'<tr data-indicator="2\.1">.*?</tr>', page, re.S).group(0)
    assert "75,0 %" in row


def test_a_federal_user_picks_a_region_before_its_centres(client, login, w):
    """Thousands of centres are never one list: at the federation the picker offers regions; at a region or
    one of its centres, that region's centres. A regional director reads one region and sees all its centres."""
    login(w["federal"])
    page = html(client.get(f"/results/?scope=federation&period={PERIOD}"))
    picker = re.search(r'<select id="scope".*?</select>', page, re.S).group(0)
    assert "Нижегородская область" in picker and "Чужая область" in picker and "ЦЗН Канавинский" not in picker
    assert "сначала выберите его регион" in page
    picker = re.search(
        r'<select id="scope".*?</select>', html(client.get(f"/results/?scope=centre:{w['centre'].id}")), re.S
    )
    assert "ЦЗН Канавинский" in picker.group(0) and "ЦЗН Сормовский" in picker.group(0)
    assert "ЦЗН Чужой" not in picker.group(0)
    client.post("/logout")
    login(w["regional"])
    page = html(client.get(f"/results/?period={PERIOD}"))
    picker = re.search(r'<select id="scope".*?</select>', page, re.S).group(0)
    assert "ЦЗН Канавинский" in picker and "ЦЗН Сормовский" in picker and "сначала выберите" not in page
