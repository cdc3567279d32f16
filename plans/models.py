"""Organisation, plans, their hierarchy and metric definitions.

The hierarchy is one table of elements with a foreign key to the parent element: goal ->
objective -> sub-objective (or line of effort -> goal -> action, or goal -> objective ->
strategy). Each plan names its own three levels; the element stores its depth and its number
exactly as the plan writes it. Measurements and targets live in `metrics`, which depends on
this app and never the other way round.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from plans.audit_models import AuditEvent as AuditEvent  # the audit trail's table
from plans.organisation import OfficeTree

UNKNOWN_TITLE = "Title not given in the source"
MAX_LEVELS = 3


class User(AbstractUser):
    """A person signed in to the system; what they may do comes from their memberships."""

    @property
    def is_administrator(self) -> bool:
        return self.is_active and self.is_superuser


class OfficeQuerySet(models.QuerySet["Office"]):
    def tree(self) -> OfficeTree:
        """The whole office tree, from one query of `(id, parent_id)` pairs."""
        return OfficeTree(self.values_list("id", "parent_id"))


class Office(models.Model):
    """A unit of the organisation: department, agency, directorate or program office."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "Department"
        AGENCY = "agency", "Agency or component"
        DIRECTORATE = "directorate", "Directorate"
        PROGRAM_OFFICE = "program_office", "Program office"

    code = models.CharField(max_length=20, unique=True, help_text="Abbreviation: ERO, S&T.")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(blank=True, help_text="The office's mission as it states it.")

    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="office_is_not_its_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Membership(models.Model):
    """A role a user holds in an office. A user may hold several roles in several offices."""

    class Role(models.TextChoices):
        DATA_STEWARD = "data_steward", "Data steward"
        OFFICE_APPROVER = "office_approver", "Office approver"
        WORKING_GROUP_LEAD = "working_group_lead", "Working-group lead"
        REPORTING_STAFF = "reporting_staff", "Reporting staff"
        VIEWER = "viewer", "Viewer"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["office__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "office", "role"], name="membership_unique_role_per_office"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} - {self.office.code}"


class Plan(models.Model):
    """A strategic or implementation plan, with its own names for its levels."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True)
    owner = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="plans")
    start_fiscal_year = models.PositiveSmallIntegerField(null=True, blank=True)
    end_fiscal_year = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    mission = models.TextField(blank=True)
    vision = models.TextField(blank=True)
    values = models.TextField(blank=True, help_text="Core values, one per line.")
    level_1_name = models.CharField(max_length=50, default="Goal")
    level_2_name = models.CharField(max_length=50, default="Objective")
    level_3_name = models.CharField(max_length=50, default="Sub-objective", blank=True)
    at_risk_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=10,
        help_text="A metric short of its target by no more than this percentage is at risk; "
        "further short, off track.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(at_risk_percent__gte=0, at_risk_percent__lte=100),
                name="plan_at_risk_percent_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(start_fiscal_year__isnull=True)
                | Q(end_fiscal_year__isnull=True)
                | Q(start_fiscal_year__lte=F("end_fiscal_year")),
                name="plan_fiscal_years_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:plan-detail", args=[self.slug])

    @property
    def level_names(self) -> list[str]:
        names = [self.level_1_name, self.level_2_name, self.level_3_name]
        return [name for name in names if name]

    def level_name(self, level: int) -> str:
        return self.level_names[level - 1]

    @property
    def fiscal_year_span(self) -> str:
        """ "FY2021-FY2025", "FY2024", or "" when the source gives no years."""
        start, end = self.start_fiscal_year, self.end_fiscal_year
        if start and end and start != end:
            return f"FY{start}-FY{end}"
        return f"FY{start or end}" if (start or end) else ""

    @property
    def values_list(self) -> list[str]:
        return [line for line in self.values.splitlines() if line.strip()]


class PlanElementQuerySet(models.QuerySet["PlanElement"]):
    def in_outline_order(self) -> PlanElementQuerySet:
        """Parents before their children, siblings in the plan's order.

        Use it through `plan.elements` so that each element's `plan` comes without a query.
        """
        return self.order_by("level", "order")

    def with_metric_count(self) -> PlanElementQuerySet:
        """Adds `metric_count`: the metrics hung directly under each element."""
        return self.annotate(metric_count=Count("metrics", distinct=True))


class PlanElement(models.Model):
    """A goal, objective, sub-objective, line of effort, action or strategy of a plan.

    `title` is empty when the source document does not give it: such an element is shown
    as unknown, never given an invented title.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="elements")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    level = models.PositiveSmallIntegerField(help_text="1 for the top level.")
    number = models.CharField(max_length=30, help_text="As the plan writes it: 1, 1.1, 1.1.1.")
    title = models.CharField(max_length=1000, blank=True)
    description = models.TextField(blank=True)
    outcomes = models.JSONField(default=list, blank=True, help_text="Expected outcomes (actions).")
    order = models.PositiveIntegerField(default=0, help_text="Position among its siblings.")

    history = HistoricalRecords()
    objects = PlanElementQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "level", "order"]
        constraints = [
            # Numbers are unique across the whole plan, so also within every parent.
            models.UniqueConstraint(fields=["plan", "number"], name="element_number_unique"),
            models.CheckConstraint(
                condition=Q(level=1, parent__isnull=True)
                | Q(level__gt=1, level__lte=MAX_LEVELS, parent__isnull=False),
                name="element_level_matches_parent",
            ),
            models.CheckConstraint(condition=~Q(number=""), name="element_number_not_blank"),
        ]
        indexes = [models.Index(fields=["parent", "order"])]

    def __str__(self) -> str:
        return f"{self.number} {self.display_title}"

    def get_absolute_url(self) -> str:
        return reverse("plans:element-detail", args=[self.plan.slug, self.number])

    @property
    def is_title_known(self) -> bool:
        return bool(self.title)

    @property
    def display_title(self) -> str:
        return self.title or UNKNOWN_TITLE

    @property
    def level_name(self) -> str:
        """Reads `self.plan`: one query unless it was selected with the element."""
        return self.plan.level_name(self.level)


