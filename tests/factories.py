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
