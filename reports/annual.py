"""The annual report: its content as data, the snapshot of approved values it states, and
the document composed from the two.

Three steps, so that an issued report never changes:

1. `report_content(report)` freezes the report's text (sections and blocks) as plain data;
2. `take_snapshot(report, content)` reads the approved values the text refers to, for the
   fiscal year and the year before (for comparisons), with each metric's footnotes;
3. `compose(content, snapshot)` is pure: it fills the templates and returns the Document,
   the Excel appendix rows and the blocks it had to leave out (with the reason).

A build stores 1 and 2; rebuilding its files from them gives the same report whatever the
data has become since. `changed_figures(build)` compares a build's snapshot with today's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from metrics.models import Measurement
from metrics.rollup import QuarterValue, fiscal_year_value
from plans.hierarchy import number_key
from plans.models import Metric, Office, Plan, User
from reports import documents as doc
from reports.figures import (
    FigureData,
    Filler,
    MissingValue,
    TemplateError,
    comparison_text,
    format_amount,
    metric_notes,
    referenced_metrics,
)
from reports.models import AnnualReport, ReportBlock, ReportSection

DEFAULT_FIGURE = "{name}: {value} in FY {year}, {comparison}."


# 1. Content ------------------------------------------------------------------------------


def report_content(report: AnnualReport) -> dict[str, Any]:
    """The report's included sections and blocks as plain data (what a build freezes).
    Three queries."""
    sections = report.sections.filter(included=True).select_related("office")
    blocks = (
        ReportBlock.objects.filter(section__report=report, section__included=True, included=True)
        .select_related("metric")
        .order_by("section_id", "order", "pk")
    )
    by_section: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for block in blocks:
        by_section[block.section_id].append(
            {
                "style": block.style,
                "text": block.text,
                "metric": block.metric.name if block.metric else None,
            }
        )
    return {
        "title": report.title,
        "subtitle": report.subtitle,
        "date_label": report.date_label,
        "fiscal_year": report.fiscal_year,
        "scope": report.scope,
        "plan": report.plan.slug,
        "author": report.plan.owner.name,
        "language": report.language,
        "sections": [
            {
                "heading": section.heading,
                "office": section.office.code if section.office else None,
                "blocks": by_section.get(section.pk, []),
            }
            for section in sections
        ],
    }


# 2. Snapshot -----------------------------------------------------------------------------


def _names_in(content: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for section in content["sections"]:
        for block in section["blocks"]:
            try:
                found = referenced_metrics(block["text"], primary=block.get("metric"))
            except TemplateError:
                found = [block["metric"]] if block.get("metric") else []
            names.extend(n for n in found if n not in names)
    return names


def take_snapshot(plan: Plan, content: dict[str, Any]) -> dict[str, Any]:
    """The approved values (fiscal year and the year before) of the metrics the content
    names, with their notes and stated comparisons. Two queries."""
    year = content["fiscal_year"]
    names = _names_in(content)
    metrics = (
        Metric.objects.filter(element__plan=plan, name__in=names)
        .select_related("owner_office")
        .order_by("pk")
    )
    by_name = {metric.name: metric for metric in metrics}
    values = _fiscal_year_values(list(by_name.values()), [year - 1, year])
    figures = {}
    for name, metric in by_name.items():
        current = values.get((metric.pk, year))
        prior = values.get((metric.pk, year - 1))
        figure = FigureData(
            metric_id=metric.pk,
            name=metric.name,
            unit=metric.unit,
            value=current[0] if current else None,
            prior_value=prior[0] if prior else None,
            stated_comparison=current[1] if current else "",
            notes=metric_notes(metric.data_source, metric.data_quality_notes),
            unit_label=metric.unit_label,
            office=metric.owner_office.code if metric.owner_office else "",
            source=metric.data_source,
        )
        figures[name] = _figure_json(figure)
    return {"fiscal_year": year, "figures": figures}


def _fiscal_year_values(
    metrics: list[Metric], years: list[int]
) -> dict[tuple[int, int], tuple[Decimal, str]]:
    """(value, stated comparison) by (metric id, fiscal year): the approved annual value,
    or else the approved quarters rolled up by the metric's rule."""
    rows = (
        Measurement.objects.filter(
            metric__in=metrics, fiscal_year__in=years, status=Measurement.Status.APPROVED
        )
        .order_by()
        .values_list(
            "metric_id",
            "fiscal_year",
            "quarter",
            "value",
            "numerator",
            "denominator",
            "explanation",
        )
    )
    annual: dict[tuple[int, int], tuple[Decimal, str]] = {}
    quarters: dict[tuple[int, int], list[QuarterValue]] = defaultdict(list)
    for metric_id, year, quarter, value, numerator, denominator, explanation in rows:
        if quarter is None:
            if value is not None:
                annual[(metric_id, year)] = (value, explanation)
        else:
            quarters[(metric_id, year)].append(QuarterValue(quarter, value, numerator, denominator))
    aggregation = {metric.pk: metric.aggregation for metric in metrics}
    for key, reported in quarters.items():
        if key not in annual:
            value = fiscal_year_value(aggregation[key[0]], reported)
            if value is not None:
                annual[key] = (value, "")
    return annual


