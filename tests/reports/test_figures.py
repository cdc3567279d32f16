"""Figures as sentences bound to data: amounts, comparisons and the template language.
Pure: no database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reports.documents import Footnote, Run, plain_text
from reports.figures import (
    FigureData,
    Filler,
    Footnotes,
    MissingValue,
    TemplateError,
    compare,
    comparison_text,
    format_amount,
    metric_notes,
    referenced_metrics,
)


def figure(
    name: str,
    value: str | None,
    *,
    unit: str = "count",
    prior: str | None = None,
    stated: str = "",
    notes: tuple[str, ...] = (),
    metric_id: int = 1,
) -> FigureData:
    return FigureData(
        metric_id=metric_id,
        name=name,
        unit=unit,
        value=None if value is None else Decimal(value),
        prior_value=None if prior is None else Decimal(prior),
        stated_comparison=stated,
        notes=notes,
    )


REMOVALS = figure(
    "Removals", "185884", prior="112000", notes=("ERO data.", "Counted once per alien.")
)
FENTANYL = figure(
    "Fentanyl seized", "6105", unit="pounds", stated="a 65% increase from FY 2019", metric_id=2
)
HIGH_PROFILE = figure(
    "High-profile removals", "350", notes=("Maintained through a manual count.",), metric_id=3
)
BUDGET = figure("Budget executed", "8030000000", unit="dollars", metric_id=4)
LONE = figure("Inspections", "7", metric_id=5)
UNREPORTED = figure("Unreported", None, notes=("Never reported.",), metric_id=6)
FILL_RATE = figure("Fill rate", "96", unit="percent", prior="99", metric_id=7)


def filler(*figures: FigureData) -> Filler:
    chosen = figures or (REMOVALS, FENTANYL, HIGH_PROFILE, BUDGET, LONE, UNREPORTED, FILL_RATE)
    return Filler(2020, {f.name: f for f in chosen})


def markers(runs: tuple[Run, ...]) -> list[int]:
    return [run.footnote for run in runs if run.footnote is not None]


def shown(runs: tuple[Run, ...]) -> str:
    """The sentence with footnote markers as [n], to assert where they go."""
    return "".join(f"[{run.footnote}]" if run.footnote else run.text for run in runs)


# Amounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("185884", "count", "185,884"),
        ("1800000000", "dollars", "$1.8 billion"),
        ("8030000000", "dollars", "$8.03 billion"),
        ("315000000", "dollars", "$315 million"),
        ("1000000", "dollars", "$1 million"),
        ("999999", "dollars", "$999,999"),
        ("380000", "dollars", "$380,000"),
        ("2500000000000", "dollars", "$2.5 trillion"),
        ("6105", "pounds", "6,105 pounds"),
        ("1400000", "pounds", "1.4 million pounds"),
        ("1500000", "count", "1,500,000"),  # only dollars and pounds go short by default
        ("96", "percent", "96%"),
        ("99.86", "percent", "99.86%"),
        ("96.0000", "percent", "96%"),  # the database's four decimal places do not show
        ("1234.50", "count", "1,234.5"),
        ("12", "days", "12 days"),
        ("3", "hours", "3 hours"),
        ("0", "count", "0"),
        ("-12", "count", "-12"),
        ("-5000", "dollars", "-$5,000"),
        ("-1800000000", "dollars", "-$1.8 billion"),
        ("-3.5", "percent", "-3.5%"),
        ("-6105", "pounds", "-6,105 pounds"),
    ],
)
def test_format_amount_writes_each_unit_as_the_report_does(
    value: str, unit: str, expected: str
) -> None:
    assert format_amount(Decimal(value), unit) == expected


@pytest.mark.parametrize(
    ("value", "unit", "option", "expected"),
    [
        ("1800000000", "dollars", "full", "$1,800,000,000"),
        ("1400000", "pounds", "full", "1,400,000 pounds"),
        ("1500000", "count", "short", "1.5 million"),
        ("185884", "count", "short", "185,884"),
        ("380000", "dollars", "short", "$380,000"),
        ("1800000000", "dollars", "number", "1,800,000,000"),
        ("96", "percent", "number", "96"),
        ("6105", "pounds", "number", "6,105"),
        ("0", "count", "words", "zero"),
        ("6", "count", "words", "six"),
        ("9", "count", "words", "nine"),
        ("6.0000", "count", "words", "six"),
        ("10", "count", "words", "10"),
        ("6.5", "count", "words", "6.5"),
        ("-1", "count", "words", "-1"),
    ],
)
def test_format_amount_options(value: str, unit: str, option: str, expected: str) -> None:
    assert format_amount(Decimal(value), unit, option) == expected


def test_format_amount_rejects_an_unknown_option_naming_the_choices() -> None:
    with pytest.raises(TemplateError, match="Unknown option “big”: use one of full, number"):
        format_amount(Decimal(1), "count", "big")


@pytest.mark.parametrize("value", ["999999999", "999995000"])
def test_format_amount_moves_to_the_next_scale_when_rounding_reaches_it(value: str) -> None:
    assert format_amount(Decimal(value), "dollars") == "$1 billion"


def test_words_option_keeps_a_unit_written_after_the_number() -> None:
    assert format_amount(Decimal(6), "pounds", "words") == "six pounds"


# Comparisons -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "prior", "unit", "expected", "short"),
    [
        ("185884", "112000", "count", "a 66% increase from FY 2019", "up 66% from FY 2019"),
        ("97", "100", "count", "a 3% decrease from FY 2019", "down 3% from FY 2019"),
        ("5", "5", "count", "no change from FY 2019", "unchanged from FY 2019"),
        ("5", "0", "count", "up from zero in FY 2019", "up from zero in FY 2019"),
        ("0", "0", "count", "no change from FY 2019", "unchanged from FY 2019"),
        ("-5", "0", "dollars", "down from zero in FY 2019", "down from zero in FY 2019"),
        ("1005", "1000", "count", "a 0.5% increase from FY 2019", "up 0.5% from FY 2019"),
        ("1000", "1004", "count", "a 0.4% decrease from FY 2019", "down 0.4% from FY 2019"),
        ("1995", "1000", "count", "a 100% increase from FY 2019", "up 100% from FY 2019"),
        ("1654", "1000", "count", "a 65% increase from FY 2019", "up 65% from FY 2019"),
        ("1655", "1000", "count", "a 66% increase from FY 2019", "up 66% from FY 2019"),
        (
            "96",
            "94",
            "percent",
            "an increase of 2 percentage points from FY 2019",
            "up 2 percentage points from FY 2019",
        ),
        (
            "94",
            "96.5",
            "percent",
            "a decrease of 2.5 percentage points from FY 2019",
            "down 2.5 percentage points from FY 2019",
        ),
        ("96", "96", "percent", "no change from FY 2019", "unchanged from FY 2019"),
    ],
)
def test_compare_phrases_the_change_from_the_prior_year(
    value: str, prior: str, unit: str, expected: str, short: str
) -> None:
    args = (Decimal(value), Decimal(prior))

    assert compare(*args, unit=unit, prior_year=2019) == expected
    assert compare(*args, unit=unit, prior_year=2019, short=True) == short


def test_compare_never_states_a_zero_percent_change() -> None:
    assert "0%" not in compare(Decimal(10004), Decimal(10000), unit="count", prior_year=2019)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (figure("A", "5", prior="4", stated="as stated"), "a 25% increase from FY 2019"),
        (figure("A", "5", stated="  a 65% increase from FY 2019 "), "a 65% increase from FY 2019"),
        (figure("A", "5"), ""),
        (figure("A", None, prior="4", stated="as stated"), "as stated"),
    ],
    ids=["computed-over-stated", "stated-stripped", "neither", "no-current-value"],
)
def test_comparison_text_prefers_computed_then_stated_then_nothing(
    data: FigureData, expected: str
) -> None:
    assert comparison_text(data, year=2020) == expected


def test_comparison_text_short_uses_the_fiscal_year_before() -> None:
    data = figure("A", "97", prior="100")

    assert comparison_text(data, year=2021, short=True) == "down 3% from FY 2020"


# Footnotes -------------------------------------------------------------------------------


def test_metric_notes_are_the_source_then_each_paragraph_of_the_quality_notes() -> None:
    notes = metric_notes(
        "  ICE Integrated Decision Support  ",
        "First paragraph\nwraps here.\n\n  Second paragraph. \n \n\n"
        "ICE Integrated Decision Support",
    )

    assert notes == (
        "ICE Integrated Decision Support",
        "First paragraph wraps here.",
        "Second paragraph.",
    )


def test_metric_notes_are_empty_without_source_or_notes() -> None:
    assert metric_notes("", "  \n\n ") == ()


def test_footnotes_number_each_text_once_in_order_of_first_appearance() -> None:
    notes = Footnotes()

    numbers = [notes.number(text) for text in ["b", "a", "b", "  a  ", "c"]]

    assert numbers == [1, 2, 1, 2, 3]
    assert notes.as_tuple() == (Footnote(1, "b"), Footnote(2, "a"), Footnote(3, "c"))


# Templates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "primary", "expected"),
    [
        (
            "In FY {year}, ICE removed {value} aliens.",
            "Inspections",
            "In FY 2020, ICE removed 7 aliens.",
        ),
        ("Since FY {prior_year}.", None, "Since FY 2019."),
        ("{name}: {value}.", "Inspections", "Inspections: 7."),
        ("{name:Fentanyl seized}.", None, "Fentanyl seized."),
        ("Budget {metric:Budget executed}.", None, "Budget $8.03 billion."),
        ("Budget {metric:Budget executed|full}.", None, "Budget $8,030,000,000."),
        ("Did {value|words} things.", "Inspections", "Did seven things."),
        ("Rate {value|number} percent.", "Fill rate", "Rate 96 percent."),
        (
            "Removed {value}, {comparison}.",
            "Removals",
            "Removed 185,884, a 66% increase from FY 2019.",
        ),
        (
            "Removed {value}, {comparison|short}.",
            "Removals",
            "Removed 185,884, up 66% from FY 2019.",
        ),
        (
            "Rate {value}, {comparison}.",
            "Fill rate",
            "Rate 96%, a decrease of 3 percentage points from FY 2019.",
        ),
        (
            "Seized {metric:Fentanyl seized}, {comparison:Fentanyl seized}.",
            None,
            "Seized 6,105 pounds, a 65% increase from FY 2019.",
        ),
        ("{{literal}} and }}{{ {value}.", "Inspections", "{literal} and }{ 7."),
    ],
)
def test_fill_states_every_placeholder(template: str, primary: str | None, expected: str) -> None:
    runs = filler().fill(template, primary=primary)

    assert plain_text(runs) == expected


def test_fill_makes_values_bold_and_nothing_else() -> None:
    runs = filler().fill("In FY {year}, {name} were {value}.", primary="Inspections")

    assert [run for run in runs if run.bold] == [Run("7", bold=True)]
    assert runs == (Run("In FY 2020, Inspections were "), Run("7", bold=True), Run("."))


@pytest.mark.parametrize(
    "template",
    [
        "In FY {year}, {name} numbered {value}, {comparison}.",
        "In FY {year}, {name} numbered {value}; {comparison}.",
        "In FY {year}, {name} numbered {value} {comparison}.",
        "In FY {year}, {name} numbered {value},{comparison}.",
    ],
)
def test_absent_comparison_disappears_with_the_comma_before_it(template: str) -> None:
    runs = filler().fill(template, primary="Inspections")

    assert plain_text(runs) == "In FY 2020, Inspections numbered 7."


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{bogus}", "Unknown placeholder “{bogus}”: use one of {value}, {metric}, {comparison}"),
        (
            "{metric:Removals|big}",
            "Unknown option “|big”: use one of |full, |number, |short, |words.",
        ),
        ("{metric:}", "“{metric:…}” needs a metric name or text after the colon."),
        ("{metric}", "“{metric:…}” needs a metric name"),
        ("{footnote}", "“{footnote:…}” needs a metric name or text after the colon."),
        ("{value:Removals}", "Write {metric:NAME} for another metric's value, not {value:NAME}."),
        ("{value}", "“{value}” needs the block's metric: choose one"),
        ("{comparison}", "“{comparison}” needs the block's metric"),
        ("{note}", "“{note}” needs the block's metric"),
        ("{name}", "“{name}” needs the block's metric"),
        ("a { b", "Unmatched “{” at character 3: write {{ or }} for a literal brace."),
        ("a } b", "Unmatched “}” at character 3"),
        ("{metric:Nobody}", "No metric named “Nobody” in this report's plan."),
    ],
)
def test_bad_templates_raise_template_error_saying_what_to_fix(template: str, message: str) -> None:
    with pytest.raises(TemplateError) as caught:
        filler().fill(template)

    assert message in str(caught.value)


def test_error_for_value_without_a_metric_suggests_a_form_that_works() -> None:
    with pytest.raises(TemplateError) as caught:
        filler().fill("{value}")

    assert "{value:NAME}" not in str(caught.value)
    assert "{metric:NAME}" in str(caught.value)


@pytest.mark.parametrize("template", ["{Value}", "{ value }", "{value|Short}"])
def test_misspelt_placeholder_is_named_in_the_error(template: str) -> None:
    with pytest.raises(TemplateError) as caught:
        filler().fill(template, primary="Inspections")

    assert "Unmatched" not in str(caught.value)


def test_a_missing_value_raises_missing_value_naming_the_metric() -> None:
    with pytest.raises(MissingValue) as caught:
        filler().fill("We did {metric:Unreported}.")

    assert caught.value.metric_name == "Unreported"
    assert str(caught.value) == "No approved value for “Unreported”."


def test_a_missing_value_may_still_be_named_without_error() -> None:
    runs = filler().fill("{name} is not reported.", primary="Unreported")

    assert shown(runs) == "Unreported is not reported[1]."


def test_footnote_markers_go_before_the_final_period() -> None:
    runs = filler().fill("In FY {year}, ICE removed {value} aliens.", primary="Removals")

    assert shown(runs) == "In FY 2020, ICE removed 185,884 aliens[1][2]."
    assert runs[-3:] == (Run("1", footnote=1), Run("2", footnote=2), Run("."))


def test_footnote_markers_go_at_the_end_without_final_punctuation() -> None:
    runs = filler().fill("Removed {value}", primary="Removals")

    assert shown(runs) == "Removed 185,884[1][2]"


def test_note_placeholder_places_the_markers_and_none_follow_the_sentence() -> None:
    runs = filler().fill("Removed {value}{note} aliens in FY {year}.", primary="Removals")

    assert shown(runs) == "Removed 185,884[1][2] aliens in FY 2020."


def test_named_note_places_another_metrics_markers() -> None:
    runs = filler().fill(
        "{value} removals{note}, {metric:High-profile removals}{note:High-profile removals}.",
        primary="Removals",
    )

    assert shown(runs) == "185,884 removals[1][2], 350[3]."


def test_narrative_footnote_is_numbered_where_it_stands() -> None:
    runs = filler().fill("Operations continued{footnote:Despite COVID-19.}, as planned.")

    assert shown(runs) == "Operations continued[1], as planned."


def test_footnotes_are_numbered_by_first_appearance_across_fills_and_deduplicated() -> None:
    report = filler()

    first = report.fill("{metric:High-profile removals} high-profile removals.")
    second = report.fill(
        "{value} removals{footnote:Maintained through a manual count.}.", "Removals"
    )
    third = report.fill("Again {metric:High-profile removals} and {metric:Removals}.")

    assert shown(first) == "350 high-profile removals[1]."
    assert shown(second) == "185,884 removals[1][2][3]."
    assert shown(third) == "Again 350 and 185,884[1][2][3]."
    assert report.footnotes.as_tuple() == (
        Footnote(1, "Maintained through a manual count."),
        Footnote(2, "ERO data."),
        Footnote(3, "Counted once per alien."),
    )


def test_a_footnote_shared_by_two_metrics_is_marked_once_in_a_sentence() -> None:
    a = figure("A", "1", notes=("Same source.",), metric_id=1)
    b = figure("B", "2", notes=("Same source.",), metric_id=2)

    runs = filler(a, b).fill("{metric:A} and {metric:B}.")

    assert shown(runs) == "1 and 2[1]."


def test_a_footnote_placed_by_note_is_not_repeated_at_the_end() -> None:
    a = figure("A", "1", notes=("Same source.",), metric_id=1)
    b = figure("B", "2", notes=("Same source.",), metric_id=2)

    runs = filler(a, b).fill("{metric:A}{note:A} and {metric:B}.")

    assert shown(runs) == "1[1] and 2."


def test_filler_records_the_figures_it_used_once_in_order() -> None:
    report = filler()

    report.fill("{metric:Budget executed} and {name:Inspections}.")
    report.fill("{value} and {metric:Budget executed}.", primary="Removals")

    assert [f.name for f in report.used] == ["Budget executed", "Inspections", "Removals"]


def test_referenced_metrics_lists_names_in_order_without_repeats() -> None:
    names = referenced_metrics(
        "{value} {metric:Fentanyl seized} {name} {comparison:High-profile removals} {year} "
        "{footnote:not a metric} {metric:Fentanyl seized} {note:Removals}",
        primary="Inspections",
    )

    assert names == ["Inspections", "Fentanyl seized", "High-profile removals", "Removals"]


def test_referenced_metrics_checks_the_template() -> None:
    with pytest.raises(TemplateError, match="Unknown placeholder"):
        referenced_metrics("{valeu}", primary="Inspections")
