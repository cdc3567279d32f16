"""Parse a strategic plan written as a numbered outline into a tree of elements.

Plans arrive as plain text converted from PDF, with conversion noise. Pure Python, no Django.

1. The table of contents is skipped: the block under a "Table of Contents" heading (to the
   first blank line) and any line starting with a page number and a tab. An entry elsewhere
   with dotted leaders or a page number after its title is *weak*: it only counts for a number
   the body never gives.
2. A line is a *label* when, without list bullets, heading hashes and bold/italic markers, it
   starts with a keyword and a number (`Goal 1`, `GOAL: 5.2:`, `(3.2) Objective Two:`,
   `DRO Goal Four-...`, `Action #1.`) or with a bare dotted number (`1.1.1: Title`). The title
   is the rest of the line (its first table cell) or, if that is empty, the next line that is
   not blank or a page number. Titles keep their words as published but lose one final "." or
   ":" (`GOAL 1.1: Improve ... (WLE).`, and DRO's sentence-like labels alike). Other lines are
   description paragraphs of the label above them, until a label, a short Title Case heading
   or a long run of blank lines.
3. The number gives the level (`2.1.3` is level 3) and the parent (`2.1`). A one-part number
   after a keyword below the top (`Objective Two`, `Action #2`) is relative: it is appended to
   the most recent element one level up. A label repeating a number the text has moved past
   is a page header: with no title of its own (`GOAL 3` printed above Goal 5) it is matched to
   an element by the title on the next line, like a bare `GOAL` line; with a title, it is only
   checked for conflicts.
4. Occurrences of one number merge into one element; two different titles are an error.
   Missing ancestors become implied elements with title "" and no line; missing siblings are
   never invented.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

_NUMBER_NAMES = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
    " sixteen seventeen eighteen nineteen twenty"
)
NUMBER_WORDS = {word: value for value, word in enumerate(_NUMBER_NAMES.split(), start=1)}
TOP_KEYWORDS = {"goal", "line of effort"}
_SMALL_NAMES = "a an and as at by for from in of on or the to with"
SMALL_WORDS = set(_SMALL_NAMES.split())  # words a Title Case heading leaves in lower case
TERMINAL = (".", "!", "?", ":", ";", '"', "\u201d", ")")
DASHES = {"-", "\u2013", "\u2014"}
SECTION_BREAK = 5  # this many blank lines in a row end a description

_NUM = r"\d{1,3}(?:\.\d{1,3})*(?!\d)"
_KEYWORD = r"(?:strategic\s+)?(?:goal|sub-?objective|objective|strategy|line\s+of\s+effort|action)"
_WORD = "|".join(NUMBER_WORDS)

# A keyword label: optional "(3.2)" or "4.4" prefix, optional acronym ("DRO"), the keyword,
# a number ("1.1", "#1") or number word ("Four"), a separator and the rest of the line.
LABEL_RE = re.compile(
    rf"^(?:\((?P<paren>{_NUM})\)\s*|(?P<prefix>\d{{1,3}}(?:\.\d{{1,3}})+)\s+)?"
    rf"(?:(?-i:[A-Z]{{2,6}})\s+)?(?P<keyword>{_KEYWORD})\s*:?\s*#?\s*"
    rf"(?P<number>{_NUM}|(?:{_WORD})\b)(?P<sep>\s*[:.)]|\s*[-\u2013\u2014]|\s+|$)\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
# A bare numbered label: "1.1.1: Title", "- 2.1 Title", "3. Title", "1.2.1" alone.
BARE_RE = re.compile(rf"^(?P<number>{_NUM})(?P<sep>\s*:|\.(?=\s|$)|\)|\s+|$)\s*(?P<rest>.*)$")
# A keyword alone on its line, without a number: "GOAL".
BARE_KEYWORD_RE = re.compile(rf"^{_KEYWORD}\s*:?$", re.IGNORECASE)
# An ordered-list marker before a keyword label: "1. Goal 1: ...".
ORDERED_RE = re.compile(r"^\d{1,2}[.)]\s+")
# List bullets and markdown heading hashes at the start of a line: "- ", "* ", "• ", "## ".
BULLET_RE = re.compile(r"^(?:[-*+\u2022]\s+|#{1,6}\s+)+")
# Emphasis markers: "**" and "__" anywhere, a single "*" or "_" hugging a word.
EMPHASIS_RE = re.compile(r"\*\*|__|(?<![\w*])[*_](?=\w)|(?<=\w)[*_](?![\w*])")
# Dotted leaders and/or a page number ending a title: "Title ..... 12", "Title   12", "T . 12".
TRAILER_RE = re.compile(r"(?:\s*(?:\.\s*){2,}\d{0,4}|\s{2,}\d{1,4}|\s+\.\s+\d{1,4})$")
# A table cell holding only a page number, maybe after a leader dot: "12", ". 10".
PAGE_CELL_RE = re.compile(r"^[.\s]*\d{1,4}$")
# A line holding only a page number: "12", "- 12 -", "Page 3", "Page 3 of 20".
PAGE_RE = re.compile(r"^(?:page\s+)?[-\u2013]?\s*\d{1,4}\s*[-\u2013]?(?:\s+of\s+\d{1,4})?$", re.I)
# A running header announcing a continuation: "Chapter 4 continued page 3".
RUNNING_RE = re.compile(r"\bcontinued\b.*\bpage\s+\d+$", re.IGNORECASE)
# The heading of a table of contents: "Table of Contents", "CONTENTS".
CONTENTS_RE = re.compile(r"^(?:table\s+of\s+)?contents$", re.IGNORECASE)
# A table-of-contents row: a page number, a tab, an entry ("11\tGoal 1: ...").
TOC_ROW_RE = re.compile(r"^\d{1,4}\t")


@dataclass
class OutlineNode:
    number: str
    title: str
    level: int
    line: int | None
    description: str = ""
    children: list[OutlineNode] = field(default_factory=list)


@dataclass
class Outline:
    roots: list[OutlineNode]

    def walk(self) -> Iterator[OutlineNode]:
        """Every node, depth-first in document (number) order."""
        stack = list(reversed(self.roots))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def counts(self) -> list[int]:
        """How many nodes each level holds, top level first."""
        counts: list[int] = []
        for node in self.walk():
            counts.extend([0] * (node.level - len(counts)))
            counts[node.level - 1] += 1
        return counts


class OutlineError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass
class _Label:
    keyword: str  # normalised ("goal", "line of effort"); "" for a bare number
    number: str  # normalised digits; relative to the element above when `relative`
    relative: bool
    title: str
    note: str  # a statement split off the title, the first paragraph of the description
    table: bool  # the label is the first cell of a table row
    weak: bool  # a table-of-contents entry: dotted leaders or a page number after the title


@dataclass
class _Occurrence:
    number: str | None  # None: matched to an element by title (bare `GOAL`, running header)
    title: str
    line: int
    weak: bool = False
    paragraphs: list[str] = field(default_factory=list)


def parse_outline(text: str, *, depth: int = 3) -> Outline:
    """Parse `text` into an outline at most `depth` levels deep; raise OutlineError if malformed."""
    if depth < 1:
        raise ValueError("depth must be at least 1")
    scanner = _Scanner(text, depth)
    nodes = _resolve(scanner.scan(), scanner.errors)
    if scanner.errors:
        raise min(scanner.errors, key=lambda error: error.line)
    if not nodes:
        raise OutlineError(1, "no outline elements found (no goal, objective or numbered item)")
    return _build(nodes)


def _key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def _head(raw: str) -> tuple[str, bool]:
    """The cleaned first table cell of a line, and whether a page number was cut from it."""
    first, *others = raw.rstrip().split("\t")
    text = EMPHASIS_RE.sub("", BULLET_RE.sub("", first.strip()))
    text, cut = TRAILER_RE.subn("", text)
    paged = bool(cut) or any(PAGE_CELL_RE.match(cell.strip()) for cell in others)
    return " ".join(text.split()), paged


def _tidy(title: str) -> str:
    """Drop one trailing '.' or ':' (not an ellipsis) and collapse whitespace."""
    title = " ".join(title.split())
    return title[:-1].rstrip() if title.endswith((".", ":")) and title[-2:] != ".." else title


def _is_noise(text: str) -> bool:
    return bool(PAGE_RE.match(text) or RUNNING_RE.search(text))


def _is_heading(text: str) -> bool:
    """A short Title Case line without sentence punctuation: "Plan Maintenance"."""
    words = text.split()
    if len(words) > 8 or text.endswith((".", "!", "?")):
        return False
    return all(not w[0].isalpha() or w[0].isupper() or w.lower() in SMALL_WORDS for w in words)


def _match_label(head: str) -> re.Match[str] | None:
    for match in (LABEL_RE.match(head), LABEL_RE.match(ORDERED_RE.sub("", head, count=1))):
        if match:
            return match
    match = BARE_RE.match(head)
    sep = match["sep"].strip() if match else ""
    return match if match and (sep or "." in match["number"]) else None


def _parse_label(raw: str) -> _Label | None:
    head, paged = _head(raw)
    match = _match_label(head)
    rest = match["rest"] if match else ""
    if not match or (not match["sep"].strip() and rest and not _starts_title(rest)):
        return None
    keyword, number, relative = _numbering(match)
    title, note = _split_title(match)
    cells = [cell.strip() for cell in raw.rstrip().split("\t")[1:]]
    table = any(cell and not PAGE_CELL_RE.match(cell) for cell in cells)
    return _Label(keyword, number, relative, title, note, table, paged and not table)


def _starts_title(rest: str) -> bool:
    return rest[0].isupper() or rest[0].isdigit() or rest[0] in "\"'\u201c("


def _numbering(match: re.Match[str]) -> tuple[str, str, bool]:
    """(keyword, number, relative) of a label; a prefix "(3.2)" outranks "Objective Two"."""
    groups = match.groupdict()
    keyword = " ".join((groups.get("keyword") or "").lower().split()).removeprefix("strategic ")
    given = groups.get("paren") or groups.get("prefix")
    number = given or match["number"]
    if number.isalpha():
        number = str(NUMBER_WORDS[number.lower()])
    number = ".".join(str(int(part)) for part in number.split("."))
    relative = bool(keyword) and not given and keyword not in TOP_KEYWORDS and "." not in number
    return keyword, number, relative


def _split_title(match: re.Match[str]) -> tuple[str, str]:
    rest = match["rest"]
    if match["number"].isalpha() and match["sep"].strip() in DASHES and ": " in rest:
        # "DRO Goal Four-Information Technology: Develop and implement ...": the words between
        # the dash and the colon name the goal (the title), the sentence after the colon
        # states it and becomes the first paragraph of the description.
        name, _, statement = rest.partition(":")
        return name, statement.strip()
    return rest, ""


class _Scanner:
    """One pass over the lines, collecting label occurrences and their paragraphs."""

    def __init__(self, text: str, depth: int) -> None:
        self.lines = [line.rstrip("\r") for line in text.split("\n")]
        self.depth = depth
        self.skip = _contents_lines(self.lines)
        self.occurrences: list[_Occurrence] = []
        self.errors: list[OutlineError] = []
        self.recent: dict[int, str] = {}  # level -> most recent number at that level
        self.keyword_levels: dict[str, int] = {}
        self.seen: set[str] = set()
        self.current: _Occurrence | None = None
        self.blank_run = 0

    def scan(self) -> list[_Occurrence]:
        index = 0
        while index < len(self.lines):
            index = self._step(index) + 1
        return self.occurrences

    def _step(self, index: int) -> int:
        """Handle line `index`; return the index of the last line it consumed."""
        if index in self.skip:
            return index
        label = _parse_label(self.lines[index])
        if label is not None:
            return self._on_label(index, label)
        head = _head(self.lines[index])[0]
        if BARE_KEYWORD_RE.match(head):
            title, last = self._next_title(index)
            return self._open(_Occurrence(None, _tidy(title), index + 1), last)
        self._on_text(self.lines[index], head)
        return index

    def _on_label(self, index: int, label: _Label) -> int:
        number, line = self._place(label), index + 1
        if number.count(".") >= self.depth:
            message = (
                f"{number} is {number.count('.') + 1} levels deep; at most {self.depth} allowed"
            )
            self.errors.append(OutlineError(line, message))
            return self._open(None, index)
        title, last = self._title(index, label)
        passed = self._passed(number)  # a page header repeating an element left behind
        found = _Occurrence(None if passed and not label.title else number, _tidy(title), line)
        found.weak, found.paragraphs = label.weak, [label.note] if label.note else []
        if passed and label.title:
            self.occurrences.append(found)  # checked for conflicts; prose stays where it was
            return last
        if not passed:
            self._remember(label.keyword, number)
        return self._open(found, last)

    def _title(self, index: int, label: _Label) -> tuple[str, int]:
        """A label's title and the index of its last line."""
        if not label.title:
            return self._next_title(index)
        return self._table_title(index, label.title) if label.table else (label.title, index)

    def _open(self, occurrence: _Occurrence | None, last: int) -> int:
        if occurrence is not None:
            self.occurrences.append(occurrence)
        self.current, self.blank_run = occurrence, 0
        return last

    def _place(self, label: _Label) -> str:
        """The absolute number of a label: "Action #2" under "GOAL 1.1" is 1.1.2."""
        if not label.relative:
            return label.number
        level = self.keyword_levels.get(label.keyword, max(self.recent, default=0) + 1)
        parent = self.recent.get(level - 1) or self.recent.get(max(self.recent, default=0))
        return f"{parent}.{label.number}" if parent and level > 1 else label.number

    def _remember(self, keyword: str, number: str) -> None:
        level = number.count(".") + 1
        self.recent = {lv: n for lv, n in self.recent.items() if lv < level} | {level: number}
        if keyword:
            self.keyword_levels.setdefault(keyword, level)
        self.seen.add(number)

    def _passed(self, number: str) -> bool:
        """Whether `number` was seen and the document has since moved past it."""
        key = _key(number)
        return number in self.seen and any(_key(seen) > key for seen in self.seen)

    def _next_title(self, index: int) -> tuple[str, int]:
        """The title on the next meaningful line, unless that line is itself a label."""
        for j in range(index + 1, len(self.lines)):
            head = _head(self.lines[j])[0]
            if j in self.skip or not head or _is_noise(head):
                continue
            if _parse_label(self.lines[j]) or BARE_KEYWORD_RE.match(head):
                break
            return head, j
        return "", index

    def _table_title(self, index: int, title: str) -> tuple[str, int]:
        """Join the first cells of the table rows that continue a label's cell."""
        last = index
        for j in range(index + 1, len(self.lines)):
            head = _head(self.lines[j])[0]
            if "\t" not in self.lines[j] or _parse_label(self.lines[j]) or head[:1].isupper():
                break
            title, last = f"{title} {head}".strip(), j
        return title, last

    def _on_text(self, raw: str, head: str) -> None:
        if not raw.strip():
            self.blank_run += 1
            self.current = None if self.blank_run >= SECTION_BREAK else self.current
            return
        self.blank_run = 0
        if "\t" in raw.rstrip() or _is_noise(head):
            return  # a table row, a page number or a running header
        if _is_heading(head):
            self.current = None
        elif self.current is not None:
            _add_paragraph(self.current.paragraphs, head)


