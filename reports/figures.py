"""Figures as sentences bound to data: the template language of report text, how amounts
are written, and how a year-over-year comparison is phrased. Pure: no database.

A report's text is written by staff with placeholders filled from approved values:

    In FY {year}, ICE removed {value} aliens.
    Seized more than {metric:Narcotics seized (pounds)} of narcotics, including {value}
    of fentanyl, {comparison}.

Placeholders (`{name}`, `{name:argument}`, `{name|option}`, `{name:argument|option}`):

- `{value}` the block's own metric; `{metric:NAME}` another metric of the plan, by name.
  Options: `full` (185,884; $1,800,000,000), `short` ($1.8 billion), `words` (six),
  `number` (digits only). By default dollars and pounds of a million or more are
  written short and everything else in full.
- `{comparison}` / `{comparison:NAME}` the change from the prior fiscal year, computed
  when the prior year's approved value exists ("a 65% increase from FY 2019"; option
  `short`: "up 65% from FY 2019"), otherwise the comparison stated with the value; when
  there is neither, the placeholder disappears with the comma or space before it.
- `{name}` / `{name:NAME}` a metric's name; `{year}`, `{prior_year}` the fiscal years.
- `{note}` / `{note:NAME}` where a metric's footnote markers go (by default, at the end of
  the sentence); `{footnote:TEXT}` a footnote of the narrative itself.
- `{{` and `}}` are literal braces.

Footnotes are numbered in order of first appearance across the whole report, and the
same text always gets the same number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from reports.documents import Footnote, Run

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
OPTIONS = frozenset({"full", "short", "words", "number"})
SHORT_UNITS = frozenset({"dollars", "pounds"})
# A number written as a word keeps its unit as a word: "six pounds", "two percent".
WORD_UNITS = {
    "pounds": "pounds",
    "days": "days",
    "hours": "hours",
    "percent": "percent",
    "dollars": "dollars",
}
MILLION = Decimal(1_000_000)
BILLION = Decimal(1_000_000_000)
TRILLION = Decimal(1_000_000_000_000)
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_TRAILING_JOINER = re.compile(r"[,;]?\s*$")
_FINAL_PUNCTUATION = re.compile(r"[.!?:;]\s*$")


class TemplateError(ValueError):
    """A template that cannot be filled; the message says what to fix."""


class MissingValue(LookupError):
    """A metric the text refers to has no approved value for the year."""

    def __init__(self, metric_name: str) -> None:
        super().__init__(f"No approved value for “{metric_name}”.")
        self.metric_name = metric_name


@dataclass(frozen=True)
class FigureData:
    """What a sentence may say about one metric for one fiscal year."""

    metric_id: int
    name: str
    unit: str
    value: Decimal | None
    prior_value: Decimal | None = None
    stated_comparison: str = ""
    notes: tuple[str, ...] = ()
    unit_label: str = ""
    office: str = ""
    source: str = ""


@dataclass
class Footnotes:
    """Footnote numbers in order of first appearance; one number per distinct text."""

    _numbers: dict[str, int] = field(default_factory=dict)

    def number(self, text: str) -> int:
        key = " ".join(text.split())
        if key not in self._numbers:
            self._numbers[key] = len(self._numbers) + 1
        return self._numbers[key]

    def mark(self) -> dict[str, int]:
        return dict(self._numbers)

    def reset(self, mark: dict[str, int]) -> None:
        self._numbers = mark

    def as_tuple(self) -> tuple[Footnote, ...]:
        return tuple(Footnote(number, text) for text, number in self._numbers.items())


def metric_notes(data_source: str, data_quality_notes: str) -> tuple[str, ...]:
    """A metric's footnotes: its data source, then each paragraph of its data-quality
    notes (paragraphs are separated by a blank line)."""
    notes = [data_source.strip()] if data_source.strip() else []
    notes += [" ".join(p.split()) for p in re.split(r"\n\s*\n", data_quality_notes) if p.strip()]
    return tuple(dict.fromkeys(notes))


# Amounts ---------------------------------------------------------------------------------


def _plain(value: Decimal) -> str:
    text = format(abs(value).normalize(), "f")
    whole, _, fraction = text.partition(".")
    sign = "-" if value < 0 else ""
    return f"{sign}{int(whole):,}" + (f".{fraction}" if fraction else "")


def _short(value: Decimal) -> str:
    """Millions and more in words, to three significant digits: 18,805,833 -> "18.8
    million"; 8,030,000,000 -> "8.03 billion"; 999,999,999 -> "1 billion"."""
    scales = ((MILLION, "million"), (BILLION, "billion"), (TRILLION, "trillion"))
    chosen = [index for index, (size, _word) in enumerate(scales) if abs(value) >= size]
    if not chosen:
        return _plain(value)
    index = chosen[-1]
    while True:
        size, word = scales[index]
        rounded = _three_digits(value / size)
        # Rounding can reach the next scale: 999.9995 million is 1 billion.
        if abs(rounded) < 1000 or index == len(scales) - 1:
            return f"{_plain(rounded)} {word}"
        index += 1


