"""Browser journeys: Playwright driving the system Chromium (Debian package chromium).

Without Chromium the journeys are skipped with one clear line; under CI (CI=true) a
missing browser is a failure, so the journeys always run there.
"""

import os
import shutil

import pytest
from playwright.sync_api import sync_playwright

from tests.demo_snapshot import seed_demo

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls
# from a thread with a running loop unless told it is safe, and here it is: the loop
# only drives the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or ""
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
MISSING = "browser journeys skipped: no Chromium found (apt-get install chromium)"


def pytest_report_header(config):
    if not CHROMIUM:
        return f"{MISSING}{' — FAILING because CI=true' if IN_CI else ''}"
    return f"browser journeys: {CHROMIUM}"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM or IN_CI:
        return
    skip = pytest.mark.skip(reason=MISSING)
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.fail(f"CI=true but {MISSING}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = []

    def on_console(message):
        # A 404 page we navigated to on purpose logs "Failed to load resource";
        # broken assets are caught by on_response below instead.
        if message.type == "error" and "Failed to load resource" not in message.text:
            problems.append(message.text)

    def on_response(response):
        if "/static/" in response.url and response.status >= 400:
            problems.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", on_response)
    yield page
    context.close()
    # A CSP violation, a script error or a missing asset is a defect.
    assert not problems, problems


@pytest.fixture
def demo(transactional_db):
    """The demo's data, seeded once per test process and copied back for each
    journey after that (tests/demo_snapshot.py)."""
    seed_demo()


def sign_in(page, username, password="carehub-demo"):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