def _contents_lines(lines: list[str]) -> set[int]:
    """Indexes of table-of-contents lines: the block under its heading and page-tab rows."""
    skip: set[int] = set()
    state = "body"  # body -> heading (seen "Contents") -> entries (inside the block) -> body
    for index, raw in enumerate(lines):
        text = raw.strip()
        if CONTENTS_RE.match(_head(raw)[0]):
            state = "heading"
        elif state != "body" and text:
            state = "entries"
            skip.add(index)
        elif state == "entries":
            state = "body"
        if TOC_ROW_RE.match(raw) or (raw.startswith("\t") and index - 1 in skip):
            skip.add(index)
    return skip


def _add_paragraph(paragraphs: list[str], text: str) -> None:
    """Add a line as a paragraph, or join it to a paragraph a page break cut in two."""
    if paragraphs and not paragraphs[-1].endswith(TERMINAL) and text[:1].islower():
        paragraphs[-1] = f"{paragraphs[-1]} {text}"
    else:
        paragraphs.append(text)


def _resolve(occurrences: list[_Occurrence], errors: list[OutlineError]) -> dict[str, OutlineNode]:
    """Merge occurrences into one node per number, recording conflicts and missing titles."""
    strong = {o.number for o in occurrences if o.number and not o.weak}
    kept = [o for o in occurrences if not (o.weak and o.number in strong)]
    owners = {o.title.casefold(): o.number for o in reversed(kept) if o.number and o.title}
    nodes: dict[str, OutlineNode] = {}
    paragraphs: dict[str, list[str]] = {}
    for occurrence in kept:
        number = occurrence.number or owners.get(occurrence.title.casefold())
        if number and (occurrence.number is None or _merge(nodes, occurrence, errors)):
            paragraphs.setdefault(number, []).extend(occurrence.paragraphs)
    for number, node in nodes.items():
        node.description = _description(paragraphs.get(number, []))
        if not node.title:
            errors.append(OutlineError(node.line or 1, f"{number} has no title"))
    return nodes


