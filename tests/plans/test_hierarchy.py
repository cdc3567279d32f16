"""build_tree and filter_tree on plain objects. No database.

The plan used throughout:

    1    Secure the border
      1.1  Patrol the land border
      1.2  Screen travellers at ports of entry
        1.2.1  Expand biometric exit
      1.20 Train canine teams
    2    Recover from disasters
      2.1  Rebuild damaged housing
    11   Strengthen the workforce
      11.2 Hire more officers
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from plans.hierarchy import TreeNode, build_tree, describe_counts, filter_tree, query_words

ROWS = [
    # pk, parent pk, number, title, description
    (1, None, "1", "Secure the border", "Land, sea and air."),
    (2, None, "2", "Recover from disasters", "With states and tribes."),
    (3, None, "11", "Strengthen the workforce", ""),
    (4, 1, "1.1", "Patrol the land border", "Between ports of entry."),
    (5, 1, "1.2", "Screen travellers at ports of entry", ""),
    (6, 1, "1.20", "Train canine teams", "Detection dogs."),
    (7, 2, "2.1", "Rebuild damaged housing", "Water and power first."),
    (8, 3, "11.2", "Hire more officers", ""),
    (9, 5, "1.2.1", "Expand biometric exit", "Airports first."),
]


def element(pk: int, parent_id: int | None, number: str, title: str, description: str):
    return SimpleNamespace(
        pk=pk, parent_id=parent_id, number=number, title=title, description=description
    )


@pytest.fixture
def tree() -> list[TreeNode]:
    return build_tree(element(*row) for row in ROWS)


def numbers(nodes: list[TreeNode]) -> list[str]:
    """Depth-first numbers of the nodes and all their descendants."""
    found: list[str] = []
    for node in nodes:
        found.append(node.element.number)
        found.extend(numbers(node.children))
    return found


def test_build_tree_nests_children_under_their_parents(tree: list[TreeNode]) -> None:
    assert [root.element.number for root in tree] == ["1", "2", "11"]
    assert [child.element.number for child in tree[0].children] == ["1.1", "1.2", "1.20"]
    assert [node.element.number for node in tree[0].children[1].children] == ["1.2.1"]
    assert tree[1].children[0].element.title == "Rebuild damaged housing"


def test_build_tree_keeps_every_element_once(tree: list[TreeNode]) -> None:
    assert sum(root.count() for root in tree) == len(ROWS)
    assert sorted(numbers(tree)) == sorted(row[2] for row in ROWS)


def test_build_tree_of_nothing_is_empty() -> None:
    assert build_tree([]) == []


def test_search_text_is_number_title_and_description_lower_cased() -> None:
    node = TreeNode(element(1, None, "3.1", "Cut Wait Times", "At JFK."))

    assert node.search_text == "3.1 cut wait times at jfk."


def test_empty_query_returns_the_whole_tree(tree: list[TreeNode]) -> None:
    assert filter_tree(tree, "") is tree
    assert filter_tree(tree, "   ") is tree


def test_number_query_keeps_the_element_and_all_its_children(tree: list[TreeNode]) -> None:
    shown = filter_tree(tree, "1.2")

    assert "1.2" in numbers(shown)
    assert "1.2.1" in numbers(shown)


def test_number_query_keeps_the_ancestors_of_the_match(tree: list[TreeNode]) -> None:
    shown = filter_tree(tree, "1.2.1")

    assert numbers(shown) == ["1", "1.2", "1.2.1"]


def test_number_query_leaves_out_siblings_and_other_branches(tree: list[TreeNode]) -> None:
    shown = filter_tree(tree, "1.2")

    assert "1.1" not in numbers(shown)
    assert "2" not in numbers(shown)
    assert "2.1" not in numbers(shown)


def test_number_query_does_not_match_a_longer_number_that_starts_alike(
    tree: list[TreeNode],
) -> None:
    shown = filter_tree(tree, "1.2")

    assert "1.20" not in numbers(shown)


def test_number_query_does_not_match_a_number_that_ends_alike(tree: list[TreeNode]) -> None:
    shown = filter_tree(tree, "1.2")

    assert "11.2" not in numbers(shown)
    assert "11" not in numbers(shown)


def test_number_query_with_a_trailing_dot_matches_the_children(tree: list[TreeNode]) -> None:
    shown = filter_tree(tree, "2.")

    assert numbers(shown) == ["2", "2.1"]


def test_word_query_is_case_insensitive_and_matches_title_or_description(
    tree: list[TreeNode],
) -> None:
    assert numbers(filter_tree(tree, "CANINE")) == ["1", "1.20"]
    assert numbers(filter_tree(tree, "dogs")) == ["1", "1.20"]


def test_several_words_must_all_match_the_same_element(tree: list[TreeNode]) -> None:
    assert numbers(filter_tree(tree, "ports entry screen")) == ["1", "1.2", "1.2.1"]
    assert numbers(filter_tree(tree, "ports housing")) == []


def test_word_query_keeps_ancestors_but_not_their_other_children(tree: list[TreeNode]) -> None:
    shown = filter_tree(tree, "biometric")

    assert numbers(shown) == ["1", "1.2", "1.2.1"]
    assert shown[0].children[0].element.number == "1.2"


def test_a_matching_parent_keeps_all_its_children(tree: list[TreeNode]) -> None:
    shown = filter_tree(tree, "workforce")

    assert numbers(shown) == ["11", "11.2"]


def test_filtering_does_not_change_the_tree_it_was_given(tree: list[TreeNode]) -> None:
    before = numbers(tree)

    filter_tree(tree, "biometric")

    assert numbers(tree) == before


def test_query_with_no_match_returns_nothing(tree: list[TreeNode]) -> None:
    assert filter_tree(tree, "zeppelin") == []


def test_query_words_are_lower_cased_and_split_on_spaces_and_punctuation() -> None:
    assert query_words("Ports, of  ENTRY!") == ["ports", "of", "entry"]


def test_describe_counts_names_each_level_in_the_plans_words() -> None:
    levels = ["Line of Effort", "Goal", "Strategy"]

    assert describe_counts(levels, [1, 17, 0]) == "1 line of effort, 17 goals, 0 strategies"
