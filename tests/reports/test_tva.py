"""The targets-vs-actuals table: the pure builder on hand-built values, the page, its cost
in queries, and the Excel download."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from metrics.models import Measurement
from plans.models import UNKNOWN_TITLE, Metric, Office, Plan
from reports.exporters import tva_workbook
from reports.status import ActualValue, Status, TargetValue
from reports.tva import (
    MISSING,
    Cell,
    Formats,
    Table,
    Values,
    build_table,
    choose_years,
    row_html,
    sections_html,
)
from tests.factories import (
    MeasurementFactory,
    MetricFactory,
    PlanElementFactory,
    TargetFactory,
)

APPROVED = Measurement.Status.APPROVED
LEVELS = ["Goal", "Objective", "Sub-objective"]
# FY2024 ended on 30 September 2024; its values were due 45 days later, on 14 November.
AFTER_FY2024 = date(2024, 12, 1)
D = Decimal


def metric(pk: int, element: int = 2, **rule: str) -> tuple:
    """A metric tuple as load_table fetches it; numeric, count, increase, sum, quarterly."""
    fields = {
        "name": f"Metric {pk}",
        "kind": "numeric",
        "unit": "count",
        "direction": "increase",
        "aggregation": "sum",
        "frequency": "quarterly",
    } | rule
    return (pk, element, *fields.values())


def table_of(
    metrics: list[tuple],
    *,
    targets: dict | None = None,
    actuals: dict | None = None,
    elements: list[tuple] | None = None,
    today: date = AFTER_FY2024,
) -> Table:
    """One fiscal year, FY2024. `targets` and `actuals`: {(metric, quarter): value}, with
    TargetValue / ActualValue objects or plain numbers, handed over as tuples the way
    load_values fetches them."""
    values = Values()
    for (pk, quarter), value in (targets or {}).items():
        target = value if isinstance(value, TargetValue) else TargetValue(D(value))
        values.targets[pk][(2024, quarter)] = tuple(target)
    for (pk, quarter), value in (actuals or {}).items():
        actual = value if isinstance(value, ActualValue) else ActualValue(D(value))
        values.actuals[pk][(2024, quarter)] = tuple(actual)
    return build_table(
        years=[2024],
        elements=elements or [(1, None, 1, "1", "Goal one", 1), (2, 1, 2, "1.1", "Obj", 1)],
        metrics=metrics,
        values=values,
        level_names=LEVELS,
        at_risk_percent=D(10),
        today=today,
    )


def cells(table: Table, row: int = 0) -> list[Cell | None]:
    rows = [r for section in table.sections for r in section.rows]
    return rows[row].cells


def quarters(values: list[int | None], pk: int = 1) -> dict:
    return {(pk, q): v for q, v in enumerate(values, start=1) if v is not None}


# The pure builder ----------------------------------------------------------------------------


def test_sections_follow_the_hierarchy_depth_first_and_skip_elements_without_metrics() -> None:
    elements = [
        (5, 1, 2, "1.2", "Second objective", 2),
        (2, None, 1, "2", "", 2),
        (3, 1, 2, "1.1", "First objective", 1),
        (1, None, 1, "1", "First goal", 1),
        (4, 3, 3, "1.1.1", "Sub", 1),
        (6, 2, 2, "2.1", "Nothing measured here", 1),
    ]
    table = table_of([metric(1, 5), metric(2, 4), metric(3, 2), metric(4, 4)], elements=elements)

    groups = [(s.group.level_name, s.group.number, s.group.title) for s in table.sections]
    assert groups == [
        ("Goal", "1", "First goal"),
        ("Objective", "1.1", "First objective"),
        ("Sub-objective", "1.1.1", "Sub"),
        ("Objective", "1.2", "Second objective"),
        ("Goal", "2", UNKNOWN_TITLE),
    ]
    assert [[r.metric_id for r in s.rows] for s in table.sections] == [[], [], [2, 4], [1], [3]]


def test_columns_are_each_years_quarters_then_the_fiscal_year() -> None:
    table = table_of([metric(1)])

    assert table.columns == [(2024, 1), (2024, 2), (2024, 3), (2024, 4), (2024, None)]
    assert len(cells(table)) == 5


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [("sum", D(100)), ("average", D(25)), ("latest", D(40)), ("cumulative", D(100))],
)
def test_fiscal_year_value_follows_the_aggregation_rule(aggregation: str, expected: D) -> None:
    table = table_of([metric(1, aggregation=aggregation)], actuals=quarters([10, 20, 30, 40]))

    assert cells(table)[4].actual == expected


def test_a_percentage_fiscal_year_pools_numerators_and_denominators() -> None:
    actuals = {
        (1, 1): ActualValue(D(50), D(1), D(2)),
        (1, 2): ActualValue(D(100), D(2), D(2)),
        (1, 3): ActualValue(D(0), D(0), D(4)),
        (1, 4): ActualValue(D(50), D(1), D(2)),
    }
    table = table_of([metric(1, kind="percentage", unit="percent")], actuals=actuals)

    assert cells(table)[4].actual == D(40)  # 4 of 10, not the mean of the percentages (50)


def test_cells_carry_percent_of_target_and_a_status_each() -> None:
    table = table_of(
        [metric(1)],
        targets=quarters([100, 100, 100, 100]),
        actuals=quarters([120, 95, 50, 100]),
    )

    q1, q2, q3, q4, year = cells(table)
    assert (q1.percent, q1.status) == (D(120), Status.ON_TRACK)
    assert (q2.percent, q2.status) == (D(95), Status.AT_RISK)
    assert (q3.percent, q3.status) == (D(50), Status.OFF_TRACK)
    assert q4.status == Status.ON_TRACK
    assert (year.actual, year.target, year.status) == (
        D(365),
        (D(400), None, None, None),
        Status.AT_RISK,
    )


def test_a_decrease_metric_is_on_track_below_its_target() -> None:
    table = table_of([metric(1, direction="decrease")], targets={(1, 1): 100}, actuals={(1, 1): 80})

    assert cells(table)[0].status == Status.ON_TRACK
    assert cells(table)[0].percent == D(80)


def test_cumulative_quarters_are_shown_and_judged_year_to_date() -> None:
    table = table_of(
        [metric(1, aggregation="cumulative")],
        targets=quarters([10, 10, 10, 20]),
        actuals=quarters([10, 10, 10, 10]),
    )

    q1, q2, _q3, q4, year = cells(table)
    assert (q1.actual, q1.target) == (D(10), (D(10), None, None, None))
    assert (q2.actual, q2.target, q2.status) == (D(20), (D(20), None, None, None), Status.ON_TRACK)
    assert (q4.actual, q4.target, q4.percent) == (D(40), (D(50), None, None, None), D(80))
    assert q4.status == Status.OFF_TRACK
    assert (year.actual, year.target[0]) == (D(40), D(50))


def test_missing_values_are_not_yet_due_before_their_due_date_and_no_data_after() -> None:
    rows = [metric(1)]
    targets = quarters([100, 100, 100, 100])

    before = cells(table_of(rows, targets=targets, today=date(2024, 2, 14)))
    after = cells(table_of(rows, targets=targets, today=date(2024, 2, 15)))

    assert before[0].actual is None
    assert before[0].status == Status.NOT_YET_DUE  # Q1 ends 31 December, due 14 February
    assert after[0].status == Status.NO_DATA
    assert after[1].status == Status.NOT_YET_DUE


def test_a_fiscal_year_with_missing_quarters_shows_its_value_but_is_not_judged() -> None:
    table = table_of([metric(1)], targets=quarters([10, 10, 10, 10]), actuals=quarters([30, 30]))

    year = cells(table)[4]
    assert (year.actual, year.note, year.percent) == (D(60), "2 of 4 quarters", None)
    assert year.status == Status.NO_DATA


def test_a_stored_fiscal_year_target_wins_over_the_quarters() -> None:
    targets = quarters([10, 10, 10, 10]) | {(1, None): 55}
    table = table_of([metric(1)], targets=targets, actuals=quarters([10, 10, 10, 30]))

    year = cells(table)[4]
    assert (year.target[0], year.status) == (D(55), Status.ON_TRACK)


@pytest.mark.parametrize(
    ("aggregation", "kind", "expected"),
    [
        ("sum", "numeric", D(100)),
        ("average", "numeric", D(25)),
        ("latest", "numeric", D(40)),
        ("sum", "percentage", D(40)),  # rates do not add up: the last quarter's
    ],
)
def test_a_fiscal_year_without_a_target_combines_the_quarters_targets(
    aggregation: str, kind: str, expected: D
) -> None:
    rule = {"aggregation": aggregation, "kind": kind}
    table = table_of([metric(1, **rule)], targets=quarters([10, 20, 30, 40]))

    assert cells(table)[4].target[0] == expected


def test_an_annual_metric_has_only_its_fiscal_year_cell() -> None:
    table = table_of(
        [metric(1, frequency="annual")], targets={(1, None): 100}, actuals={(1, None): 100}
    )

    assert cells(table)[:4] == [None, None, None, None]
    assert (cells(table)[4].actual, cells(table)[4].status) == (D(100), Status.ON_TRACK)


def test_a_milestone_shows_its_state_and_its_due_date() -> None:
    targets = {(1, 2): TargetValue(due_date=date(2024, 3, 1))}
    actuals = {(1, 2): ActualValue(milestone_status="done", milestone_date=date(2024, 2, 1))}
    table = table_of([metric(1, kind="milestone")], targets=targets, actuals=actuals)

    q2 = cells(table)[1]
    assert (q2.text, q2.status) == ("Done", Status.ON_TRACK)
    html = row_html(table.sections[1].rows[0], "/m/{pk}/", Formats())
    assert "Done" in html
    assert "due Mar 1, 2024" in html


def test_a_value_not_available_says_so() -> None:
    actuals = {(1, 1): ActualValue(not_available=True)}
    table = table_of([metric(1)], targets=quarters([5]), actuals=actuals)

    assert cells(table)[0].text == "Not available"
    assert cells(table)[0].status == Status.NO_DATA


# Years --------------------------------------------------------------------------------------

TODAY = date(2026, 11, 22)  # in FY2027


@pytest.mark.parametrize(
    ("start", "end", "with_data", "asked", "expected"),
    [
        (2021, 2025, {2022}, (None, None), [2021, 2022, 2023, 2024, 2025]),
        (2018, 2030, {2019, 2024, 2026}, (None, None), [2022, 2023, 2024, 2025, 2026]),
        (2018, 2030, set(), (None, None), [2026, 2027, 2028, 2029, 2030]),
        (2020, 2022, set(), (None, None), [2020, 2021, 2022]),
        (None, None, {2016, 2019}, (None, None), [2016, 2017, 2018, 2019]),
        (None, None, set(), (None, None), [2027]),
        (2021, 2025, set(), ("2023", "2024"), [2023, 2024]),
        (2021, 2025, set(), ("2024", "2023"), [2023, 2024]),
        (2021, 2025, set(), ("2000", "2030"), list(range(2000, 2010))),
        (2021, 2025, set(), ("2019", None), [2019, 2020, 2021, 2022, 2023]),
        (2021, 2025, set(), (None, "2019"), [2015, 2016, 2017, 2018, 2019]),
        (2021, 2025, set(), ("junk", "99999"), [2021, 2022, 2023, 2024, 2025]),
    ],
)
def test_choose_years(
    start: int | None,
    end: int | None,
    with_data: set[int],
    asked: tuple[str | None, str | None],
    expected: list[int],
) -> None:
    fy_from, fy_to = asked
    years = choose_years(
        start=start, end=end, with_data=with_data, fy_from=fy_from, fy_to=fy_to, today=TODAY
    )

    assert years == expected


# HTML ----------------------------------------------------------------------------------------


def test_a_row_shows_actual_target_percent_and_status_as_text() -> None:
    table = table_of(
        [metric(1, unit="dollars")], targets=quarters([1000, 1000]), actuals=quarters([950])
    )

    html = row_html(table.sections[1].rows[0], "/metrics/{pk}/performance/", Formats())

    assert '<th scope="row" class="tva-name">' in html
    assert 'href="/metrics/1/performance/"' in html
    assert '<span class="tva-actual">$950</span>' in html
    assert "of $1,000 (95%)" in html
    assert "At risk" in html
    assert f'<span class="tva-actual">{MISSING}</span>' in html  # Q2: due, missing
    assert "No data" in html
    assert "no target" in html  # Q3


def test_names_and_titles_are_escaped() -> None:
    table = table_of(
        [metric(1, name="<script>alert(1)</script>")],
        elements=[(1, None, 1, "1", "Goal & <b>", 1), (2, 1, 2, "1.1", "Obj", 1)],
    )

    goal, objective = sections_html(table, "/m/{pk}/")

    assert "Goal &amp; &lt;b&gt;" in goal
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in objective
    assert "<script>" not in objective


def test_the_workbook_is_built_from_a_hand_built_table() -> None:
    table = table_of(
        [metric(1, unit="percent", kind="percentage"), metric(2, unit="dollars")],
        targets=quarters([80]) | quarters([1000], pk=2),
        actuals=quarters([82.5]) | quarters([1500], pk=2),
    )

    filename, content_type, content = tva_workbook(Plan(title="T", slug="my-plan"), table)

    sheet = openpyxl.load_workbook(BytesIO(content)).active
    assert filename == "my-plan-targets-vs-actuals-FY2024-FY2024.xlsx"
    assert content_type.endswith("spreadsheetml.sheet")
    assert sheet["C4"].value is None  # group row: Goal 1
    assert sheet["A6"].value == "Metric 1"
    assert (sheet["D6"].value, sheet["D6"].number_format) == (82.5, '0.0"%"')
    assert (sheet["D7"].value, sheet["D7"].number_format) == (1500, "$#,##0")
    assert sheet["E7"].number_format == '0"%"'
    assert sheet["E7"].value == 150


# The page ------------------------------------------------------------------------------------


def build_plan(plan: Plan, offices: dict[str, Office], count: int) -> list[Metric]:
    """`count` quarterly metrics under goal 1 -> objective 1.1, with FY2024 Q1 targets and
    approved values, and an FY2024 target for the first."""
    goal = PlanElementFactory(plan=plan, number="1", title="Secure the border", order=1)
    objective = PlanElementFactory(parent=goal, number="1.1", title="Detect entries", order=1)
    metrics = []
    for n in range(count):
        metric = MetricFactory(
            element=objective, owner_office=offices["ERO"], name=f"Removals {n}", order=n
        )
        TargetFactory(metric=metric, fiscal_year=2024, quarter=1, value=D(1000))
        MeasurementFactory(
            metric=metric, fiscal_year=2024, quarter=1, value=D(1234), status=APPROVED
        )
        MeasurementFactory(metric=metric, fiscal_year=2024, quarter=2, value=D(99))  # draft
        metrics.append(metric)
    return metrics


def tva_url(plan: Plan, **query: str) -> str:
    base = reverse("reports:tva", args=[plan.slug])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_viewer_sees_the_table_grouped_with_actual_target_and_status(
    viewer_client: Client, plan: Plan, offices: dict[str, Office]
) -> None:
    build_plan(plan, offices, 2)

    response = viewer_client.get(tva_url(plan))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Targets vs actuals - ICE Strategic Plan |" in page
    assert "<caption" in page
    assert '<th scope="colgroup" colspan="5">FY2021</th>' in page
    assert "Goal 1: Secure the border" in page
    assert "Objective 1.1: Detect entries" in page
    assert '<th scope="row" class="tva-name">' in page
    assert '<span class="tva-actual">1,234</span>' in page
    assert "of 1,000 (123%)" in page
    assert "On track" in page
    assert ">99<" not in page  # the draft value does not count
    assert 'class="usa-table-container--scrollable" tabindex="0"' in page
    assert reverse("reports:tva-xlsx", args=[plan.slug]) + "?fy_from=2021&amp;fy_to=2025" in page


def test_the_years_come_from_the_query(
    viewer_client: Client, plan: Plan, offices: dict[str, Office]
) -> None:
    build_plan(plan, offices, 1)

    page = viewer_client.get(tva_url(plan, fy_from="2024", fy_to="2024")).content.decode()

    assert '<th scope="colgroup" colspan="5">FY2024</th>' in page
    assert "FY2023</th>" not in page


def test_a_plan_without_metrics_says_so_and_still_downloads(
    viewer_client: Client, plan: Plan
) -> None:
    page = viewer_client.get(tva_url(plan)).content.decode()
    download = viewer_client.get(reverse("reports:tva-xlsx", args=[plan.slug]))

    assert "This plan has no metrics yet." in page
    assert download.status_code == 200


def test_outsiders_get_404_anonymous_users_sign_in_and_post_is_refused(
    client: Client,
    outsider_client: Client,
    viewer_client: Client,
    plan: Plan,
    offices: dict[str, Office],
) -> None:
    build_plan(plan, offices, 1)
    xlsx = reverse("reports:tva-xlsx", args=[plan.slug])

    assert outsider_client.get(tva_url(plan)).status_code == 404
    assert outsider_client.get(xlsx).status_code == 404
    response = client.get(tva_url(plan))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert viewer_client.post(tva_url(plan)).status_code == 405
    assert viewer_client.post(xlsx).status_code == 405


def test_a_metric_name_with_a_script_tag_is_escaped_on_the_page(
    viewer_client: Client, plan: Plan, offices: dict[str, Office]
) -> None:
    (metric,) = build_plan(plan, offices, 1)
    metric.name = "<script>alert('x')</script>"
    metric.save()

    page = viewer_client.get(tva_url(plan)).content.decode()

    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<script>alert" not in page


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_1_or_50_metrics(
    viewer_client: Client,
    plan: Plan,
    offices: dict[str, Office],
    django_assert_num_queries,
) -> None:
    build_plan(plan, offices, 1)
    page = _queries(viewer_client, tva_url(plan))
    xlsx = _queries(viewer_client, reverse("reports:tva-xlsx", args=[plan.slug]))
    bigger = Plan.objects.create(title="Bigger", slug="bigger", owner=plan.owner)
    build_plan(bigger, offices, 50)

    with django_assert_num_queries(page):
        viewer_client.get(tva_url(bigger))
    with django_assert_num_queries(xlsx):
        viewer_client.get(reverse("reports:tva-xlsx", args=[bigger.slug]))


def test_the_excel_download_has_the_grouping_and_real_number_formats(
    viewer_client: Client, plan: Plan, offices: dict[str, Office]
) -> None:
    build_plan(plan, offices, 2)

    response = viewer_client.get(reverse("reports:tva-xlsx", args=[plan.slug]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="ice-plan-targets-vs-actuals-FY2021-FY2025.xlsx"'
    )
    sheet = openpyxl.load_workbook(BytesIO(response.content)).active
    assert sheet.freeze_panes == "C4"
    assert (sheet["A1"].value, sheet["A1"].font.b) == ("ICE Strategic Plan", True)
    assert sheet["C1"].value == "FY2021"
    assert [sheet.cell(2, c).value for c in (3, 7, 11, 15, 19)] == [
        "Q1",
        "Q2",
        "Q3",
        "Q4",
        "FY2021",
    ]
    assert [sheet.cell(3, c).value for c in range(1, 7)] == [
        "Metric",
        "Unit and rule",
        "Target",
        "Actual",
        "% of target",
        "Status",
    ]
    assert (sheet["A4"].value, sheet["A4"].font.b) == ("Goal 1: Secure the border", True)
    assert sheet["A5"].value == "Objective 1.1: Detect entries"
    assert sheet.row_dimensions[5].outlineLevel == 1
    assert (sheet["A6"].value, sheet.row_dimensions[6].outlineLevel) == ("Removals 0", 2)
    fy2024_q1 = 3 + 3 * 20  # FY2024 is the fourth year: its Q1 target column
    target, actual, percent, status = (sheet.cell(6, fy2024_q1 + i) for i in range(4))
    assert (target.value, target.number_format) == (1000, "#,##0")
    assert (actual.value, actual.number_format) == (1234, "#,##0")
    assert isinstance(actual.value, int | float)
    assert percent.value == pytest.approx(123.4)
    assert status.value == "On track"
