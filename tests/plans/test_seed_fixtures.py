"""The curated seed fixtures agree with the documents they were curated from.

`plans/seed_data/dhs-wps-ip-2024.json` is the DHS Women, Peace, and Security Implementation
Plan 2024 (seed 002) transcribed by hand, because the source's tables are flattened into
tab-separated rows whose cells wrap onto continuation lines and interleave with their
neighbours. These tests read the source the same way a person does: each table is cut back
into its columns (Action / Outcome / Metric) and every title, outcome and metric name of the
fixture must be found in the right column of the right goal's table.

No database: plain JSON and text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "plans" / "seed_data" / "documents"
SEED_DATA = REPO / "plans" / "seed_data"

WPS_SOURCE = "002_6250814667351768.txt"
OFFICE_SOURCES = ("004_ddcdcad9644a8be4.txt", "001_3f0cdc2fbd3db8ae.txt")

KINDS = {"numeric", "percentage", "milestone"}
UNITS = {"count", "percent", "dollars", "pounds", "days", "hours", "score", "events", "other"}
DIRECTIONS = {"increase", "decrease", "range"}
AGGREGATIONS = {"sum", "latest", "average", "cumulative"}
FREQUENCIES = {"quarterly", "annual"}
COMPARISONS = {"", "prior_year"}
OFFICE_KINDS = {"department", "agency", "directorate", "program_office"}

PLAN_KEYS = {
    "slug",
    "title",
    "levels",
    "owner_office",
    "status",
    "start_fiscal_year",
    "end_fiscal_year",
    "mission",
    "vision",
    "values",
    "elements",
}
ELEMENT_KEYS = {"number", "title", "description", "outcomes", "metrics", "children"}
METRIC_KEYS = {
    "name",
    "kind",
    "unit",
    "direction",
    "aggregation",
    "frequency",
    "owner_office",
    "data_source",
    "definition",
    "comparison",
}


# Reading the sources ---------------------------------------------------------------------


def normalise(text: str) -> str:
    """Conversion markup removed, typographic quotes made plain, whitespace collapsed."""
    text = re.sub(r"</?u>|\*\*", "", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip()


def canonical(text: str) -> str:
    """Normalised, hyphens dropped: "non- citizen" (split at a line end), "non-citizen" and
    "survivorcentered" (hyphen lost at a line end) all read the same on both sides."""
    return normalise(text).replace("- ", "-").replace("-", "")


def has_sentences(phrase: str, text: str) -> bool:
    """The phrase is whole sentences of the text: it starts where a sentence starts and ends
    where one ends, so a truncated or extended title does not pass as found."""
    pattern = rf"(?:^|(?<=[.:] )){re.escape(canonical(phrase))}(?= |$)"
    return re.search(pattern, canonical(text)) is not None


def paragraphs(text: str) -> set[str]:
    return {canonical(chunk) for chunk in re.split(r"\n\s*\n", text) if chunk.strip()}


def is_paragraph(phrase: str, text: str) -> bool:
    """The phrase is one whole paragraph of the text."""
    return canonical(phrase) in paragraphs(text)


def table_blocks(text: str) -> Iterator[list[list[str]]]:
    """Runs of consecutive tab-separated lines, each line split into its cells."""
    block: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if "\t" in line:
            block.append(line.split("\t"))
        elif block:
            yield block
            block = []


def columns(block: list[list[str]]) -> list[str]:
    """A wrapped table put back together: each column's cells read top to bottom.

    A row whose cells wrap onto three lines interleaves three columns line by line; reading
    one column at a time joins every cell back into its sentence.
    """
    width = max(len(row) for row in block)
    return [
        normalise(" ".join(row[i] for row in block if i < len(row) and row[i].strip()))
        for i in range(width)
    ]


@cache
def source(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


@cache
def wps_tables() -> dict[str, tuple[str, str, str]]:
    """Goal number -> (actions, outcomes, metrics) column text of its Planned Actions table."""
    tables: dict[str, tuple[str, str, str]] = {}
    for block in table_blocks(source(WPS_SOURCE)):
        heading = re.match(r"Planned Actions-Goal (\d\.\d)$", block[0][0].strip())
        if heading:
            assert [cell.strip() for cell in block[1]] == [
                "Description of Actions",
                "Outcome",
                "Metric",
            ]
            actions, outcomes, metrics = columns(block[2:])
            tables[heading.group(1)] = (actions, outcomes, metrics)
    return tables


def load(name: str) -> Any:
    return json.loads((SEED_DATA / name).read_text(encoding="utf-8"))


# The WPS fixture -------------------------------------------------------------------------


@cache
def wps() -> dict[str, Any]:
    return load("dhs-wps-ip-2024.json")


def loes() -> list[dict[str, Any]]:
    return wps()["elements"]


def goals() -> list[dict[str, Any]]:
    return [goal for loe in loes() for goal in loe["children"]]


def actions() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(goal, action) pairs in document order."""
    return [(goal, action) for goal in goals() for action in goal["children"]]


