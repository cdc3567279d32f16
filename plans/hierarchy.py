"""Turning a plan's flat list of elements into a tree, and filtering that tree by a query.

Pure: works on any objects with `pk`, `parent_id`, `number`, `title` and `description`,
so the plan page builds its tree from one query and the tests need no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

WORD = re.compile(r"[\w.&'-]+")
# A query word that is an element number: "1", "1.2", "1.2." (trailing dot: its children).
NUMBER = re.compile(r"^\d+(\.\d+)*\.?$")


@dataclass
class TreeNode:
    element: Any
    children: list[TreeNode] = field(default_factory=list)

    @property
    def search_text(self) -> str:
        """What the filter matches against: number, title and description, lower-cased."""
        e = self.element
        return f"{e.number} {e.title} {e.description}".lower()

    @property
    def child_level_name(self) -> str:
        """The plan's name for the level below ("Objective"); reads `element.plan`."""
        return self.element.plan.level_name(self.element.level + 1)

    def count(self) -> int:
        return 1 + sum(child.count() for child in self.children)


def build_tree(elements: Iterable[Any]) -> list[TreeNode]:
    """Nests elements under their parents; parents must come before their children."""
    nodes: dict[int, TreeNode] = {}
    roots: list[TreeNode] = []
    for element in elements:
        node = nodes[element.pk] = TreeNode(element)
        siblings = nodes[element.parent_id].children if element.parent_id else roots
        siblings.append(node)
    return roots


def query_words(query: str) -> list[str]:
    return WORD.findall(query.lower())


def matches(node: TreeNode, words: list[str]) -> bool:
    """True when every word matches: a number word matches the element's number and its
    descendants' ("1.2" matches 1.2 and 1.2.3, not 1.20 or 11.2), or that number written as
    a whole word in the text; any other word matches anywhere in the text."""
    number = node.element.number
    text = node.search_text
    tokens = {token.rstrip(".") for token in WORD.findall(text)}
    return all(_word_matches(word, number, text, tokens) for word in words)


def _word_matches(word: str, number: str, text: str, tokens: set[str]) -> bool:
    if not NUMBER.match(word):
        return word in text
    prefix = word.rstrip(".")
    if number == prefix:
        return not word.endswith(".")
    return number.startswith(prefix + ".") or prefix in tokens


def count_matches(roots: list[TreeNode], query: str) -> int:
    """How many nodes match the query by themselves (not as ancestors of a match)."""
    words = query_words(query)
    return sum(int(matches(node, words)) + count_matches(node.children, query) for node in roots)


def filter_tree(roots: list[TreeNode], query: str) -> list[TreeNode]:
    """The nodes that match, with their ancestors; a matching node keeps all its children."""
    words = query_words(query)
    if not words:
        return roots
    kept: list[TreeNode] = []
    for node in roots:
        if matches(node, words):
            kept.append(node)
        elif children := filter_tree(node.children, query):
            kept.append(TreeNode(node.element, children))
    return kept


def plural(name: str) -> str:
    """English plural of a level name: Goal -> Goals, Strategy -> Strategies,
    Line of Effort -> Lines of Effort, Sub-objective -> Sub-objectives."""
    head, sep, tail = name.partition(" of ")
    if head.endswith("y") and head[-2:-1] not in "aeiou":
        head = head[:-1] + "ies"
    elif head.endswith(("s", "x", "ch", "sh")):
        head += "es"
    else:
        head += "s"
    return head + sep + tail


def describe_counts(levels: list[str], counts: list[int]) -> str:
    """ "5 goals, 17 objectives, 53 sub-objectives" """
    return ", ".join(
        f"{count} {(name if count == 1 else plural(name)).lower()}"
        for name, count in zip(levels, counts, strict=True)
    )


def number_key(number: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key for element numbers: "1.10" after "1.9", "2" after "1.9.9", and a part
    with letters ("2a") after the numbered ones."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in number.split("."))
