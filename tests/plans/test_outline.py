"""Tests for plans.outline: label forms, conversion noise, malformed input and the real seeds.

Pure Python: no database and no Django settings are needed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from plans.outline import Outline, OutlineError, OutlineNode, parse_outline

SEEDS = Path(__file__).resolve().parents[2] / "plans" / "seed_data" / "documents"
ICE_PLAN_PATH = SEEDS / "001_3f0cdc2fbd3db8ae.txt"
WPS_PLAN_PATH = SEEDS / "002_6250814667351768.txt"
DRO_EXCERPT_PATH = SEEDS / "003_4fa8b7f13897f9b2.txt"


def pairs(outline: Outline) -> list[tuple[str, str]]:
    return [(node.number, node.title) for node in outline.walk()]


def node(outline: Outline, number: str) -> OutlineNode:
    return next(n for n in outline.walk() if n.number == number)


def lines(*rows: str) -> str:
    return "\n".join(rows) + "\n"


LABEL_FORMS = [
    pytest.param("Goal 1: Grow the Workforce", [("1", "Grow the Workforce")], id="goal"),
    pytest.param(
        "GOAL 1.1: Improve Recruitment (WLE).",
        [("1", ""), ("1.1", "Improve Recruitment (WLE)")],
        id="upper-case goal with dotted number and final period",
    ),
    pytest.param(
        "GOAL: 5.2: Leverage Partnerships",
        [("5", ""), ("5.2", "Leverage Partnerships")],
        id="colon after the keyword",
    ),
    pytest.param(
        "Strategic Goal 2: Protect the Homeland", [("2", "Protect the Homeland")], id="strategic"
    ),
    pytest.param(
        "Objective 1.1: Recruit Staff", [("1", ""), ("1.1", "Recruit Staff")], id="objective"
    ),
    pytest.param(
        "Objective 5.1 Facilitate Coordination",
        [("5", ""), ("5.1", "Facilitate Coordination")],
        id="objective without separator",
    ),
    pytest.param(
        "(3.2) Objective Two: Enhance partnerships with EOIR and DOJ Counsel.",
        [("3", ""), ("3.2", "Enhance partnerships with EOIR and DOJ Counsel")],
        id="parenthesised number before a number word",
    ),
    pytest.param(
        "4.4 Objective Four: Maximize the capability to collect data.",
        [("4", ""), ("4.4", "Maximize the capability to collect data")],
        id="number before a number word",
    ),
    pytest.param(
        "1.1.1: Hire Faster",
        [("1", ""), ("1.1", ""), ("1.1.1", "Hire Faster")],
        id="bare number with colon",
    ),
    pytest.param(
        "- **1.2.1**: Improve Teamwork",
        [("1", ""), ("1.2", ""), ("1.2.1", "Improve Teamwork")],
        id="bullet and bold number",
    ),
    pytest.param(
        "- **1.3.3:** Maintain Safety",
        [("1", ""), ("1.3", ""), ("1.3.3", "Maintain Safety")],
        id="bullet and bold number with colon inside",
    ),
    pytest.param("Line of Effort 1. Participation", [("1", "Participation")], id="line of effort"),
    pytest.param(
        "Line of Effort 1.\n\nParticipation", [("1", "Participation")], id="line of effort alone"
    ),
    pytest.param(
        "DRO Goal Four-Information Technology: Develop a system.",
        [("4", "Information Technology")],
        id="acronym and number word joined to the title by a dash",
    ),
    pytest.param("Goal Twelve: Serve", [("12", "Serve")], id="number word"),
    pytest.param("* Goal 1: Grow", [("1", "Grow")], id="star bullet"),
    pytest.param("1. Goal 3: Grow", [("3", "Grow")], id="ordered list item"),
    pytest.param("## Goal 1: Grow", [("1", "Grow")], id="markdown heading"),
    pytest.param("# GOAL 2\n\nProtect", [("2", "Protect")], id="markdown heading alone"),
    pytest.param("2.1 Prioritize Threats", [("2", ""), ("2.1", "Prioritize Threats")], id="2.1"),
    pytest.param("Objective 01.02: Hire", [("1", ""), ("1.2", "Hire")], id="leading zeros"),
]


@pytest.mark.parametrize(("text", "expected"), LABEL_FORMS)
def test_every_label_form_yields_its_number_and_title(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert pairs(parse_outline(text)) == expected


NOT_LABELS = [
    pytest.param("Goal 1 focuses on the people we hire.", id="keyword and number in prose"),
    pytest.param("2024 Implementation Plan accomplishments are reported.", id="year"),
    pytest.param("1.5 million travellers were screened.", id="decimal"),
    pytest.param("10 percent of staff", id="count"),
    pytest.param("GOALS, ACTIONS and OUTCOMES", id="plural keyword"),
    pytest.param("Planned Actions-Goal 1.1\t\t", id="table caption"),
    pytest.param("- **LOE 1. Participation.** Seek and support women.", id="LOE summary"),
    pytest.param("STRATEGIC PLAN 2021-2025", id="cover"),
    pytest.param("12", id="page number"),
]


@pytest.mark.parametrize("line", NOT_LABELS)
def test_prose_page_numbers_and_captions_are_not_labels(line: str) -> None:
    assert pairs(parse_outline(lines("Goal 1: Grow", "", line))) == [("1", "Grow")]


def test_action_numbers_are_relative_to_the_most_recent_element_one_level_up() -> None:
    text = lines(
        "Line of Effort 1. Participation",
        "GOAL 1.1: Improve Recruitment.",
        "Action #1. DHS will hire.",
        "Action #2. DHS will train.",
        "GOAL 1.2: Increase Participation.",
        "Action #1. S&T will mentor.",
    )
    assert pairs(parse_outline(text)) == [
        ("1", "Participation"),
        ("1.1", "Improve Recruitment"),
        ("1.1.1", "DHS will hire"),
        ("1.1.2", "DHS will train"),
        ("1.2", "Increase Participation"),
        ("1.2.1", "S&T will mentor"),
    ]


def test_objectives_numbered_with_words_belong_to_the_goal_above() -> None:
    text = lines("Goal 2: Protect", "Objective One: Screen", "Objective Two: Vet")
    assert pairs(parse_outline(text)) == [("2", "Protect"), ("2.1", "Screen"), ("2.2", "Vet")]


def test_action_rows_take_the_first_table_cell_and_its_continuation_rows() -> None:
    text = lines(
        "GOAL 1.2: Increase Participation.",
        "Description of Actions\tOutcome\tMetric",
        "Action #1. S&T will pursue interventions to shift\tIncrease retention\tAttrition",
        "the culture to be more inclusive.\tin STEM positions.\tpositions.",
        "\tIncrease satisfaction.\tFEVS scores.",
        "Action #2. S&T will promote flexibilities.\tIncrease retention.\tAttrition.",
    )
    assert pairs(parse_outline(text))[2:] == [
        ("1.2.1", "S&T will pursue interventions to shift the culture to be more inclusive"),
        ("1.2.2", "S&T will promote flexibilities"),
    ]


NOISE = [
    pytest.param("**Goal 1:** *Grow the Workforce*", "Grow the Workforce", id="bold and italic"),
    pytest.param("__Goal 1__: Grow the __Workforce__", "Grow the Workforce", id="underscores"),
    pytest.param(
        "Goal 1: Modernize with Innovative **Approaches**",
        "Modernize with Innovative Approaches",
        id="bold word inside the title",
    ),
    pytest.param("Goal 1: Grow the Workforce\t11", "Grow the Workforce", id="tab page number"),
    pytest.param("Goal 1: Grow the Workforce    11", "Grow the Workforce", id="spaced page number"),
    pytest.param("Goal 1: Grow the Workforce ........ 12", "Grow the Workforce", id="leaders"),
    pytest.param("Goal 1: Grow the Workforce\t. 12", "Grow the Workforce", id="leader cell"),
    pytest.param("GOAL 1\t11\n\nGrow the Workforce", "Grow the Workforce", id="page on label"),
    pytest.param("Goal 1\n\n12\n\nGrow the Workforce", "Grow the Workforce", id="page before"),
    pytest.param("Goal 1:   Grow   the\u00a0Workforce", "Grow the Workforce", id="whitespace"),
    pytest.param("Goal 1: Reduce Emissions by 2030", "Reduce Emissions by 2030", id="year kept"),
    pytest.param(
        "Goal 1: Deploy tools allowing access t databases.",
        "Deploy tools allowing access t databases",
        id="typos kept",
    ),
]


@pytest.mark.parametrize(("text", "title"), NOISE)
def test_conversion_noise_is_removed_from_titles(text: str, title: str) -> None:
    assert pairs(parse_outline(text)) == [("1", title)]


def test_titles_on_the_line_after_their_label_are_joined() -> None:
    text = lines("GOAL 1", "", "Grow the Workforce", "", "Objective 1.1", "", "", "Recruit Staff")
    outline = parse_outline(text)
    assert pairs(outline) == [("1", "Grow the Workforce"), ("1.1", "Recruit Staff")]
    assert [n.line for n in outline.walk()] == [1, 5]


def test_a_section_cover_and_its_repeat_are_one_element() -> None:
    text = lines(
        "GOAL 1",
        "",
        "Grow the Workforce",
        "",
        "People are the mission.",
        "",
        "Goal 1",
        "",
        "Grow the Workforce",
        "",
        "Objective 1.1: Recruit Staff",
    )
    outline = parse_outline(text)
    assert pairs(outline) == [("1", "Grow the Workforce"), ("1.1", "Recruit Staff")]
    assert node(outline, "1").line == 1
    assert node(outline, "1").description == "People are the mission."


def test_a_running_header_repeating_an_earlier_goal_does_not_change_it() -> None:
    text = lines(
        "Goal 3: Safeguard the System",
        "Goal 4: Combat Crime",
        "",
        "GOAL 3",
        "",
        "Strengthen Partnerships",
        "",
        "Meeting our goals requires partners.",
        "",
        "Goal 5",
        "",
        "Strengthen Partnerships",
        "",
        "Objective 5.1: Coordinate",
    )
    outline = parse_outline(text)
    assert pairs(outline) == [
        ("3", "Safeguard the System"),
        ("4", "Combat Crime"),
        ("5", "Strengthen Partnerships"),
        ("5.1", "Coordinate"),
    ]
    assert node(outline, "3").line == 1
    assert node(outline, "5").line == 10
    assert node(outline, "5").description == "Meeting our goals requires partners."


def test_a_titled_page_header_of_an_earlier_element_leaves_the_prose_where_it_is() -> None:
    text = lines(
        "Goal 3: Safeguard the System",
        "Objective 3.2: Combat Fraud",
        "Fraud undermines the system.",
        "",
        "Goal 3: Safeguard the System",
        "",
        "Overstays are tracked.",
    )
    outline = parse_outline(text)
    assert pairs(outline) == [("3", "Safeguard the System"), ("3.2", "Combat Fraud")]
    assert node(outline, "3").description == ""
    assert node(outline, "3.2").description == (
        "Fraud undermines the system.\n\nOverstays are tracked."
    )


def test_a_bare_keyword_cover_lends_its_prose_to_the_element_with_its_title() -> None:
    text = lines(
        "GOAL",
        "",
        "Safeguard the System",
        "",
        "Enforcement upholds the law.",
        "",
        "Goal 3",
        "",
        "Safeguard the System",
    )
    outline = parse_outline(text)
    assert pairs(outline) == [("3", "Safeguard the System")]
    assert node(outline, "3").line == 7
    assert node(outline, "3").description == "Enforcement upholds the law."


def test_chapter_continuation_headers_and_page_numbers_are_ignored() -> None:
    text = lines(
        "Chapter 4 continued page 3",
        "",
        "3.1.3: Enhance partnerships.",
        "",
        "17",
        "",
        "Page 18 of 20",
        "",
        "3.2.1: Coordinate with counsel.",
    )
    assert [n.number for n in parse_outline(text).walk()] == ["3", "3.1", "3.1.3", "3.2", "3.2.1"]


TABLES_OF_CONTENTS = [
    pytest.param(
        lines(
            "Table of Contents",
            "",
            "11\tGoal 1: Grow Objective 1.1: Hire Objective 1.2: Train",
            "17\tGoal 2: Protect the",
            "\tHomeland Objective 2.1: Screen",
            "",
            "GOAL 1",
            "",
            "Grow",
            "",
            "Objective 1.1: Hire",
        ),
        [("1", "Grow", 7), ("1.1", "Hire", 11)],
        id="page numbers and tabs before run-together labels",
    ),
    pytest.param(
        lines(
            "CONTENTS",
            "Line of Effort 1. Participation\t4",
            "GOAL 1.1: Improve Recruitment\t. 4",
            "Line of Effort 2. Protection\t7",
            "",
            "Line of Effort 1. Participation",
            "GOAL 1.1: Improve Recruitment.",
        ),
        [("1", "Participation", 6), ("1.1", "Improve Recruitment", 7)],
        id="heading, then page numbers after the titles",
    ),
    pytest.param(
        lines(
            "Goal 1: Grow ........ 3",
            "Objective 1.1: Hire ........ 4",
            "",
            "Goal 1: Grow",
            "Objective 1.1: Hire",
        ),
        [("1", "Grow", 4), ("1.1", "Hire", 5)],
        id="dotted leaders without a heading",
    ),
]


@pytest.mark.parametrize(("text", "expected"), TABLES_OF_CONTENTS)
def test_a_table_of_contents_never_creates_or_changes_elements(
    text: str, expected: list[tuple[str, str, int]]
) -> None:
    assert [(n.number, n.title, n.line) for n in parse_outline(text).walk()] == expected


IMPLIED = [
    pytest.param(
        "Objective 2.1: Screen\nObjective 2.2: Vet",
        [("2", "", None), ("2.1", "Screen", 1), ("2.2", "Vet", 2)],
        id="objectives without their goal",
    ),
    pytest.param(
        "3.1.3: Enhance partnerships.\n3.2: Coordinate.",
        [
            ("3", "", None),
            ("3.1", "", None),
            ("3.1.3", "Enhance partnerships", 1),
            ("3.2", "Coordinate", 2),
        ],
        id="strategies without goal or objective, and no invented siblings",
    ),
]


@pytest.mark.parametrize(("text", "expected"), IMPLIED)
def test_an_outline_starting_below_its_top_level_gets_implied_untitled_parents(
    text: str, expected: list[tuple[str, str, int | None]]
) -> None:
    assert [(n.number, n.title, n.line) for n in parse_outline(text).walk()] == expected


def test_children_are_ordered_numerically_and_found_by_number_prefix() -> None:
    text = lines("Goal 1: A", "Goal 2: B", "1.10: Ten", "1.9: Nine", "1.2: Two", "2.1: Other")
    outline = parse_outline(text)
    assert [(n.number, n.level) for n in outline.walk()] == [
        ("1", 1),
        ("1.2", 2),
        ("1.9", 2),
        ("1.10", 2),
        ("2", 1),
        ("2.1", 2),
    ]
    assert [child.number for child in outline.roots[0].children] == ["1.2", "1.9", "1.10"]
    assert outline.counts() == [2, 4]


def test_descriptions_hold_the_prose_between_a_title_and_the_next_label() -> None:
    text = lines(
        "Goal 1: Grow the Workforce",
        "",
        "People are the mission.",
        "",
        "12",
        "",
        "We invest in training",
        "",
        "",
        "",
        "and development.",
        "",
        "eland city",
        "Planned Actions\tOutcome\tMetric",
        "",
        "Objective 1.1",
        "",
        "Recruit Staff",
        "",
        "We hire the best.",
    )
    outline = parse_outline(text)
    assert node(outline, "1").description == (
        "People are the mission.\n\nWe invest in training and development."
    )
    assert node(outline, "1.1").description == "We hire the best."


def test_descriptions_stop_at_a_section_heading_or_a_long_gap() -> None:
    text = lines(
        "5.4.1: Develop a quality program.",
        "",
        "Plan Maintenance",
        "",
        "The working group meets quarterly.",
        "5.4.2: Retain staff.",
        "",
        "",
        "",
        "",
        "",
        "This plan is effective upon receipt.",
    )
    outline = parse_outline(text)
    assert node(outline, "5.4.1").description == ""
    assert node(outline, "5.4.2").description == ""


def test_a_goal_named_before_its_statement_keeps_the_statement_as_description() -> None:
    text = "DRO Goal Five-Human Capital Management: Recruit and retain professionals."
    goal = parse_outline(text).roots[0]
    assert (goal.title, goal.description) == (
        "Human Capital Management",
        "Recruit and retain professionals.",
    )


MALFORMED = [
    pytest.param(lines("Goal 1: A", "1.1.1.1: Too Deep"), 3, 2, id="deeper than depth"),
    pytest.param(lines("1.1.1: Fine at three"), 2, 1, id="deeper than a smaller depth"),
    pytest.param(lines("Goal 1: A", "", "Objective 1.1"), 3, 3, id="label at end of file"),
    pytest.param(lines("Goal 1", "Goal 2: B"), 3, 1, id="label followed by a label"),
    pytest.param(lines("Goal 1: A", "Goal 1: B"), 3, 2, id="same number, two titles"),
    pytest.param(
        lines("Goal 1: A", "", "Goal 2: B", "", "Goal 1: C"), 3, 5, id="conflict after a sibling"
    ),
    pytest.param(lines("Just prose.", "Nothing numbered."), 3, 1, id="no elements"),
    pytest.param("", 3, 1, id="empty text"),
    pytest.param(
        lines("Goal 1: A", "Objective 1.1", "Goal 1: B", "1.1.1.1: Deep"),
        3,
        2,
        id="the first bad line is named",
    ),
]


@pytest.mark.parametrize(("text", "depth", "line"), MALFORMED)
def test_malformed_outlines_raise_an_error_naming_the_first_bad_line(
    text: str, depth: int, line: int
) -> None:
    with pytest.raises(OutlineError) as caught:
        parse_outline(text, depth=depth)
    assert caught.value.line == line
    assert str(caught.value) == f"line {line}: {caught.value.message}"
    assert caught.value.message


def test_outline_error_is_a_value_error_with_line_and_message() -> None:
    error = OutlineError(7, "1.1 has no title")
    assert isinstance(error, ValueError)
    assert (str(error), error.line, error.message) == (
        "line 7: 1.1 has no title",
        7,
        "1.1 has no title",
    )


def test_walk_is_depth_first_in_document_order_and_counts_each_level() -> None:
    text = lines("Goal 2: B", "2.1.1: Deep", "Goal 1: A", "1.1: Child", "1.2: Second")
    outline = parse_outline(text)
    assert [n.number for n in outline.walk()] == ["1", "1.1", "1.2", "2", "2.1", "2.1.1"]
    assert outline.counts() == [2, 3, 1]


# --- Real documents ---------------------------------------------------------------------------

# ICE Strategic Plan FY2021-2025: every number and title exactly as published.
ICE_PLAN = [
    ("1", "Empower the Workforce that Powers the Mission"),
    ("1.1", "Recruit, Hire, and Retain a Diverse and Highly Capable Workforce"),
    ("1.1.1", "Improve Outreach to Attract a Talented and Diverse Pool of Qualified Candidates"),
    (
        "1.1.2",
        "Employ Innovative and Effective Management Practices to Efficiently Manage the Hiring "
        "Process",
    ),
    (
        "1.1.3",
        "Identify Workforce Staffing Needs and Align Resources to Address Organizational "
        "Priorities",
    ),
    (
        "1.1.4",
        "Expand Strategic Information Technology Planning and Solutions to Support a Mobile and"
        " Flexible Workforce",
    ),
    ("1.2", "Develop Employees and Grow Leaders for Today and the Future"),
    ("1.2.1", "Improve Employee Teamwork, Engagement, and Commitment to ICE's Mission"),
    ("1.2.2", "Approach Succession Planning Strategically"),
    (
        "1.2.3",
        "Provide Employees with Support and Resources for Professional Development and to "
        "Achieve Work-Life Balance",
    ),
    ("1.3", "Build a Culture of Inclusion, Transparency, and Trust"),
    ("1.3.1", "Foster a Culture of Inclusion and Integrity"),
    ("1.3.2", "Promote Communication and Transparency"),
    ("1.3.3", "Maintain Employee Safety and Security"),
    ("1.3.4", "Strengthen Privacy Protections and Safeguard Sensitive Employee Information"),
    ("1.4", "Advance the Mission through Strategic and Innovative Support Initiatives"),
    ("1.4.1", "Develop Information Technology Solutions to Enhance Mission Execution"),
    ("1.4.2", "Strengthen Data Analytics to Better Understand Mission Operations"),
    ("1.4.3", "Solidify Strategic Planning for Future Resource Needs"),
    ("1.4.4", "Transform the Workplace to Maximize Mobility, Flexibility, and Efficiency"),
    ("2", "Counter Threats and Protect the Homeland"),
    ("2.1", "Prioritize and Investigate National Security and Public Safety Threats"),
    ("2.1.1", "Efficiently Conduct Complex and Technical Criminal Investigations"),
    ("2.1.2", "Modernize Investigations by Employing Technology and Other Innovative Approaches"),
    ("2.2", "Generate, Analyze, and Share Actionable Intelligence"),
    (
        "2.2.1",
        "Enhance Domestic and International Intelligence and Other Law Enforcement Information "
        "Sharing",
    ),
    ("2.2.2", "Detect and Deter Current and Emerging Threats"),
    ("2.3", "Effectively Manage Security Risks"),
    (
        "2.3.1",
        "Stop the Criminal Acquisition of Sensitive Materials and Technologies, and Counter the"
        " Proliferation of Weapons of Mass Destruction",
    ),
    ("2.3.2", "Prevent Terrorist and Criminal Travel to and from the United States"),
    ("2.3.3", "Build a Culture of Relentless Resilience"),
    ("3", "Safeguard the Integrity of our Immigration System"),
    ("3.1", "Enhance Efficient and Effective Immigration Enforcement"),
    (
        "3.1.1",
        "Arrest and Detain, as appropriate, Aliens Present in the United States in Violation of"
        " Immigration Laws",
    ),
    (
        "3.1.2",
        "Optimize Finite Prosecutorial Capacity While Advocating Forcefully for Enhanced "
        "Immigration Litigation Resources",
    ),
    ("3.1.3", "Secure Removal Orders for Removable Aliens"),
    ("3.1.4", "Effectuate Final Orders of Removal"),
    ("3.2", "Combat Immigration Fraud and Abuse"),
    ("3.2.1", "Disrupt and Dismantle Visa Fraud Schemes"),
    ("3.2.2", "Systematically Monitor and Reduce Visa Overstay Rates"),
    (
        "3.2.3",
        "Enhance Investigative Capabilities to Identify and Deter Document and Benefit Fraud",
    ),
    ("3.2.4", "Deter Unauthorized Employment of Illegal Aliens through Worksite Enforcement"),
    ("4", "Combat Organizations that Exploit Lawful Trade, Travel, and Financial Systems"),
    ("4.1", "Target Transnational Criminal Organizations"),
    ("4.1.1", "Combat Human Trafficking"),
    ("4.1.2", "Stop the Smuggling of People and Illicit Goods"),
    ("4.1.3", "Investigate, Disrupt, and Dismantle Transnational Criminal Organizations"),
    (
        "4.2",
        "Combat Illicit Financial Enterprises and Fraud Schemes to Protect the Integrity of "
        "U.S. Financial Systems",
    ),
    ("4.2.1", "Detect and Disrupt Illicit Financial Activity"),
    ("4.2.2", "Identify and Investigate Money Laundering Trends"),
    ("4.3", "Counter Cybercrime, and Protect Against Fraud and Crimes of Exploitation"),
    ("4.3.1", "Keep Pace with Emerging Technology to Thwart Internet-Enabled Crime"),
    ("4.3.2", "Proactively Identify and Address Vulnerabilities Created by the Internet"),
    ("4.3.3", "Identify and Disrupt Exploitation of Children"),
    (
        "4.3.4",
        "Combat Criminal Organizations Which Facilitate and Profit from Crimes Associated with "
        "Fraud",
    ),
    ("4.4", "Enforce U.S. Trade Laws and Protect Commerce"),
    ("4.4.1", "Protect our Nation's Interests through Enforcement of Import and Export Controls"),
    ("4.4.2", "Disrupt and Dismantle Intellectual Property Violations and Trade Fraud"),
    ("4.4.3", "Promote Trade Transparency"),
    ("5", "Strengthen and Expand Partnerships to Advance the Mission"),
    ("5.1", "Facilitate Strategic Coordination within the Department"),
    ("5.1.1", "Maximize Policy and Operational Efficiency"),
    ("5.1.2", "Continually Strengthen Cross-Component Partnerships within DHS"),
    ("5.2", "Advance Federal, State, Local, and Tribal Law Enforcement Partnerships"),
    ("5.2.1", "Strengthen Partnerships with State, Local, and Tribal Law Enforcement"),
    ("5.2.2", "Foster Federal Cooperation"),
    ("5.3", "Build Relationships and Trust through Public and Community Engagement"),
    (
        "5.3.1",
        "Assist Victims and their Families Impacted by Crimes that have a Nexus to ICE's Mission",
    ),
    ("5.3.2", "Develop Community-Based Relationships with the Public and Community Organizations"),
    (
        "5.3.3",
        "Promote a greater understanding of ICE operations, policies, programs and initiatives "
        "by fostering productive Relationships with Members of Congress, Committees, and Staff",
    ),
    ("5.3.4", "Build Public Trust, Understanding, and Support for the Agency's Mission"),
    ("5.4", "Foster Meaningful International Partnerships"),
    (
        "5.4.1",
        "Strengthen International Partnerships to Better Equip ICE to Address Transnational "
        "Threats",
    ),
    (
        "5.4.2",
        "Coordinate with Foreign Partners to Promote Best Practices and Optimize Capabilities",
    ),
    (
        "5.4.3",
        "Enhance Cooperation with Immigration Enforcement through Strategic Foreign Engagement",
    ),
]


def test_the_ice_plan_has_5_goals_17_objectives_and_53_sub_objectives() -> None:
    outline = parse_outline(ICE_PLAN_PATH.read_text())
    assert outline.counts() == [5, 17, 53]


def test_the_ice_plan_gives_every_number_and_title_exactly_as_published() -> None:
    assert pairs(parse_outline(ICE_PLAN_PATH.read_text())) == ICE_PLAN


def test_the_ice_plan_elements_point_at_their_first_label_line() -> None:
    outline = parse_outline(ICE_PLAN_PATH.read_text())
    goals = [(goal.number, goal.line) for goal in outline.roots]
    assert goals == [("1", 141), ("2", 224), ("3", 294), ("4", 332), ("5", 421)]
    assert (node(outline, "5.1").line, node(outline, "5.4.3").line) == (425, 479)


def test_the_ice_plan_goal_and_objective_descriptions_hold_their_prose() -> None:
    outline = parse_outline(ICE_PLAN_PATH.read_text())
    goal_1 = node(outline, "1").description.split("\n\n")
    assert len(goal_1) == 3
    assert goal_1[0].startswith("The core of ICE's mission is the talent")
    assert node(outline, "3").description.startswith("The immigration landscape evolved")
    assert node(outline, "5").description.startswith("Meeting ICE's goals requires")
    assert "eland city" not in node(outline, "4").description
    assert "leadership training and development opportunities" in node(outline, "1.2").description
    assert node(outline, "5.1").description.startswith("ICE plays a central role")
    assert all(not n.description for n in outline.walk() if n.level == 3)


# DRO strategic plan excerpt (chapter 4, from the tail of Goal 3). Goal 3 and Objective 3.1 are
# implied (their titles are not in the excerpt); strategies 3.1.1 and 3.1.2 are absent.
# "DRO Goal Four-Information Technology: Develop ..." is titled "Information Technology".
DRO_EXCERPT = [
    ("3", ""),
    ("3.1", ""),
    (
        "3.1.3",
        "Enhance partnerships with local law enforcement agencies to develop, implement and "
        "maintain an integrated system to share information, intelligence and resources, and to"
        " coordinate enforcement actions",
    ),
    ("3.2", "Enhance partnerships with EOIR and DOJ Counsel"),
    (
        "3.2.1",
        "Coordinate with DOJ counsel and the courts to effect the expedient transfer of an "
        "individual to ICE custody after a decision of final order has been rendered",
    ),
    (
        "3.2.2",
        "Coordinate with area Immigration Counsel and especially EOIR to share real time "
        "information within DACS (EREM, ENFORCE) while the case is in proceedings",
    ),
    ("4", "Information Technology"),
    ("4.1", "Enhance existing data management systems"),
    ("4.1.1", "Identify DRO Information Technology team to collaborate with IRM"),
    (
        "4.1.2",
        "Assess current systems and then complete a requirements determination for the system",
    ),
    (
        "4.1.3",
        "Develop, if necessary, effective protocols for availability and use of existing "
        "systems to ensure timely and appropriate operational decisions",
    ),
    (
        "4.1.4",
        "Deploy a standard suite of automated tools allowing access t appropriate databases "
        "(i.e., NCIC, TECS, Choice Point, AutoTrack)",
    ),
    ("4.2", "Develop a fully automated and integrated case management system"),
    (
        "4.2.1",
        "Assess current systems and then complete a requirements determination for the system",
    ),
    (
        "4.2.2",
        "Design and deploy an integrated case management system that includes PHS electronic "
        "medical records",
    ),
    (
        "4.2.3",
        "Coordinate with government and law enforcement agencies to design a uniform data base "
        "management system with standard methods of collection, submission and exchange of data",
    ),
    ("4.3", "Develop fully automated management information systems"),
    (
        "4.3.1",
        "Research the feasibility of using proven existing systems from other agencies and COTS"
        " to manage cases, the detention population and facilities (such as SENTRY used by BOP)",
    ),
    (
        "4.3.2",
        'Resurrect and study the existing "detention management system" and "optimization plan"',
    ),
    (
        "4.3.3",
        "Develop and implement national custody management and transportation management "
        "information systems",
    ),
    (
        "4.3.4",
        "Develop the capability to conduct detailed financial analysis utilizing a documented "
        "business model with accurate cost data to support future budgetary planning, resource "
        "allocation, and cost optimization",
    ),
    (
        "4.4",
        "Maximize the capability to collect and disseminate intelligence data and trends on a "
        "real-time basis to support ICE enforcement objectives",
    ),
    (
        "4.4.1",
        "Train staff in recognition and reporting of relevant information for analysis and use",
    ),
    (
        "4.4.2",
        "Develop and maintain work processes in removals, custody management, and non-detained "
        "docket management so that the intelligence function is part of the day-to-day routine",
    ),
    (
        "4.4.3",
        "Assure IT systems (e.g., EREM) design optimizes the performance of appropriate "
        "intelligence functions by DRO to meet the needs of ICE enforcement objectives",
    ),
    (
        "4.4.4",
        "Partner with the Intelligence program to ensure that DRO-generated intelligence is "
        "appropriately collected and disseminated",
    ),
    (
        "4.4.5",
        "Create an Intelligence Officer position within the DRO ranks (can be a liaison officer"
        " from Intel) that collects, evaluates and disseminates intelligence",
    ),
    ("5", "Human Capital Management"),
    ("5.1", "Develop and implement a uniform staffing model to meet broad program needs"),
    ("5.1.1", "Adapt the uniform staffing model to address specific local needs"),
    ("5.1.2", "Develop and implement a variety of hiring and recruitment strategies"),
    (
        "5.1.3",
        "Partner with Human Resources and related programs to identify and correct problems in "
        "hiring",
    ),
    ("5.2", "Maintain peak performance through continuous staff development"),
    (
        "5.2.1",
        "Conduct a skills inventory to identify and correct gaps between staff capabilities and"
        " organizational needs",
    ),
    (
        "5.2.2",
        "Assess currently available internal and external training and develop appropriate "
        "training, accreditation programs and career paths for all DRO staff and appropriate "
        "external entities",
    ),
    (
        "5.2.3",
        "Provide appropriate and recurring training in accordance with the training and "
        "accreditation program",
    ),
    (
        "5.2.4",
        "Provide appropriate reference resources, guidance, and recurring training to ensure "
        "field operatives and managers are aware of and compliant with internal policy, "
        "procedures, and standards",
    ),
    (
        "5.2.5",
        "Ensure that national, uniform, standard operating procedures are in place, and "
        "appropriately executed for all program policies",
    ),
    ("5.3", "Provide an environment for the successful retention of DRO employees"),
    (
        "5.3.1",
        "Conduct regular employee satisfaction surveys and exit interviews, and use other "
        "mechanisms to identify retention issues",
    ),
    (
        "5.3.2",
        "Coordinate with the Sustainment branch to implement retention initiatives such as "
        "family-friendly policies, retention benefits, and career paths",
    ),
    ("5.4", "Maintain peak performance through continuous organizational analysis"),
    (
        "5.4.1",
        "Develop a quality assurance program to ensure all DRO operations maintain the highest "
        "levels of productivity, professionalism and quality",
    ),
]


def test_the_dro_excerpt_has_3_goals_10_objectives_and_30_strategies() -> None:
    assert parse_outline(DRO_EXCERPT_PATH.read_text()).counts() == [3, 10, 30]


def test_the_dro_excerpt_gives_every_number_and_title_and_invents_nothing() -> None:
    assert pairs(parse_outline(DRO_EXCERPT_PATH.read_text())) == DRO_EXCERPT


def test_the_dro_excerpt_marks_what_it_does_not_give_as_unknown() -> None:
    outline = parse_outline(DRO_EXCERPT_PATH.read_text())
    assert (node(outline, "3").title, node(outline, "3").line) == ("", None)
    assert (node(outline, "3.1").title, node(outline, "3.1").line) == ("", None)
    assert [child.number for child in node(outline, "3.1").children] == ["3.1.3"]
    assert node(outline, "3.1.3").line == 5


def test_the_dro_goal_statements_become_goal_descriptions() -> None:
    outline = parse_outline(DRO_EXCERPT_PATH.read_text())
    assert node(outline, "4").description == (
        "Develop and implement a comprehensive integrated information technology system that "
        "provides operational and managerial data and supports all levels of DRO activities."
    )
    assert node(outline, "5").description == (
        "Recruit, train, and retain adequate numbers of professionals to maximize service-wide "
        "performance."
    )
    assert node(outline, "5.4.1").description == ""


# DHS Women, Peace, and Security plan: lines of effort and goals. Its 25th action (under goal
# 5.2) has no "Action #" label in the text, so the parser finds 24 and never invents the 25th.
WPS_PLAN = [
    ("1", "Participation"),
    ("1.1", "Improve Recruitment and Retention of Women in Law Enforcement (WLE)"),
    (
        "1.2",
        "Increase Participation of Women in Science, Technology, Engineering, and Mathematics "
        "(STEM)",
    ),
    ("2", "Protection"),
    ("2.1", "Enhance Departmental Understanding of GBV and the Survivor-Centered Approach"),
    ("2.2", "Increase Access to Services for Women and Girls"),
    ("3", "Relief, Response, and Recovery"),
    ("3.1", "Assist Survivors of GBV Before, During, and after Disasters"),
    ("4", "Integration and Institutionalization"),
    (
        "4.1",
        "Formalize Survivor-Centered, Trauma-Informed, and Culturally Sensitive Approaches to GBV "
        "and Training for the Protection of Vulnerable Women and Children",
    ),
    (
        "4.2",
        "Improve the Treatment of Women, Girls, and Certain Populations in Immigration Detention",
    ),
    ("4.3", "Enhance GBV Prevention and Response in Law Enforcement"),
    ("5", "Partnerships"),
    ("5.1", "Cultivate and Strengthen WPS Partnerships Domestically and Internationally"),
    ("5.2", "Leverage Partnerships to Close the Gender Gap in Cybersecurity"),
]
WPS_ACTIONS = {
    "1.1": 3,
    "1.2": 3,
    "2.1": 2,
    "2.2": 2,
    "3.1": 2,
    "4.1": 4,
    "4.2": 3,
    "4.3": 3,
    "5.1": 2,
    "5.2": 0,
}


def test_the_wps_plan_finds_its_lines_of_effort_goals_and_labelled_actions() -> None:
    outline = parse_outline(WPS_PLAN_PATH.read_text())
    assert outline.counts() == [5, 10, 24]
    assert [pair for pair in pairs(outline) if pair[0].count(".") < 2] == WPS_PLAN
    actions = {goal: len(node(outline, goal).children) for goal in WPS_ACTIONS}
    assert actions == WPS_ACTIONS
    assert all(n.title for n in outline.walk())
