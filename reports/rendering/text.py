"""Inline text rules shared by the HTML and Word renderers, so both link the same things.

Footnotes are plain text written by staff; a web address in one becomes a link (WCAG asks
that a link be operable, not just printed). Only http(s) and mailto targets are ever
linked: a document's text must not be able to smuggle in a `javascript:` URL.
"""

from __future__ import annotations

import re

_URL = re.compile(r"https?://[^\s<>\"]+")
_TRAILING = ".,;:!?)]}'"  # punctuation that ends the sentence, not the address
SAFE_SCHEMES = ("http://", "https://", "mailto:")


def link_parts(text: str) -> list[tuple[str, str]]:
    """`text` split into (text, href) pieces; href is "" for plain text.
    "See https://x.gov/a." -> [("See ", ""), ("https://x.gov/a", "https://x.gov/a"), (".", "")]
    """
    parts: list[tuple[str, str]] = []
    position = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        if match.start() > position:
            parts.append((text[position : match.start()], ""))
        parts.append((url, url))
        position = match.start() + len(url)
    if position < len(text):
        parts.append((text[position:], ""))
    return parts


def safe_href(link: str) -> str:
    """The link when it is a web, mail or in-document address, else "" (rendered as text)."""
    return link if link.startswith((*SAFE_SCHEMES, "#")) else ""
