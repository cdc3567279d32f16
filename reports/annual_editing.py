"""Changing a report's content: its sections' order and inclusion, and a section's blocks.
Each change is one transaction, and the history of every row records who made it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from reports.models import AnnualReport, ReportBlock, ReportSection


@transaction.atomic
def add_section(report: AnnualReport, heading: str) -> ReportSection:
    last = report.sections.aggregate(last=Max("order"))["last"] or 0
    return ReportSection.objects.create(report=report, heading=heading, order=last + 1)


@transaction.atomic
def move_section(section: ReportSection, step: int) -> None:
    """Swap the section with its neighbour above (step -1) or below (step 1); positions
    are renumbered 1..n so that they stay distinct."""
    sections = list(section.report.sections.select_for_update().order_by("order", "pk"))
    index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
    other = index + step
    if 0 <= other < len(sections):
        sections[index], sections[other] = sections[other], sections[index]
    for position, row in enumerate(sections, start=1):
        if row.order != position:
            row.order = position
            row.save(update_fields=["order"])


@transaction.atomic
def save_section(
    section: ReportSection, *, heading: str, included: bool, blocks: list[dict[str, Any]]
) -> None:
    """Blocks as the form sent them (id, order, style, text, metric, included, delete):
    existing ones updated or removed, new ones added, then all renumbered in the order
    asked for (ties keep their place)."""
    section.heading, section.included = heading, included
    section.save(update_fields=["heading", "included"])
    stored = {block.pk: block for block in section.blocks.select_for_update()}
    kept: list[tuple[int, int, ReportBlock]] = []
    for position, data in enumerate(blocks):
        block = stored.pop(data["id"], None) if data.get("id") else None
        if data.get("delete"):
            if block is not None:
                block.delete()
            continue
        if block is None and not data.get("text", "").strip():
            continue
        block = block or ReportBlock(section=section)
        block.style = data["style"]
        block.text = data["text"]
        block.metric_id = data.get("metric")
        block.included = data.get("included", True)
        wanted = data.get("order")
        kept.append((wanted if wanted is not None else position + 1, position, block))
    for block in stored.values():
        # Blocks the form did not send (changed elsewhere since) are kept, at the end.
        kept.append((len(blocks) + block.order, len(blocks) + block.order, block))
    kept.sort(key=lambda item: (item[0], item[1]))
    for order, (_wanted, _position, block) in enumerate(kept, start=1):
        block.order = order
        block.save()