def _merge(
    nodes: dict[str, OutlineNode], occurrence: _Occurrence, errors: list[OutlineError]
) -> bool:
    """Fold a numbered occurrence into its node; False (and an error) on a title conflict."""
    number, title = occurrence.number or "", occurrence.title
    node = nodes.setdefault(
        number, OutlineNode(number, title, number.count(".") + 1, occurrence.line)
    )
    if title and node.title and title.casefold() != node.title.casefold():
        message = f"{number} is titled {title!r} here but {node.title!r} at line {node.line}"
        errors.append(OutlineError(occurrence.line, message))
        return False
    node.title = node.title or title
    return True


def _description(paragraphs: list[str]) -> str:
    """Paragraphs joined by blank lines, without repeats and stray fragments ("eland city")."""
    kept = [p for p in paragraphs if len(p.split()) >= 4 or p.endswith(TERMINAL)]
    return "\n\n".join(dict.fromkeys(kept))


def _build(nodes: dict[str, OutlineNode]) -> Outline:
    """Link nodes to parents by number prefix, adding implied ancestors, in number order."""
    for number in list(nodes):
        parts = number.split(".")
        for size in range(1, len(parts)):
            prefix = ".".join(parts[:size])
            nodes.setdefault(prefix, OutlineNode(prefix, "", size, None))
    roots: list[OutlineNode] = []
    for number in sorted(nodes, key=_key):
        parent = nodes.get(number.rpartition(".")[0])
        (parent.children if parent else roots).append(nodes[number])
    return Outline(roots)