def _three_digits(scaled: Decimal) -> Decimal:
    places = 0 if abs(scaled) >= 100 else 1 if abs(scaled) >= 10 else 2
    return scaled.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_amount(value: Decimal, unit: str, option: str = "") -> str:
    """185884 count -> "185,884"; 1800000000 dollars -> "$1.8 billion"; 6105 pounds ->
    "6,105 pounds"; 96 percent -> "96%"; 6 count with `words` -> "six"."""
    if option and option not in OPTIONS:
        raise TemplateError(f"Unknown option “{option}”: use one of {', '.join(sorted(OPTIONS))}.")
    if option == "number":
        return _plain(value)
    if option == "words" and value == value.to_integral_value() and 0 <= value <= 9:
        word = NUMBER_WORDS[int(value)]
        return f"{word} {WORD_UNITS[unit]}" if unit in WORD_UNITS else word
    short = option == "short" or (
        option != "full" and unit in SHORT_UNITS and abs(value) >= MILLION
    )
    digits = _short(value) if short else _plain(value)
    if unit == "percent":
        return f"{digits}%"
    if unit == "dollars":
        return f"-${digits[1:]}" if digits.startswith("-") else f"${digits}"
    if unit in ("pounds", "days", "hours"):
        return f"{digits} {unit}"
    return digits


# Comparisons -----------------------------------------------------------------------------


def _rounded_percent(change: Decimal) -> Decimal:
    step = Decimal("0.1") if abs(change) < 1 else Decimal(1)
    return change.quantize(step, rounding=ROUND_HALF_UP)


def compare(
    value: Decimal, prior: Decimal, *, unit: str, prior_year: int, short: bool = False
) -> str:
    """The change from the prior fiscal year in words. Percentages change by percentage
    points; other amounts by percent of the prior value."""
    since = f"FY {prior_year}"
    if value == prior:
        return f"unchanged from {since}" if short else f"no change from {since}"
    rising = value > prior
    if unit == "percent":
        amount = f"{_plain(abs(value - prior))} percentage points"
    elif prior == 0:
        return f"{'up' if rising else 'down'} from zero in {since}"
    else:
        change = _rounded_percent(abs(value - prior) / abs(prior) * 100)
        # A change too small to show at one decimal is not "0%": it is a change.
        amount = f"{_plain(change)}%" if change else "less than 0.1%"
        if not change and not short:
            return f"{'an increase' if rising else 'a decrease'} of {amount} from {since}"
    if short:
        return f"{'up' if rising else 'down'} {amount} from {since}"
    if unit == "percent":
        return f"{'an increase' if rising else 'a decrease'} of {amount} from {since}"
    return f"a {amount} {'increase' if rising else 'decrease'} from {since}"


