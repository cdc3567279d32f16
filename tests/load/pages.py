"""What the load test reads from the site's pages: forms with their fields, and links.

Plain standard library, no locust, so that `prepare.py` shares it. Not a test module:
pytest collects `test_*.py` only.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSWORD_FILE = ROOT / "var" / "load" / "password"
PLAN = "ice-sp-2021-2025"
REPORT_YEAR = 2020
# The stewards' offices own annual metrics only, which a plan collects in its Q4 call.
DATA_CALL_QUARTER = 4
SIGN_IN = "/accounts/login/"


@dataclass
class Form:
    action: str
    method: str
    classes: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    # select name -> its option values, for forms whose choices the test picks from
    options: dict[str, list[str]] = field(default_factory=dict)

    def data(self) -> dict[str, str]:
        """The fields as a browser would send them (the last value wins for a name)."""
        return dict(self.fields)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._selected: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append(
                Form(a.get("action", ""), a.get("method", "get").lower(), a.get("class", ""))
            )
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            default = "on" if kind in {"checkbox", "radio"} else ""
            self.forms[-1].fields.append((a["name"], a.get("value", default)))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []
        elif tag == "select" and a.get("name"):
            self._select, self._selected = a["name"], None
            self.forms[-1].options[a["name"]] = []
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self.forms[-1].options[self._select].append(value)
            if "selected" in a:
                self._selected = value

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            # Browsers drop the newline that follows <textarea>.
            self.forms[-1].fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            # Nothing selected: a browser sends the first option.
            choices = self.forms[-1].options[self._select]
            chosen = self._selected if self._selected is not None else (choices or [""])[0]
            self.forms[-1].fields.append((self._select, chosen))
            self._select = None


def forms_of(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def form_posting_to(html: str, action_part: str) -> Form | None:
    """The first POST form whose action contains `action_part`; "" for the form that
    posts to the page itself (no action)."""
    for form in forms_of(html):
        target = action_part in form.action if action_part else not form.action
        if form.method == "post" and target:
            return form
    return None


def links(html: str, pattern: str) -> list[str]:
    """Distinct hrefs matching the regular expression, in page order."""
    found = re.findall(rf'href="({pattern})"', html)
    return list(dict.fromkeys(found))


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if match is None:
        raise ValueError("no CSRF token on the page")
    return match.group(1)


def last_ended_q4(today: date) -> int:
    """The fiscal year whose Q4 (July-September) ended last: FY2026 from October 2026."""
    return today.year if today.month >= 10 else today.year - 1


def password() -> str:
    """The load users' password: LOAD_PASSWORD, or the file create_load_users wrote."""
    return os.environ.get("LOAD_PASSWORD") or PASSWORD_FILE.read_text(encoding="utf-8").strip()
