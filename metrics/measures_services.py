"""Writing measures read from a spreadsheet (metrics.measures_import) into a plan: goals at
level 1, objectives at level 2, metrics under the objectives, and their targets and actuals
as approved historical values, each with its history row.

The command and the wizard both call `import_measures`. It matches what is stored by the
folded names (case, spaces and punctuation ignored), writes only what differs, and never
deletes: importing the same file twice writes nothing the second time. One transaction:
all or nothing, and a dry run rolls it back after counting what it would write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from metrics.measures_cells import fold
from metrics.measures_import import MeasureSpec, ParsedMeasures, PeriodValue, Problem
from metrics.models import Measurement, Target
from plans.models import Metric, Office, Plan, PlanElement, User

REASON = "Imported from {source}"
REFUSED = "{count} row(s) cannot be imported; nothing was saved."
TITLE_NEEDED = "There is no plan {slug!r}: give a title to create it."
OWNER_NEEDED = "There is no plan {slug!r}: name the office that owns it to create it."
BAD_PLAN = "The plan cannot be created: {error}"
UNKNOWN_OFFICE = "Office {office!r} is not an office's code or name ({count} row(s) need it)."
MILESTONE = "{metric!r} is a milestone metric: it takes a status and a date, not numbers."
NOT_PERCENT = (
    "{metric!r} is a percentage (numerator and denominator) metric; the unit must be a percentage."
)
IN_REVIEW = (
    "{period} of {metric!r} has a {status} value in the quarterly workflow; approve or return "
    "it before importing over it."
)
TALLIES = ("goals", "objectives", "metrics", "targets", "actuals")
TARGET_FIELDS = ["value", "min_value", "max_value", "version", "updated_by", "updated_at"]
ACTUAL_FIELDS = [
    "value",
    "numerator",
    "denominator",
    "not_available",
    "not_available_reason",
    "explanation",
    "status",
    "version",
    "entered_by",
    "entered_at",
    "reviewed_by",
    "reviewed_at",
]
AVERAGED_UNITS = ("percent", "score")  # a new quarterly metric of these averages its quarters


class MeasuresImportError(Exception):
    """Nothing was saved; `problems` lists the rows that stopped the import, if any."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, *, created: bool, changed: bool) -> None:
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass(frozen=True)
class Change:
    """A goal, objective or metric the import creates or changes, for the preview."""

    kind: str
    action: str
    label: str
    detail: str = ""


@dataclass
class ImportReport:
    plan: Plan
    plan_created: bool
    dry_run: bool
    rows_read: int
    problems: list[Problem]
    warnings: list[Problem]
    tallies: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in TALLIES})
    changes: list[Change] = field(default_factory=list)

    @property
    def skipped_rows(self) -> int:
        return len({problem.row for problem in self.problems})

    @property
    def grouped_changes(self) -> list[tuple[str, list[Change]]]:
        """[("Goals", [...]), ("Metrics", [...])] in TALLIES order, kinds without changes left
        out: what the preview lists."""
        groups = [(k, [c for c in self.changes if c.kind == k]) for k in TALLIES]
        return [(kind.capitalize(), changes) for kind, changes in groups if changes]

    def summary(self) -> list[str]:
        """ "Goals: 2 created, 0 updated, 1 unchanged." per kind of row."""
        return [f"{kind.capitalize()}: {self.tallies[kind]}." for kind in TALLIES]


