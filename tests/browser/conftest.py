"""Fixtures for tests that drive a real Chromium through Playwright against the live server.

Every test under tests/browser is marked `browser`, so `pytest -m "not browser"` skips them.
They need Debian's /usr/bin/chromium and the vendored assets from
`scripts/install_assets.sh`; without them the tests are skipped, except on CI (`CI=true`),
where a missing prerequisite is a failure rather than a silent skip.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

# Playwright's sync API runs an event loop in the test thread, which makes Django refuse
# ORM calls there ("SynchronousOnlyOperation") although nothing here is actually async.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BROWSER_DIR = Path(__file__).resolve().parent
BASE_DIR = BROWSER_DIR.parent.parent
CHROMIUM_PATH = Path("/usr/bin/chromium")
VENDOR_DIR = BASE_DIR / "static" / "vendor"
AXE_PATH = VENDOR_DIR / "axe-core" / "axe.min.js"
# Pages are useless without USWDS (the skip link, for one, needs its script).
USWDS_JS_PATH = VENDOR_DIR / "uswds" / "js" / "uswds.min.js"
SCREENSHOT_DIR = BASE_DIR / "test-results"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# Playwright's default of 30 s only hides a hung page; a local page answers in well under 1 s.
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this directory `browser` (this hook sees the whole session)."""
    for item in items:
        if BROWSER_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Keep each phase's report on the item so the `page` fixture can see a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def skip_or_fail(reason: str) -> None:
    """Skip locally; on CI a missing prerequisite must fail, not pass unnoticed."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    if not CHROMIUM_PATH.exists():
        skip_or_fail(
            f"{CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install chromium)."
        )
    manager = sync_playwright().start()
    yield manager
    manager.stop()


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM_PATH), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def page(request: pytest.FixtureRequest, browser: Browser, live_server) -> Iterator[Page]:
    """A fresh page in its own context (no shared cookies); screenshot saved on failure.

    bypass_csp lets `axe_check` inject axe-core once a Content-Security-Policy is in place.
    """
    for path in (USWDS_JS_PATH, AXE_PATH):
        if not path.exists():
            skip_or_fail(f"{path} is missing: run scripts/install_assets.sh.")
    context: BrowserContext = browser.new_context(bypass_csp=True, base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOT_DIR.mkdir(exist_ok=True)
        name = request.node.nodeid.replace("/", "_").replace("::", "__")
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)
    context.close()


def format_violations(violations: list[dict]) -> str:
    lines = [f"{len(violations)} axe-core violation(s):"]
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
        more = len(violation["nodes"]) - len(targets)
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" -> {'; '.join(targets)}{f' (+{more} more)' if more > 0 else ''}"
        )
    return "\n".join(lines)


def run_axe(page: Page) -> None:
    """Inject axe-core from disk and assert the page has no WCAG 2.1 A/AA or best-practice
    violations. Costs about half a second per call."""
    if not AXE_PATH.exists():
        skip_or_fail(f"{AXE_PATH} is missing: run scripts/install_assets.sh.")
    page.add_script_tag(path=str(AXE_PATH))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = results["violations"]
    assert not violations, format_violations(violations)


@pytest.fixture
def axe_check() -> Callable[[Page], None]:
    """`axe_check(page)` asserts the page as currently shown passes axe-core."""
    if not AXE_PATH.exists():
        skip_or_fail(f"{AXE_PATH} is missing: run scripts/install_assets.sh.")
    return run_axe


def sign_in(page: Page, live_server, username: str, password: str) -> None:
    """Fill in and submit the sign-in form; returns once the response page has loaded."""
    page.goto(f"{live_server.url}{reverse('login')}")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()


@pytest.fixture
def login() -> Callable[[Page, object, str, str], None]:
    """`login(page, live_server, username, password)` signs in through the form."""
    return sign_in