def metrics() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(action, metric) pairs in document order."""
    return [(action, metric) for _goal, action in actions() for metric in action["metrics"]]


def test_wps_plan_has_the_published_shape():
    plan = wps()
    assert set(plan) == PLAN_KEYS
    assert plan["slug"] == "dhs-wps-ip-2024"
    assert plan["levels"] == ["Line of Effort", "Goal", "Action"]
    assert (plan["start_fiscal_year"], plan["end_fiscal_year"]) == (2024, 2024)
    assert plan["status"] == "active"
    assert [len(loes()), len(goals()), len(actions())] == [5, 10, 25]
    for _goal, action in actions():
        assert action["children"] == []


def test_wps_elements_carry_the_exchange_keys_only():
    for element in [*loes(), *goals(), *(action for _goal, action in actions())]:
        assert set(element) == ELEMENT_KEYS, element["number"]
    for loe in loes():
        assert (loe["outcomes"], loe["metrics"]) == ([], []), loe["number"]
    for goal in goals():
        assert (goal["outcomes"], goal["metrics"]) == ([], []), goal["number"]
    for _goal, action in actions():
        assert action["outcomes"], f"{action['number']} has no outcome"
        assert action["metrics"], f"{action['number']} has no metric"


def test_wps_numbers_follow_the_document():
    assert [loe["number"] for loe in loes()] == ["1", "2", "3", "4", "5"]
    assert [goal["number"] for goal in goals()] == [
        "1.1", "1.2", "2.1", "2.2", "3.1", "4.1", "4.2", "4.3", "5.1", "5.2",
    ]  # fmt: skip
    for loe in loes():
        for i, goal in enumerate(loe["children"], start=1):
            assert goal["number"] == f"{loe['number']}.{i}"
            for j, action in enumerate(goal["children"], start=1):
                assert action["number"] == f"{goal['number']}.{j}"


def test_wps_actions_per_goal_match_the_tables():
    """As many actions as the goal's table labels `Action #N.` (5.2's one action is unlabelled)."""
    tables = wps_tables()
    assert sorted(tables) == [goal["number"] for goal in goals()]
    for goal in goals():
        labels = re.findall(r"Action #(\d+)\.", tables[goal["number"]][0])
        expected = [str(n) for n in range(1, len(labels) + 1)] or ["1"]
        assert labels in (expected, []), goal["number"]
        assert len(goal["children"]) == len(expected), goal["number"]


def test_wps_lines_of_effort_are_the_published_headings():
    text = normalise(source(WPS_SOURCE))
    for loe in loes():
        assert f"Line of Effort {loe['number']}. {loe['title']} " in text, loe["number"]
        assert loe["description"], loe["number"]
        assert is_paragraph(loe["description"], source(WPS_SOURCE)), loe["number"]


def test_wps_goals_are_the_published_headings():
    text = normalise(source(WPS_SOURCE))
    for goal in goals():
        heading = rf"GOAL:? {re.escape(goal['number'])}: {re.escape(goal['title'])}\. "
        assert re.search(heading, text), goal["number"]
        assert not goal["title"].endswith(".")
        if goal["description"]:
            assert is_paragraph(goal["description"], source(WPS_SOURCE)), goal["number"]


def test_wps_actions_are_in_their_goal_table():
    tables = wps_tables()
    for goal, action in actions():
        column = tables[goal["number"]][0]
        assert has_sentences(action["title"], column), action["number"]
        label = re.search(r"Action #\d+\.", column)
        if label:
            n = action["number"].rsplit(".", 1)[1]
            assert has_sentences(f"Action #{n}. {action['title']}", column), action["number"]
        if action["description"]:
            assert has_sentences(f"{action['title']} {action['description']}", column)


def test_wps_outcomes_are_in_their_goal_table():
    tables = wps_tables()
    for goal, action in actions():
        for outcome in action["outcomes"]:
            assert has_sentences(outcome, tables[goal["number"]][1]), (action["number"], outcome)


def test_wps_metrics_are_in_their_goal_table():
    tables = wps_tables()
    goal_of = {action["number"]: goal["number"] for goal, action in actions()}
    for action, metric in metrics():
        column = tables[goal_of[action["number"]]][2]
        assert has_sentences(metric["name"], column), (action["number"], metric["name"])
        if metric["definition"]:
            assert has_sentences(metric["definition"], column), (action["number"], metric["name"])


def test_wps_the_cell_reader_rejects_text_that_is_not_there():
    """Guards the guard: reading by columns must not make every phrase 'found'."""
    actions_1_2, outcomes_1_2, metrics_1_2 = wps_tables()["1.2"]
    title = (
        "S&T will pursue both internal and external interventions to increase participation"
        " and representation in STEM to shift the culture to be more inclusive and reduce"
        " potential bias."
    )
    assert has_sentences(title, actions_1_2)
    assert not has_sentences(title.replace("culture", "workforce"), actions_1_2)
    assert not has_sentences(title.replace(" and reduce potential bias.", "."), actions_1_2)
    assert not has_sentences(title.replace("S&T will pursue both", "Both"), actions_1_2)
    assert has_sentences("Increase retention of women in STEM positions.", outcomes_1_2)
    assert not has_sentences("Decrease in attrition of women in STEM positions.", outcomes_1_2)
    assert has_sentences("Decrease in attrition of women in STEM positions.", metrics_1_2)
    assert not has_sentences("Number of guidance materials created.", wps_tables()["4.2"][2])


def test_wps_metric_names_are_unique_per_action():
    for _goal, action in actions():
        names = [metric["name"] for metric in action["metrics"]]
        assert len(names) == len(set(names)), action["number"]


def test_wps_metrics_use_the_allowed_values():
    for action, metric in metrics():
        where = (action["number"], metric["name"])
        assert set(metric) == METRIC_KEYS, where
        assert metric["kind"] in KINDS, where
        assert metric["unit"] in UNITS, where
        assert metric["direction"] in DIRECTIONS, where
        assert metric["aggregation"] in AGGREGATIONS, where
        assert metric["frequency"] in FREQUENCIES, where
        assert metric["comparison"] in COMPARISONS, where
        if metric["kind"] == "percentage":
            assert metric["unit"] == "percent", where
        if metric["kind"] == "milestone":
            assert (metric["unit"], metric["aggregation"]) == ("other", "latest"), where


def test_wps_metrics_follow_their_wording():
    for action, metric in metrics():
        name, where = metric["name"], (action["number"], metric["name"])
        year_over_year = re.search(r"compared to the (previous|prior) year|year-over-year", name)
        assert metric["comparison"] == ("prior_year" if year_over_year else ""), where
        if year_over_year:
            assert metric["frequency"] == "annual", where
        if name.startswith("Decrease"):
            assert metric["direction"] == "decrease", where
        if re.search(r"\bpercentage\b|\bproportion\b", name):
            assert metric["kind"] == "percentage", where
        if "FEVS" in name:
            assert (metric["unit"], metric["frequency"]) == ("score", "annual"), where
            assert metric["data_source"] == "Federal Employee Viewpoint Survey", where
        else:
            assert metric["data_source"] == "", where


def test_wps_plan_states_no_mission_vision_or_values_because_the_document_has_none():
    assert (wps()["mission"], wps()["vision"], wps()["values"]) == ("", "", "")


# Offices ---------------------------------------------------------------------------------


@cache
def offices() -> list[dict[str, Any]]:
    return load("offices.json")


def office_codes() -> set[str]:
    return {office["code"] for office in offices()}


def test_offices_are_well_formed():
    codes = [office["code"] for office in offices()]
    assert len(codes) == len(set(codes))
    for office in offices():
        assert set(office) == {"code", "name", "kind", "parent", "description"}, office["code"]
        assert office["kind"] in OFFICE_KINDS, office["code"]
        assert office["code"], office
        assert office["name"], office["code"]
    roots = [office["code"] for office in offices() if office["parent"] is None]
    assert roots == ["DHS"]


def test_offices_list_parents_before_children_without_cycles():
    seen: set[str] = set()
    parent_of = {office["code"]: office["parent"] for office in offices()}
    for office in offices():
        assert office["parent"] is None or office["parent"] in seen, office["code"]
        seen.add(office["code"])
    for code in parent_of:
        chain: list[str] = []
        while code is not None:
            assert code not in chain, f"cycle through {code}"
            chain.append(code)
            code = parent_of[code]


def test_ice_offices_sit_where_the_documents_put_them():
    parent_of = {office["code"]: office["parent"] for office in offices()}
    for code in ("OD", "ERO", "HSI", "M&A", "OPLA", "OPR"):
        assert parent_of[code] == "ICE", code
    assert parent_of["IHSC"] == "ERO"  # "IHSC is a component within ERO"
    assert parent_of["OPE"] == "OD"


def test_office_descriptions_are_quoted_from_the_documents():
    texts = [source(name) for name in OFFICE_SOURCES]
    for office in offices():
        if office["description"]:
            assert any(is_paragraph(office["description"], text) for text in texts), office["code"]


def test_every_owner_office_exists():
    codes = office_codes()
    assert wps()["owner_office"] in codes
    for action, metric in metrics():
        assert metric["owner_office"] in codes, (action["number"], metric["owner_office"])
    for plan in load("plans.json"):
        assert plan["owner_office"] in codes, plan["slug"]


# Plans imported by the outline parser ----------------------------------------------------


def test_plans_metadata_is_quoted_from_the_sources():
    plans = load("plans.json")
    assert [plan["slug"] for plan in plans] == ["ice-sp-2021-2025", "dro-sp"]
    for plan in plans:
        text = source(plan["source"])
        for key in ("mission", "vision"):
            if plan[key]:
                assert is_paragraph(plan[key], text), (plan["slug"], key)
        for line in filter(None, plan["values"].split("\n")):
            name, _, statement = line.partition(": ")
            assert re.search(rf"^{re.escape(name)}$", text, re.MULTILINE), (plan["slug"], name)
            assert is_paragraph(statement, text), (plan["slug"], name)
    ice = plans[0]
    assert ice["mission"]
    assert ice["vision"]
    assert len(ice["values"].split("\n")) == 3
