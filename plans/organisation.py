"""The office tree as a pure structure: ancestors and descendants without recursion in SQL.

An agency has tens to a few hundred offices, so the whole tree is loaded as `(id, parent_id)`
pairs in one query and walked in memory. That is cheaper and more portable (SQLite and
PostgreSQL alike) than a recursive CTE per permission check.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


class OfficeTree:
    """Parent/child links between office ids."""

    def __init__(self, links: Iterable[tuple[int, int | None]]) -> None:
        self._parent: dict[int, int | None] = {}
        self._children: dict[int, list[int]] = defaultdict(list)
        for office_id, parent_id in links:
            self._parent[office_id] = parent_id
            if parent_id is not None:
                self._children[parent_id].append(office_id)

    def ancestors(self, office_id: int) -> list[int]:
        """The office's parent, grandparent, ... up to the root (the office itself excluded)."""
        found: list[int] = []
        parent = self._parent.get(office_id)
        while parent is not None and parent not in found and parent != office_id:
            found.append(parent)
            parent = self._parent.get(parent)
        return found

    def descendants(self, office_id: int) -> set[int]:
        """Every office below this one (the office itself excluded)."""
        found: set[int] = set()
        pending = list(self._children.get(office_id, ()))
        while pending:
            child = pending.pop()
            if child not in found and child != office_id:
                found.add(child)
                pending.extend(self._children.get(child, ()))
        return found

    def line_of(self, office_ids: Iterable[int]) -> set[int]:
        """The offices on the same line as any of these: themselves, ancestors, descendants.

        A role in ERO reaches plans owned by ICE (above) and by IHSC (below), but not HSI's.
        """
        related: set[int] = set()
        for office_id in office_ids:
            related.add(office_id)
            related.update(self.ancestors(office_id))
            related.update(self.descendants(office_id))
        return related

    def subtree(self, office_ids: Iterable[int]) -> set[int]:
        """These offices and everything below them."""
        found: set[int] = set()
        for office_id in office_ids:
            found.add(office_id)
            found.update(self.descendants(office_id))
        return found
