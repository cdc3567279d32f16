"""Factories for the domain, with explicit, readable defaults."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from metrics.models import DataCall, Measurement, Target
from plans.models import Membership, Metric, Office, Plan, PlanElement, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.django.Password("correct-horse-battery")


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"OFF{n}")
    name = factory.LazyAttribute(lambda o: f"Office {o.code}")
    kind = Office.Kind.PROGRAM_OFFICE
    parent = None


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    office = factory.SubFactory(OfficeFactory)
    role = Membership.Role.VIEWER


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    title = factory.Sequence(lambda n: f"Strategic Plan {n}")
    slug = factory.Sequence(lambda n: f"plan-{n}")
    owner = factory.SubFactory(OfficeFactory)
    status = Plan.Status.ACTIVE
    start_fiscal_year = 2021
    end_fiscal_year = 2025


class PlanElementFactory(factory.django.DjangoModelFactory):
    """A top-level element unless given a parent; level and plan follow the parent."""

    class Meta:
        model = PlanElement

    parent = None
    plan = factory.LazyAttribute(lambda e: e.parent.plan if e.parent else PlanFactory())
    level = factory.LazyAttribute(lambda e: e.parent.level + 1 if e.parent else 1)
    number = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Element title {n}")
    order = factory.Sequence(lambda n: n)


class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Metric

    element = factory.SubFactory(PlanElementFactory)
    name = factory.Sequence(lambda n: f"Number of things done {n}")
    owner_office = factory.SubFactory(OfficeFactory)
    kind = Metric.Kind.NUMERIC
    unit = Metric.Unit.COUNT


class DataCallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataCall

    plan = factory.SubFactory(PlanFactory)
    fiscal_year = 2026
    quarter = 4
    opens_on = date(2026, 10, 1)
    due_on = date(2026, 10, 31)
    reminder_days_before = 7


class MeasurementFactory(factory.django.DjangoModelFactory):
    """A draft value of 100 for FY2026 Q4."""

    class Meta:
        model = Measurement

    metric = factory.SubFactory(MetricFactory)
    fiscal_year = 2026
    quarter = 4
    value = Decimal("100")
    status = Measurement.Status.DRAFT


class TargetFactory(factory.django.DjangoModelFactory):
    """A target of 100 for FY2026 Q4."""

    class Meta:
        model = Target

    metric = factory.SubFactory(MetricFactory)
    fiscal_year = 2026
    quarter = 4
    value = Decimal("100")


# The quarterly review packet's models, by name: importing reports here would put an import
# below the factories above.


class ReviewMeetingFactory(factory.django.DjangoModelFactory):
    """The FY2026 Q2 review, held on 5 May 2026."""

    class Meta:
        model = "reports.ReviewMeeting"

    plan = factory.SubFactory(PlanFactory)
    fiscal_year = 2026
    quarter = 2
    held_on = date(2026, 5, 5)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reports.Decision"

    meeting = factory.SubFactory(ReviewMeetingFactory)
    text = factory.Sequence(lambda n: f"Decision {n}")


class ActionItemFactory(factory.django.DjangoModelFactory):
    """An open item of the meeting's plan, owned by a person, due 30 June 2026."""

    class Meta:
        model = "reports.ActionItem"

    meeting = factory.SubFactory(ReviewMeetingFactory)
    plan = factory.LazyAttribute(lambda item: item.meeting.plan)
    text = factory.Sequence(lambda n: f"Action item {n}")
    owner_name = "Pat Doe"
    due_on = date(2026, 6, 30)


# Annual reports, by name for the same reason as the review packet's models above.


class AnnualReportFactory(factory.django.DjangoModelFactory):
    """The FY2026 report of a plan, by program office."""

    class Meta:
        model = "reports.AnnualReport"

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Annual report {n}")
    fiscal_year = 2026
    scope = "office"


class ReportSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reports.ReportSection"

    report = factory.SubFactory(AnnualReportFactory)
    heading = factory.Sequence(lambda n: f"Section {n}")
    order = factory.Sequence(lambda n: n + 1)


class ReportBlockFactory(factory.django.DjangoModelFactory):
    """A paragraph without placeholders unless given text and a metric."""

    class Meta:
        model = "reports.ReportBlock"

    section = factory.SubFactory(ReportSectionFactory)
    order = factory.Sequence(lambda n: n + 1)
    style = "paragraph"
    text = factory.Sequence(lambda n: f"Paragraph {n}.")
    metric = None
