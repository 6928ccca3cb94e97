"""The content security policy in a real browser: chromium walks the main pages of several
members of the cast and fails on any violation it reports (a `securitypolicyviolation` event or
a console error about the policy); htmx and kinerja.js still work under the policy.

The walk: log in, open every menu entry, then the in-app links each of those pages shows (SKP,
logs, evaluations, calibration...), at most MAX_PAGES per person.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from kinerja.testing import PASSWORD
from tests.browser.conftest import DESKTOP, log_in

# The policy is the same whatever the database: CI walks once, on PostgreSQL (conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.one_database("postgresql")]

MAX_PAGES = 40
# Links not worth opening as pages: downloads (PDF, Excel, evidence files), the API, log-out.
SKIPPED = ("/api/", "/media/", "/static/", "/keluar/", "/admin/", "/i18n/")
SKIPPED_PARTS = ("unduh", "pdf", "xlsx", "csv", "berkas", "/bukti/", "dokumen", "ekspor")

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                    " at " + e.sourceFile + ":" + e.lineNumber + " " + (e.sample || ""));
});
"""


def watch(page: Any) -> list[str]:
    """Collect policy violations: the DOM event (from an init script, which the policy does not
    govern) and chromium's console errors that name the policy."""
    problems: list[str] = []
    page.add_init_script(LISTEN)

    def on_console(message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Permissions-Policy" in text:
            problems.append(f"{page.url}: console {message.type}: {text}")

    page.on("console", on_console)
    return problems


def violations(page: Any) -> list[str]:
    try:
        found = page.evaluate("window.__csp || []")
    except Exception:  # the page is navigating away
        return []
    return [f"{page.url}: {item}" for item in found]


def links_on(page: Any, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "nav a[href], main a[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    found = []
    for href in hrefs:
        if not href or href.startswith(("#", "mailto:", "tel:")):
            continue
        parts = urlsplit(href)
        if parts.netloc and f"{parts.scheme}://{parts.netloc}" != base:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not path.startswith("/") or path.startswith(SKIPPED):
            continue
        if any(part in path.lower() for part in SKIPPED_PARTS):
            continue
        found.append(path)
    return found


def walk(page: Any, base: str, problems: list[str]) -> list[str]:
    """Open the menu entries, then the links they show; return the paths opened."""
    page.goto(f"{base}/")
    queue = links_on(page, base) + ["/akun/", "/akun/token/", "/akun/kata-sandi/"]
    opened: list[str] = []
    while queue and len(opened) < MAX_PAGES:
        path = queue.pop(0)
        if path in opened:
            continue
        response = page.goto(f"{base}{path}")
        opened.append(path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        page.wait_for_load_state("load")
        problems.extend(violations(page))
        queue.extend(link for link in links_on(page, base) if link not in opened)
    return opened


@pytest.mark.parametrize("actor", ["pegawai", "atasan", "kadis", "admin_opd", "admin_bkpsdm"])
def test_main_pages_load_without_policy_violations(live_server, cast, ev, open_page, actor):
    page = open_page(DESKTOP)
    problems = watch(page)
    page.goto(f"{live_server.url}/masuk/")
    problems.extend(violations(page))
    account = cast.accounts[actor]
    page.locator("#id_username").fill(account.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state("load")
    opened = walk(page, live_server.url, problems)
    assert len(opened) >= 3, opened
    assert not problems, "\n".join(problems)


def test_api_docs_load_without_policy_violations(live_server, cast, open_page):
    page = open_page(DESKTOP)
    problems = watch(page)
    log_in(page, live_server.url, cast.pegawai.username, PASSWORD)
    page.goto(f"{live_server.url}/api/v1/docs")
    # The OpenAPI document takes a while to build (hundreds of operations).
    page.locator(".swagger-ui .info .title").wait_for(timeout=90_000)
    problems.extend(violations(page))
    assert not problems, "\n".join(problems)


def test_htmx_and_page_scripts_work_under_the_policy(live_server, cast, open_page):
    """The live employee search (htmx), the language switch (data-autosubmit) and a
    confirmation (data-confirm) run with script-src 'self' and nothing inline."""
    page = open_page(DESKTOP)
    problems = watch(page)
    log_in(page, live_server.url, cast.atasan.username, PASSWORD)

    # htmx: typing in the search swaps the results without reloading the page.
    page.goto(f"{live_server.url}/pegawai/")
    page.evaluate("window.__same_page = true")
    page.locator("#id_q").fill("Dewi")
    # A function, not an expression string: Playwright evaluates a string with eval(), which
    # the policy blocks.
    page.wait_for_function("() => document.querySelectorAll('#results .person').length === 1")
    assert page.locator("#results .person", has_text="Dewi Pelaksana").is_visible()
    assert page.evaluate("window.__same_page === true"), "the page reloaded"
    problems.extend(violations(page))

    # kinerja.js: a form with data-confirm is not sent when the question is dismissed, and is
    # sent when it is accepted (the form is added to this page for the check).
    page.evaluate("""() => {
      const form = document.createElement("form");
      form.method = "get"; form.action = "/akun/"; form.id = "confirm-check";
      form.setAttribute("data-confirm", "Sure?");
      form.innerHTML = '<button type="submit">Go</button>';
      document.querySelector("main").append(form);
    }""")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("#confirm-check button").click()
    page.wait_for_timeout(300)
    assert urlsplit(page.url).path == "/pegawai/", "a dismissed confirmation sent the form"
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#confirm-check button").click()
    page.wait_for_url(f"{live_server.url}/akun/?")
    problems.extend(violations(page))

    # kinerja.js: choosing a language in the top bar sends the form at once.
    page.goto(f"{live_server.url}/")
    page.locator("select[name=language]").select_option("id")
    page.wait_for_function("() => document.documentElement.lang === 'id'")
    assert page.get_by_role("link", name="Beranda").first.is_visible()
    problems.extend(violations(page))
    assert not problems, "\n".join(problems)