def _figure_json(figure: FigureData) -> dict[str, Any]:
    data = asdict(figure)
    for key in ("value", "prior_value"):
        data[key] = None if data[key] is None else str(data[key])
    data["notes"] = list(figure.notes)
    return data


def figure_from_json(data: dict[str, Any]) -> FigureData:
    return FigureData(
        **{
            **data,
            "value": None if data["value"] is None else Decimal(data["value"]),
            "prior_value": None if data["prior_value"] is None else Decimal(data["prior_value"]),
            "notes": tuple(data["notes"]),
        }
    )


# 3. Composition --------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    section: str
    text: str
    message: str


@dataclass(frozen=True)
class Composition:
    document: doc.Document
    appendix: tuple[doc.AppendixRow, ...]
    problems: tuple[Problem, ...]


class _SectionWriter:
    """Turns one section's blocks into document blocks and subsections: a subheading
    starts a subsection, consecutive bullets form one list, a sub-bullet nests under the
    bullet before it."""

    def __init__(self, heading: str, anchor: str) -> None:
        self.heading = heading
        self.anchor = anchor
        self.lead: list[doc.Block] = []
        self.subsections: list[tuple[str, list[doc.Block]]] = []
        self.bullets: list[tuple[tuple[doc.Run, ...], list[doc.ListItem]]] = []

    @property
    def _target(self) -> list[doc.Block]:
        return self.subsections[-1][1] if self.subsections else self.lead

    def _close_list(self) -> None:
        if self.bullets:
            items = tuple(doc.ListItem(runs, tuple(children)) for runs, children in self.bullets)
            self._target.append(doc.BulletList(items))
            self.bullets = []

    def add(self, style: str, runs: tuple[doc.Run, ...]) -> None:
        if style == ReportBlock.Style.SUBBULLET and self.bullets:
            self.bullets[-1][1].append(doc.ListItem(runs))
            return
        if style in (ReportBlock.Style.BULLET, ReportBlock.Style.SUBBULLET):
            self.bullets.append((runs, []))
            return
        self._close_list()
        if style == ReportBlock.Style.SUBHEADING:
            self.subsections.append((doc.plain_text(runs), []))
        elif style == ReportBlock.Style.SIGNATURE:
            self._target.append(doc.Paragraph(runs, "signature"))
        else:
            self._target.append(doc.Paragraph(runs))

    def section(self, used_anchors: set[str]) -> doc.Section:
        self._close_list()
        subsections = tuple(
            doc.Section(heading, _anchor(f"{self.anchor}-{heading}", used_anchors), tuple(blocks))
            for heading, blocks in self.subsections
        )
        return doc.Section(self.heading, self.anchor, tuple(self.lead), subsections)


def _anchor(text: str, used: set[str]) -> str:
    base = slugify(text)[:60] or "section"
    anchor, number = base, 2
    while anchor in used:
        anchor, number = f"{base}-{number}", number + 1
    used.add(anchor)
    return anchor