def comparison_text(figure: FigureData, *, year: int, short: bool = False) -> str:
    """Computed when both years have values, else the stated comparison, else ""."""
    if figure.value is not None and figure.prior_value is not None:
        return compare(
            figure.value, figure.prior_value, unit=figure.unit, prior_year=year - 1, short=short
        )
    return figure.stated_comparison.strip()


# Templates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Placeholder:
    name: str
    argument: str | None
    option: str


def _tokens(template: str) -> Iterable[str | _Placeholder]:
    position = 0
    for match in _TOKEN.finditer(template):
        if match.start() > position:
            yield template[position : match.start()]
        position = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            yield token[0]
        elif match.group(1) is None:
            raise TemplateError(
                f"Unmatched “{token}” at character {match.start() + 1}: "
                "write {{ or }} for a literal brace."
            )
        else:
            yield _placeholder(match.group(1))
    if position < len(template):
        yield template[position:]


def _placeholder(inside: str) -> _Placeholder:
    """`name`, `name:argument`, `name|option` or `name:argument|option`; the argument (a
    metric's name, a footnote's text) may hold any character but braces and a bar."""
    head, bar, option = inside.rpartition("|") if "|" in inside else (inside, "", "")
    name, colon, argument = head.partition(":")
    if name != name.strip().lower() or name.strip() == "":
        raise TemplateError(
            f"Unknown placeholder “{{{inside}}}”: write placeholders in lower case without "
            "spaces, such as {value} or {metric:NAME}."
        )
    return _Placeholder(name, argument.strip() if colon else None, option.strip() if bar else "")


PLACEHOLDERS = ("value", "metric", "comparison", "name", "year", "prior_year", "note", "footnote")


def referenced_metrics(template: str, *, primary: str | None = None) -> list[str]:
    """The metric names a template refers to, in order (`primary` for `{value}` etc.).
    Raises TemplateError when the template cannot be read."""
    names: list[str] = []
    for token in _tokens(template):
        if isinstance(token, str):
            continue
        _check_placeholder(token, has_primary=primary is not None)
        if token.name in ("value", "metric", "comparison", "name", "note"):
            name = token.argument if token.argument else primary
            if name and name not in names:
                names.append(name)
    return names


def _check_placeholder(token: _Placeholder, *, has_primary: bool) -> None:
    if token.name not in PLACEHOLDERS:
        raise TemplateError(
            f"Unknown placeholder “{{{token.name}}}”: use one of "
            + ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
            + "."
        )
    if token.name in ("metric", "footnote") and not token.argument:
        raise TemplateError(f"“{{{token.name}:…}}” needs a metric name or text after the colon.")
    if token.name == "value" and token.argument:
        raise TemplateError("Write {metric:NAME} for another metric's value, not {value:NAME}.")
    needs_primary = token.name in ("value", "comparison", "name", "note") and not token.argument
    if needs_primary and not has_primary:
        named = "metric" if token.name == "value" else token.name
        raise TemplateError(
            f"“{{{token.name}}}” needs the block's metric: choose one, or name the "
            f"metric as {{{named}:NAME}}."
        )
    if token.option and token.option not in OPTIONS:
        raise TemplateError(
            f"Unknown option “|{token.option}”: use one of "
            + ", ".join(f"|{o}" for o in sorted(OPTIONS))
            + "."
        )


