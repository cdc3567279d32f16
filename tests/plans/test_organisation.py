"""OfficeTree: ancestors, descendants, lines and subtrees walked in memory. No database.

The tree mirrors tests/conftest.py with ids instead of rows:

    DHS (1)
    |- ICE (2)
    |  |- ERO (3)
    |  |  `- IHSC (6)
    |  `- HSI (4)
    `- FEMA (5)
"""

from __future__ import annotations

import pytest

from plans.organisation import OfficeTree

DHS, ICE, ERO, HSI, FEMA, IHSC = 1, 2, 3, 4, 5, 6
LINKS = [(DHS, None), (ICE, DHS), (ERO, ICE), (HSI, ICE), (FEMA, DHS), (IHSC, ERO)]


@pytest.fixture
def tree() -> OfficeTree:
    return OfficeTree(LINKS)


def test_ancestors_run_from_the_parent_up_to_the_root(tree: OfficeTree) -> None:
    assert tree.ancestors(IHSC) == [ERO, ICE, DHS]


def test_the_root_has_no_ancestors(tree: OfficeTree) -> None:
    assert tree.ancestors(DHS) == []


def test_an_unknown_office_has_no_ancestors_or_descendants(tree: OfficeTree) -> None:
    assert tree.ancestors(99) == []
    assert tree.descendants(99) == set()


def test_descendants_are_every_office_below_excluding_itself(tree: OfficeTree) -> None:
    assert tree.descendants(ICE) == {ERO, HSI, IHSC}


def test_a_leaf_has_no_descendants(tree: OfficeTree) -> None:
    assert tree.descendants(HSI) == set()


def test_an_ero_role_reaches_ice_above_and_ihsc_below_but_not_hsi_beside(
    tree: OfficeTree,
) -> None:
    line = tree.line_of([ERO])

    assert line == {ERO, ICE, DHS, IHSC}
    assert HSI not in line
    assert FEMA not in line


def test_line_of_several_offices_is_the_union_of_their_lines(tree: OfficeTree) -> None:
    assert tree.line_of([HSI, FEMA]) == {HSI, ICE, DHS, FEMA}


def test_line_of_no_offices_is_empty(tree: OfficeTree) -> None:
    assert tree.line_of([]) == set()


def test_subtree_holds_the_offices_and_everything_below_but_nothing_above(
    tree: OfficeTree,
) -> None:
    assert tree.subtree([ERO, FEMA]) == {ERO, IHSC, FEMA}


def test_subtree_of_the_root_is_the_whole_tree(tree: OfficeTree) -> None:
    assert tree.subtree([DHS]) == {DHS, ICE, ERO, HSI, FEMA, IHSC}


def test_links_may_come_in_any_order(tree: OfficeTree) -> None:
    shuffled = OfficeTree(reversed(LINKS))

    assert shuffled.ancestors(IHSC) == tree.ancestors(IHSC)
    assert shuffled.descendants(DHS) == tree.descendants(DHS)


def test_a_cycle_does_not_hang_ancestors_descendants_or_line_of() -> None:
    # 10 -> 11 -> 12 -> 10: bad data the database cannot rule out beyond one step.
    tree = OfficeTree([(10, 12), (11, 10), (12, 11)])

    assert set(tree.ancestors(10)) >= {11, 12}
    assert tree.descendants(10) >= {11, 12}
    assert tree.line_of([10]) == {10, 11, 12}
    assert tree.subtree([11]) == {10, 11, 12}


def test_an_office_that_is_its_own_parent_does_not_hang() -> None:
    tree = OfficeTree([(7, 7)])

    assert tree.line_of([7]) == {7}
    assert tree.subtree([7]) == {7}