def compose(content: dict[str, Any], snapshot: dict[str, Any]) -> Composition:
    """The document, its appendix and the blocks left out. Pure."""
    year = content["fiscal_year"]
    figures = {name: figure_from_json(data) for name, data in snapshot["figures"].items()}
    filler = Filler(year, figures)
    problems: list[Problem] = []
    sections: list[doc.Section] = []
    anchors: set[str] = set()
    appendix: list[doc.AppendixRow] = []
    for section in content["sections"]:
        writer = _SectionWriter(section["heading"], _anchor(section["heading"], anchors))
        for block in section["blocks"]:
            seen = len(filler.used)
            try:
                runs = filler.fill(block["text"], primary=block.get("metric"))
            except (TemplateError, MissingValue) as error:
                problems.append(Problem(section["heading"], block["text"], str(error)))
                continue
            writer.add(block["style"], runs)
            appendix.extend(
                _appendix_row(section["heading"], figure, filler, year)
                for figure in filler.used[seen:]
            )
        sections.append(writer.section(anchors))
    document = doc.Document(
        title=content["title"],
        subtitle=content.get("subtitle", ""),
        author=content.get("author", ""),
        subject=f"Annual report, fiscal year {year}",
        date_label=content.get("date_label", ""),
        language=content.get("language", "en-US"),
        sections=tuple(sections),
        footnotes=filler.footnotes.as_tuple(),
    )
    return Composition(document, tuple(appendix), tuple(problems))


def _appendix_row(section: str, figure: FigureData, filler: Filler, year: int) -> doc.AppendixRow:
    numbers = [str(filler.footnotes.number(note)) for note in figure.notes]
    notes = "; ".join(f"{n}. {text}" for n, text in zip(numbers, figure.notes, strict=True))
    return doc.AppendixRow(
        section=section,
        metric=figure.name,
        office=figure.office,
        period=f"FY {year}",
        value=None if figure.value is None else float(figure.value),
        unit=figure.unit_label or figure.unit,
        stated_as="" if figure.value is None else format_amount(figure.value, figure.unit),
        comparison=comparison_text(figure, year=year),
        source=figure.source,
        footnotes=notes,
    )


# Changes since a build -------------------------------------------------------------------


@dataclass(frozen=True)
class FigureChange:
    name: str
    was: str
    now: str


def changed_figures(plan: Plan, snapshot: dict[str, Any]) -> list[FigureChange]:
    """The figures of a snapshot whose approved value, prior-year value or stated
    comparison differs today."""
    if not snapshot.get("figures"):
        return []
    content = {
        "fiscal_year": snapshot["fiscal_year"],
        "sections": [
            {"blocks": [{"text": "{value}", "metric": name} for name in snapshot["figures"]]}
        ],
    }
    today = take_snapshot(plan, content)["figures"]
    changes = []
    for name, then in snapshot["figures"].items():
        now = today.get(name)
        if now is None:
            changes.append(FigureChange(name, _shown(then), "metric removed or renamed"))
        elif _stated(then) != _stated(now):
            changes.append(FigureChange(name, _shown(then), _shown(now)))
    return changes


def _stated(data: dict[str, Any]) -> tuple[Decimal | None, Decimal | None, str]:
    def number(text: str | None) -> Decimal | None:
        return None if text is None else Decimal(text)

    return number(data["value"]), number(data["prior_value"]), data["stated_comparison"].strip()


def _shown(data: dict[str, Any]) -> str:
    if data["value"] is None:
        return "no approved value"
    shown = format_amount(Decimal(data["value"]), data["unit"], "full")
    stated = data["stated_comparison"].strip()
    return f"{shown} ({stated})" if stated else shown


# Creating and loading reports ------------------------------------------------------------