@transaction.atomic
def import_measures(
    *,
    parsed: ParsedMeasures,
    plan_slug: str,
    source: str,
    title: str = "",
    owner: Office | None = None,
    user: User | None = None,
    skip_bad_rows: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Creates or updates the plan `plan_slug` from the parsed file.

    Rows the parser refused, and rows the database refuses (an unknown office, a milestone
    metric, a value still in review), stop the whole import with MeasuresImportError unless
    `skip_bad_rows`; then they are left out and listed in the report. A new plan needs
    `title` and `owner`. Costs five queries to load the plan's elements, metrics, targets,
    values and the offices, one write per new or changed element or metric, and a handful
    of bulk queries for any number of values.
    """
    plan, created = _plan(plan_slug, title, owner, parsed, user)
    stored = _Stored(plan)
    problems, dropped = stored.check(parsed.measures)
    problems = sorted([*parsed.problems, *problems], key=lambda p: p.row)
    if problems and not skip_bad_rows:
        raise MeasuresImportError(REFUSED.format(count=len({p.row for p in problems})), problems)
    report = ImportReport(plan, created, dry_run, parsed.rows_read, problems, parsed.warnings)
    bad = {p.row for p in problems}
    writer = _Writer(plan, stored, report, user, REASON.format(source=source))
    for spec in parsed.measures:
        if spec.key not in dropped:
            writer.write(spec, [v for v in spec.values if v.row not in bad])
    writer.flush()
    if dry_run:
        transaction.set_rollback(True)
    return report


def _plan(
    slug: str, title: str, owner: Office | None, parsed: ParsedMeasures, user: User | None
) -> tuple[Plan, bool]:
    """The plan, its title changed if a new one is given; or a new draft plan named Goal ->
    Objective, over the fiscal years the file covers."""
    plan = Plan.objects.select_related("owner").filter(slug=slug).first()
    if plan is not None:
        if title and plan.title != title:
            plan.title = title
            _stamp(plan, user, "Title changed by a measures import")
            plan.save(update_fields=["title", "updated_at"])
        return plan, False
    if not title:
        raise MeasuresImportError(TITLE_NEEDED.format(slug=slug))
    if owner is None:
        raise MeasuresImportError(OWNER_NEEDED.format(slug=slug))
    years = [v.fiscal_year for spec in parsed.measures for v in spec.values]
    plan = Plan(
        slug=slug,
        title=title,
        owner=owner,
        level_1_name="Goal",
        level_2_name="Objective",
        level_3_name="",
        start_fiscal_year=min(years, default=None),
        end_fiscal_year=max(years, default=None),
    )
    try:
        plan.full_clean()
    except ValidationError as error:
        messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
        raise MeasuresImportError(BAD_PLAN.format(error=messages)) from None
    _stamp(plan, user, "Created by a measures import")
    plan.save()
    return plan, True


def _stamp(row: Any, user: User | None, reason: str) -> None:
    """Says who changes the row and why, for the history row written with it."""
    row._history_user = user
    row._change_reason = reason


def _assign(obj: Any, values: dict[str, Any]) -> list[str]:
    """Sets the values on `obj`; the names of those that differed."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


class _Stored:
    """What the plan already holds, keyed the way the file's names are matched."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        offices = list(Office.objects.all())
        self.offices = {fold(office.name): office for office in offices}
        self.offices |= {fold(office.code): office for office in offices}  # codes win
        elements = list(plan.elements.order_by("level", "order", "pk"))
        self.used_numbers = {e.number for e in elements}
        self.goals: dict[str, PlanElement] = {}
        self.objectives: dict[tuple[int, str], PlanElement] = {}
        self.last_order: dict[int | None, int] = {}
        for element in elements:
            self._remember_element(element)
        self.metrics: dict[tuple[int, str], Metric] = {}
        for metric in Metric.objects.filter(element__plan=plan).order_by("order", "pk"):
            self._remember_metric(metric)
        targets = (
            Target.objects.select_for_update(of=("self",))
            .filter(metric__element__plan=plan)
            .order_by("pk")
        )
        self.targets = {(t.metric_id, t.fiscal_year, t.quarter): t for t in targets}
        actuals = (
            Measurement.objects.select_for_update(of=("self",))
            .filter(metric__element__plan=plan)
            .order_by("pk")
        )
        self.actuals = {(m.metric_id, m.fiscal_year, m.quarter): m for m in actuals}

    def _remember_element(self, element: PlanElement) -> None:
        if element.level == 1:
            self.goals.setdefault(fold(element.title), element)
        elif element.level == 2:
            self.objectives.setdefault((element.parent_id, fold(element.title)), element)
        self.used_numbers.add(element.number)
        previous = self.last_order.get(element.parent_id, 0)
        self.last_order[element.parent_id] = max(previous, element.order)

    def _remember_metric(self, metric: Metric) -> None:
        self.metrics.setdefault((metric.element_id, fold(metric.name)), metric)
        previous = self.last_order.get(-metric.element_id, 0)  # metrics' order, by element
        self.last_order[-metric.element_id] = max(previous, metric.order)

    def metric_for(self, spec: MeasureSpec) -> Metric | None:
        goal = self.goals.get(spec.goal_key)
        objective = goal and self.objectives.get((goal.pk, spec.objective_key[1]))
        return objective and self.metrics.get((objective.pk, spec.key[2]))

    def check(self, measures: list[MeasureSpec]) -> tuple[list[Problem], set[tuple]]:
        """What the file asks that the database cannot take: the problems, and the measures
        to leave out whole (their office or their kind does not fit)."""
        problems, dropped = [], set()
        for spec in measures:
            first = spec.values[0] if spec.values else None
            row, line = (first.row, first.line) if first else (spec.rows[0], spec.rows[0])
            message = self._measure_problem(spec)
            if message:
                problems.append(Problem(row, line, message))
                dropped.add(spec.key)
            elif metric := self.metric_for(spec):
                problems += self._in_review(spec, metric)
        return problems, dropped

    def _measure_problem(self, spec: MeasureSpec) -> str | None:
        if spec.office and fold(spec.office) not in self.offices:
            return UNKNOWN_OFFICE.format(office=spec.office, count=len(spec.rows))
        metric = self.metric_for(spec)
        if metric is not None and metric.kind == Metric.Kind.MILESTONE:
            return MILESTONE.format(metric=metric.name)
        if (
            metric is not None
            and metric.kind == Metric.Kind.PERCENTAGE
            and spec.unit is not None
            and spec.unit.unit != Metric.Unit.PERCENT
        ):
            return NOT_PERCENT.format(metric=metric.name)
        return None

    def _in_review(self, spec: MeasureSpec, metric: Metric) -> list[Problem]:
        """An approved value may be replaced by the file's; one in the workflow may not."""
        problems = []
        for value in spec.values:
            stored = self.actuals.get((metric.pk, value.fiscal_year, value.quarter))
            if value.actual is not None and stored and stored.status != Measurement.Status.APPROVED:
                message = IN_REVIEW.format(
                    period=value.label,
                    metric=metric.name,
                    status=stored.get_status_display().lower(),
                )
                problems.append(Problem(value.row, value.line, message))
        return problems


class _Writer:
    """Upserts one measure at a time: its goal, objective and metric are saved at once (a
    few rows), its values gathered and written in bulk by `flush`."""

    def __init__(
        self, plan: Plan, stored: _Stored, report: ImportReport, user: User | None, reason: str
    ) -> None:
        self.plan, self.stored, self.report = plan, stored, report
        self.user, self.reason = user, reason
        self.now: datetime = timezone.now()
        self.seen: set[int] = set()
        self.new_targets: list[Target] = []
        self.changed_targets: list[Target] = []
        self.new_actuals: list[Measurement] = []
        self.changed_actuals: list[Measurement] = []

    def write(self, spec: MeasureSpec, values: list[PeriodValue]) -> None:
        goal = self._goal(spec)
        objective = self._objective(spec, goal)
        metric = self._metric(spec, objective)
        for value in values:
            if value.has_target:
                self._target(metric, value)
            if value.actual is not None:
                self._actual(metric, value)

    def _goal(self, spec: MeasureSpec) -> PlanElement:
        goal = self.stored.goals.get(spec.goal_key)
        if goal is None:
            goal = self._new_element(spec.goal, parent=None, kind="goals")
            self.stored.goals[spec.goal_key] = goal
        self._count_element(goal, "goals")
        return goal

    def _objective(self, spec: MeasureSpec, goal: PlanElement) -> PlanElement:
        key = (goal.pk, spec.objective_key[1])
        objective = self.stored.objectives.get(key)
        if objective is None:
            objective = self._new_element(spec.objective, parent=goal, kind="objectives")
            self.stored.objectives[key] = objective
        self._count_element(objective, "objectives")
        return objective

    def _new_element(self, title: str, *, parent: PlanElement | None, kind: str) -> PlanElement:
        """The next free number under the parent (1, 2 ... or 1.1, 1.2 ...), last in order."""
        prefix = f"{parent.number}." if parent else ""
        number = next(
            f"{prefix}{n}"
            for n in range(1, 10_000)
            if f"{prefix}{n}" not in self.stored.used_numbers
        )
        parent_id = parent.pk if parent else None
        element = PlanElement(
            plan=self.plan,
            parent=parent,
            level=parent.level + 1 if parent else 1,
            number=number,
            title=title,
            order=self.stored.last_order.get(parent_id, 0) + 1,
        )
        _stamp(element, self.user, self.reason)
        element.save()
        self.stored._remember_element(element)
        self.report.tallies[kind].created += 1
        self.report.changes.append(Change(kind, "created", f"{number} {title}"))
        self.seen.add(element.pk)
        return element

    def _count_element(self, element: PlanElement, kind: str) -> None:
        """Counts a stored element once, however many measures it holds."""
        if element.pk not in self.seen:
            self.seen.add(element.pk)
            self.report.tallies[kind].unchanged += 1

    def _metric(self, spec: MeasureSpec, objective: PlanElement) -> Metric:
        key = (objective.pk, spec.key[2])
        metric = self.stored.metrics.get(key)
        is_new = metric is None
        if metric is None:
            metric = Metric(
                element=objective,
                name=spec.name,
                frequency=spec.frequency,
                owner_office_id=self.plan.owner_id,
                order=self.stored.last_order.get(-objective.pk, 0) + 1,
            )
        changed = _assign(metric, _metric_fields(spec, metric, is_new, self.stored.offices))
        if is_new or changed:
            _stamp(metric, self.user, self.reason)
            metric.save()
            self.stored._remember_metric(metric)
        self.report.tallies["metrics"].add(created=is_new, changed=bool(changed))
        if is_new or changed:
            detail = "" if is_new else ", ".join(name.removesuffix("_id") for name in changed)
            action = "created" if is_new else "updated"
            self.report.changes.append(Change("metrics", action, metric.name, detail))
        return metric

    def _target(self, metric: Metric, value: PeriodValue) -> None:
        fields = {
            "value": value.target,
            "min_value": value.min_target,
            "max_value": value.max_target,
        }
        target = self.stored.targets.get((metric.pk, value.fiscal_year, value.quarter))
        if target is None:
            target = Target(
                metric=metric, fiscal_year=value.fiscal_year, quarter=value.quarter, **fields
            )
            self.new_targets.append(target)
        elif _assign(target, fields):
            target.version += 1
            target.updated_at = self.now
            self.changed_targets.append(target)
        else:
            self.report.tallies["targets"].unchanged += 1
            return
        target.updated_by = self.user
        _stamp(target, self.user, self.reason)

    def _actual(self, metric: Metric, value: PeriodValue) -> None:
        stored = self.stored.actuals.get((metric.pk, value.fiscal_year, value.quarter))
        fields: dict[str, Any] = {
            "value": value.actual,
            "not_available": False,
            "not_available_reason": "",
            "status": Measurement.Status.APPROVED,
        }
        if value.notes is not None:
            fields["explanation"] = value.notes
        if metric.kind == Metric.Kind.PERCENTAGE and (
            stored is None or stored.value != value.actual
        ):
            fields |= {"numerator": None, "denominator": None}  # they no longer give the value
        if stored is None:
            stored = Measurement(
                metric=metric, fiscal_year=value.fiscal_year, quarter=value.quarter, **fields
            )
            self.new_actuals.append(stored)
        elif _assign(stored, fields):
            stored.version += 1
            self.changed_actuals.append(stored)
        else:
            self.report.tallies["actuals"].unchanged += 1
            return
        stored.entered_by = stored.reviewed_by = self.user
        stored.entered_at = stored.reviewed_at = self.now
        _stamp(stored, self.user, self.reason)

    def flush(self) -> None:
        """Writes the gathered values and their history rows: a handful of queries."""
        history = {"default_user": self.user, "default_change_reason": self.reason}
        if self.new_targets:
            bulk_create_with_history(self.new_targets, Target, **history)
        if self.changed_targets:
            bulk_update_with_history(self.changed_targets, Target, TARGET_FIELDS, **history)
        if self.new_actuals:
            bulk_create_with_history(self.new_actuals, Measurement, **history)
        if self.changed_actuals:
            bulk_update_with_history(self.changed_actuals, Measurement, ACTUAL_FIELDS, **history)
        tallies = self.report.tallies
        tallies["targets"].created += len(self.new_targets)
        tallies["targets"].updated += len(self.changed_targets)
        tallies["actuals"].created += len(self.new_actuals)
        tallies["actuals"].updated += len(self.changed_actuals)


def _metric_fields(
    spec: MeasureSpec, metric: Metric, is_new: bool, offices: dict[str, Office]
) -> dict[str, Any]:
    """What the file states about the metric; what it leaves blank keeps the stored value
    (or the default of a new metric)."""
    fields: dict[str, Any] = {}
    if spec.office:
        fields["owner_office_id"] = offices[fold(spec.office)].pk
    if spec.unit is not None:
        fields["unit"], fields["unit_label"] = spec.unit.unit, spec.unit.label
    fields["aggregation"] = _aggregation(spec, metric, is_new)
    if spec.direction:
        fields["direction"] = spec.direction
    if spec.description:
        fields["definition"] = spec.description
    fields |= _limits(spec, metric)
    return fields


def _aggregation(spec: MeasureSpec, metric: Metric, is_new: bool) -> str:
    """Cumulative when the unit says so; a new metric of percentages or scores averages its
    quarters, others add them up; a stated non-cumulative unit ends a cumulative one."""
    unit = spec.unit.unit if spec.unit else metric.unit
    if spec.unit is not None and spec.unit.cumulative:
        return Metric.Aggregation.CUMULATIVE
    stated_otherwise = spec.unit is not None and metric.aggregation == Metric.Aggregation.CUMULATIVE
    if is_new or stated_otherwise:
        return Metric.Aggregation.AVERAGE if unit in AVERAGED_UNITS else Metric.Aggregation.SUM
    return metric.aggregation


def _limits(spec: MeasureSpec, metric: Metric) -> dict[str, Any]:
    """A declared scale sets the range; otherwise the range only widens, so that the entry
    forms accept values like the history the file gives."""
    if spec.limits_declared:
        return {"allowed_min": spec.allowed_min, "allowed_max": spec.allowed_max}
    fields = {}
    low, high = spec.allowed_min, spec.allowed_max
    if low is not None and (metric.allowed_min is None or low < metric.allowed_min):
        fields["allowed_min"] = low
    if high is not None and (metric.allowed_max is None or high > metric.allowed_max):
        fields["allowed_max"] = high
    return fields