class MetricQuerySet(models.QuerySet["Metric"]):
    def for_plan(self, plan: Plan) -> MetricQuerySet:
        """Metrics hung under any element of the plan, with element and owner selected."""
        return self.filter(element__plan=plan).select_related("element", "owner_office")


class Metric(models.Model):
    """A performance measure: what is counted, how, by whom, and how quarters add up."""

    class Kind(models.TextChoices):
        NUMERIC = "numeric", "Numeric"
        PERCENTAGE = "percentage", "Percentage (numerator and denominator)"
        MILESTONE = "milestone", "Milestone"

    class Unit(models.TextChoices):
        COUNT = "count", "Count"
        PERCENT = "percent", "Percent"
        DOLLARS = "dollars", "Dollars"
        POUNDS = "pounds", "Pounds"
        DAYS = "days", "Days"
        HOURS = "hours", "Hours"
        SCORE = "score", "Score"
        EVENTS = "events", "Events"
        OTHER = "other", "Other"

    class Direction(models.TextChoices):
        INCREASE = "increase", "Increase is better"
        DECREASE = "decrease", "Decrease is better"
        RANGE = "range", "Stay within a range"

    class Aggregation(models.TextChoices):
        SUM = "sum", "Sum of the quarters"
        LATEST = "latest", "Latest quarter"
        AVERAGE = "average", "Average of the quarters"
        CUMULATIVE = "cumulative", "Cumulative (judged year to date)"

    class Frequency(models.TextChoices):
        QUARTERLY = "quarterly", "Quarterly"
        ANNUAL = "annual", "Annual"

    element = models.ForeignKey(PlanElement, on_delete=models.PROTECT, related_name="metrics")
    name = models.CharField(max_length=500)
    definition = models.TextField(blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.NUMERIC)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.COUNT)
    unit_label = models.CharField(
        max_length=50, blank=True, help_text='What is counted, when not obvious: "aliens".'
    )
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    aggregation = models.CharField(
        max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    compares_with_prior_year = models.BooleanField(
        default=False, help_text="The measure is stated against the previous fiscal year."
    )
    allowed_min = models.DecimalField(
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Lowest value accepted; empty means the unit's default (0 for most units).",
    )
    allowed_max = models.DecimalField(
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Highest value accepted; empty means the unit's default (100 for percent).",
    )
    baseline_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    baseline_fiscal_year = models.PositiveSmallIntegerField(null=True, blank=True)
    owner_office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="metrics")
    data_source = models.TextField(blank=True)
    data_quality_notes = models.TextField(
        blank=True, help_text="How the data is verified and its known limits."
    )
    also_supports = models.ManyToManyField(
        PlanElement,
        blank=True,
        related_name="supporting_metrics",
        help_text="Elements of other plans that this metric also supports.",
    )
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()
    objects = MetricQuerySet.as_manager()

    class Meta:
        ordering = ["element", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["element", "name"], name="metric_name_unique"),
            models.CheckConstraint(
                condition=~Q(kind="percentage") | Q(unit="percent"),
                name="metric_percentage_in_percent",
            ),
            models.CheckConstraint(
                condition=Q(allowed_min__isnull=True)
                | Q(allowed_max__isnull=True)
                | Q(allowed_min__lte=F("allowed_max")),
                name="metric_allowed_range_in_order",
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True, baseline_fiscal_year__isnull=True)
                | Q(baseline_value__isnull=False, baseline_fiscal_year__isnull=False),
                name="metric_baseline_has_year",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("plans:metric-detail", args=[self.pk])