def default_content(*, plan: Plan, fiscal_year: int, scope: str, title: str) -> dict[str, Any]:
    """Content for a new report: by program office (each office that owns a metric of the
    plan, its mission as the introduction) or by the plan's top level (each element's
    description), each section stating its metrics' values. Three queries."""
    metrics = list(
        Metric.objects.filter(element__plan=plan).select_related("element", "owner_office")
    )
    metrics.sort(key=lambda m: (number_key(m.element.number), m.order, m.pk))
    groups = (
        _office_groups(metrics)
        if scope == AnnualReport.Scope.OFFICE
        else _plan_groups(plan, metrics)
    )
    sections = []
    for heading, office, intro, members in groups:
        blocks = [{"style": "paragraph", "text": intro, "metric": None}] if intro else []
        blocks += [{"style": "bullet", "text": DEFAULT_FIGURE, "metric": m.name} for m in members]
        sections.append({"heading": heading, "office": office, "blocks": blocks})
    return {
        "title": title,
        "subtitle": plan.owner.name,
        "date_label": "",
        "fiscal_year": fiscal_year,
        "scope": scope,
        "plan": plan.slug,
        "author": plan.owner.name,
        "language": "en-US",
        "sections": sections,
    }


Group = tuple[str, str | None, str, list[Metric]]


def _office_groups(metrics: Iterable[Metric]) -> list[Group]:
    by_office: dict[Office, list[Metric]] = defaultdict(list)
    for metric in metrics:
        if metric.owner_office:
            by_office[metric.owner_office].append(metric)
    offices = sorted(by_office, key=lambda office: office.name)
    return [(o.name, o.code, o.description, by_office[o]) for o in offices]


def _plan_groups(plan: Plan, metrics: Iterable[Metric]) -> list[Group]:
    tops = list(plan.elements.filter(level=1))
    tops.sort(key=lambda element: number_key(element.number))
    for top in tops:
        top.plan = plan  # level_name reads the plan's level names
    by_top: dict[int, list[Metric]] = defaultdict(list)
    prefix = {top.pk: f"{top.number}." for top in tops}
    for metric in metrics:
        for top in tops:
            number = metric.element.number
            if number == top.number or number.startswith(prefix[top.pk]):
                by_top[top.pk].append(metric)
                break
    return [
        (f"{top.level_name} {top.number}: {top.title}", None, top.description, by_top[top.pk])
        for top in tops
    ]


@transaction.atomic
def load_report_content(data: dict[str, Any], *, user: User | None = None) -> AnnualReport:
    """A report from content data (the shape `report_content` returns), replacing the
    sections of a report with the same plan, year and title. Unknown metric or office
    names raise ValueError naming them."""
    plan = Plan.objects.get(slug=data["plan"])
    metrics = {m.name: m for m in Metric.objects.filter(element__plan=plan)}
    offices = {o.code: o for o in Office.objects.all()}
    details = {
        "scope": data["scope"],
        "subtitle": data.get("subtitle", ""),
        "date_label": data.get("date_label", ""),
        "language": data.get("language", "en-US"),
    }
    # create_defaults replaces defaults when the row is new, so it repeats them.
    report, _ = AnnualReport.objects.update_or_create(
        plan=plan,
        fiscal_year=data["fiscal_year"],
        title=data["title"],
        defaults=details,
        create_defaults={**details, "created_by": user},
    )
    report.sections.all().delete()
    for order, section_data in enumerate(data["sections"], start=1):
        code = section_data.get("office")
        if code and code not in offices:
            raise ValueError(f"Unknown office “{code}” in section “{section_data['heading']}”.")
        section = ReportSection.objects.create(
            report=report, order=order, heading=section_data["heading"], office=offices.get(code)
        )
        blocks = []
        for number, block in enumerate(section_data["blocks"], start=1):
            name = block.get("metric")
            if name and name not in metrics:
                raise ValueError(f"Unknown metric “{name}” in section “{section.heading}”.")
            blocks.append(
                ReportBlock(
                    section=section,
                    order=number,
                    style=block.get("style", ReportBlock.Style.PARAGRAPH),
                    text=block["text"],
                    metric=metrics.get(name) if name else None,
                )
            )
        ReportBlock.objects.bulk_create(blocks)
    return report