@dataclass
class Filler:
    """Fills templates for one report: the fiscal year, the figures by metric name, and
    the report-wide footnote numbering."""

    year: int
    figures: dict[str, FigureData]
    footnotes: Footnotes = field(default_factory=Footnotes)
    used: list[FigureData] = field(default_factory=list)

    def fill(self, template: str, primary: str | None = None) -> tuple[Run, ...]:
        """The template as runs: values bold, footnote markers as their own runs.
        Raises TemplateError for bad templates, MissingValue when a value is missing; a
        template that fails leaves no trace (no footnote numbered, no figure used)."""
        used, notes = len(self.used), self.footnotes.mark()
        try:
            return self._fill(template, primary)
        except (TemplateError, MissingValue):
            del self.used[used:]
            self.footnotes.reset(notes)
            raise

    def _fill(self, template: str, primary: str | None) -> tuple[Run, ...]:
        runs: list[Run] = []
        placed: set[str] = set()
        mentioned: list[FigureData] = []
        for token in _tokens(template):
            if isinstance(token, str):
                _append_text(runs, token)
                continue
            _check_placeholder(token, has_primary=primary is not None)
            self._fill_one(token, primary, runs, placed, mentioned)
        unplaced = [f for f in mentioned if f.name not in placed]
        # A sentence marks each footnote once, even when several of its figures share it.
        markers = [
            n
            for n in dict.fromkeys(self._numbers(t for f in unplaced for t in f.notes))
            if _marker(n) not in runs
        ]
        return _with_trailing_markers(runs, markers)

    def _figure(self, name: str) -> FigureData:
        try:
            return self.figures[name]
        except KeyError:
            raise TemplateError(f"No metric named “{name}” in this report's plan.") from None

    def _fill_one(
        self,
        token: _Placeholder,
        primary: str | None,
        runs: list[Run],
        placed: set[str],
        mentioned: list[FigureData],
    ) -> None:
        if token.name == "year":
            _append_text(runs, str(self.year))
            return
        if token.name == "prior_year":
            _append_text(runs, str(self.year - 1))
            return
        if token.name == "footnote":
            runs.append(_marker(self.footnotes.number(token.argument or "")))
            return
        figure = self._figure(token.argument or primary or "")
        if figure not in mentioned:
            mentioned.append(figure)
        if figure not in self.used:
            self.used.append(figure)
        handler: dict[str, Callable[[], None]] = {
            "value": lambda: runs.append(Run(self._amount(figure, token.option), bold=True)),
            "metric": lambda: runs.append(Run(self._amount(figure, token.option), bold=True)),
            "name": lambda: _append_text(runs, figure.name),
            "comparison": lambda: self._comparison(figure, token.option, runs),
            "note": lambda: self._notes(figure, runs, placed),
        }
        handler[token.name]()

    def _amount(self, figure: FigureData, option: str) -> str:
        if figure.value is None:
            raise MissingValue(figure.name)
        return format_amount(figure.value, figure.unit, option)

    def _comparison(self, figure: FigureData, option: str, runs: list[Run]) -> None:
        text = comparison_text(figure, year=self.year, short=option == "short")
        if text:
            _append_text(runs, text)
        elif runs and not runs[-1].bold and runs[-1].footnote is None:
            trimmed = _TRAILING_JOINER.sub("", runs[-1].text)
            runs[-1] = Run(trimmed, italic=runs[-1].italic, link=runs[-1].link)

    def _notes(self, figure: FigureData, runs: list[Run], placed: set[str]) -> None:
        placed.add(figure.name)
        runs.extend(_marker(n) for n in self._numbers(figure.notes))

    def _numbers(self, notes: Iterable[str]) -> list[int]:
        return [self.footnotes.number(note) for note in notes]


def _marker(number: int) -> Run:
    return Run(str(number), footnote=number)


def _append_text(runs: list[Run], text: str) -> None:
    """Plain text joins the previous plain run, so the runs stay few."""
    if runs and not (runs[-1].bold or runs[-1].footnote or runs[-1].italic or runs[-1].link):
        runs[-1] = Run(runs[-1].text + text)
    elif text:
        runs.append(Run(text))


def _with_trailing_markers(runs: list[Run], markers: list[int]) -> tuple[Run, ...]:
    """Footnote markers not placed by {note} go at the end of the sentence, before its
    final punctuation mark."""
    if not markers:
        return tuple(runs)
    tail = runs[-1] if runs else None
    if tail is not None and not tail.bold and tail.footnote is None:
        match = _FINAL_PUNCTUATION.search(tail.text)
        if match:
            head = tail.text[: match.start()]
            body = [*runs[:-1], *([Run(head)] if head else [])]
            return (*body, *map(_marker, markers), Run(tail.text[match.start() :]))
    return (*runs, *map(_marker, markers))
