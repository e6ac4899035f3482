"""Browser fixtures: the app served on a loopback port, Debian's Chromium through Playwright,
and an axe-core check for every page a test visits."""

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class AxeChecker:
    """Runs axe-core on the current page; collects serious and critical violations."""

    def __init__(self, page):
        self.page = page
        self.violations = []
        self._busy = False

    def check_loaded(self):
        """Check a page that just loaded, unless the test has already navigated away from it."""
        from playwright.sync_api import Error

        try:
            self.check()
        except Error as error:
            if "context was destroyed" not in str(error):
                raise

    def _run(self) -> dict:
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.add_script_tag(path=str(AXE))
        return self.page.evaluate(
            """async (tags) => {
                const options = {runOnly: {type: 'tag', values: tags}};
                const previous = (window.__axeRun || Promise.resolve()).catch(() => null);
                window.__axeRun = previous.then(() => axe.run(document, options));
                return await window.__axeRun;
            }""",
            AXE_TAGS,
        )

    def check(self):
        # Playwright dispatches the "load" handler while a test's own check waits: on a slow machine the two
        # would inject axe twice into one document and break each other's run. One check at a time.
        if self._busy:
            return
        self._busy = True
        try:
            result = self._run()
        finally:
            self._busy = False
        for violation in result["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"]][:5]
                self.violations.append(f"{self.page.url}: {violation['id']} ({violation['impact']}) {targets}")


@pytest.fixture
def page(browser, live_server):
    """A page that allows only loopback traffic and is axe-checked after every load."""
    # reduced motion: no colour transitions, so axe sees a button under the pointer in its steady state
    context = browser.new_context(base_url=live_server, bypass_csp=True, locale="ru-RU", reduced_motion="reduce")
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(live_server) else route.abort())
    axe = AxeChecker(page)
    page.on("load", lambda _: axe.check_loaded())  # hx-boost swaps fire no "load": tests call page.axe.check()
    page.axe = axe
    yield page
    context.close()
    assert not axe.violations, "\n".join(axe.violations)


def run_worker() -> None:
    """Run the real worker (`worker.py --burst`) over what the page queued, as production would."""
    from app.extensions import db

    db.session.remove()  # the worker is another process: let it see everything committed
    worker = subprocess.run(
        [sys.executable, "worker.py", "--burst"],
        cwd=ROOT,
        env={**os.environ, "CXM_ENV": "testing"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr[-2000:]
