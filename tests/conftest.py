"""Shared fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from review.config.paths import BATCH_ENV, project_root

# Kernels started by the tests (papermill, nbval) inherit this: notebooks run as in the batch.
os.environ[BATCH_ENV] = "1"


@pytest.fixture(scope="session")
def root() -> Path:
    """The project root of the checkout under test."""
    return project_root()


@pytest.fixture
def write_params(tmp_path: Path):
    """Write a params file from text and return its path."""

    def _write(text: str, name: str = "cycle.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory, root):
    """The batch run of the demo cycle (published audience) into a temporary folder: (exit code, cycle folder)."""
    from review.cli import main

    out = tmp_path_factory.mktemp("outputs")
    code = main(["run", "--cycle", "2009-Q4", "--output-root", str(out), "--quiet"])
    return code, out / "2009-Q4"


CHROMIUM = Path(os.environ.get("REVIEW_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by playwright, one per test session (the sync API allows one loop)."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: `apt-get install chromium` (as root) to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra has it)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
