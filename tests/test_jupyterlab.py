"""JupyterLab as an analyst uses it: each notebook opened, run, and its explorer driven in Chromium.

The server is started as ``make lab`` starts it (:func:`review.explore.lab.lab_arguments`), on
loopback, over a copy of the notebooks (so nothing is saved into the repository), with the real
project as ``REVIEW_ROOT``. Playwright drives Debian's Chromium (``apt-get install chromium``;
playwright cannot download its own browsers here). Each notebook is opened alone in a page (a new one,
or one whose notebook was closed) and run once; the tests that read the same run share it
(:class:`_Runs`). Everything started is stopped at the end.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from warm_kernels import on_jupyter_path, warm_kernelspec

from review.batch.notebook_outputs import interactive_leftovers
from review.config.cycles import quarter_label
from review.config.frameworks import FRAMEWORKS
from review.config.paths import BATCH_ENV, ROOT_ENV
from review.explore.lab import lab_command
from review.explore.lenses import LENSES
from review.results.lab_records import LAB_RECORDS_ENV

CHROMIUM = Path(os.environ.get("REVIEW_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}: `apt-get install chromium` "
                                                      "to run the JupyterLab test"),
]

SAVED = "governance"
"""The notebook saved from the session (one suffices: the pre-save hook is the same for all)."""
NOTEBOOKS = ["governance", "gose_performance", "jar_haringey", "healthcare_commission", "lscb_checklist",
             "cycle_summary", "region_comparison"]

CELLS_JS = """() => {
  const model = window.jupyterapp.shell.currentWidget.content.model;
  const out = [];
  for (let i = 0; i < model.cells.length; i++) {
    const c = model.cells.get(i);
    if (c.type === 'code') out.push({count: c.executionCount, outputs: c.outputs.toJSON()});
  }
  return out;
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def lab(root, tmp_path_factory):
    """A JupyterLab server over a copy of the notebooks; yields (base URL, token, folder)."""
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra has it)")
    home = tmp_path_factory.mktemp("lab")
    shutil.copytree(root / "notebooks", home / "notebooks")
    port, token = _free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if k != BATCH_ENV}
    env |= {ROOT_ENV: str(root), LAB_RECORDS_ENV: str(home / "lab-records"),  # kept apart from the project
            "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
            "JUPYTER_RUNTIME_DIR": str(home / ".runtime"), "JUPYTER_DATA_DIR": str(home / ".data"),
            "JUPYTER_PLATFORM_DIRS": "1", "IPYTHONDIR": str(home / ".ipython")}
    # The notebooks' python3 kernels are forked from a template that imported the workbook once (as the
    # batch's), not launched to import it all again: a spec on JUPYTER_PATH comes before the environment's.
    template = warm_kernelspec(home / ".warm" / "kernels" / "python3")
    on_jupyter_path(env, home / ".warm")
    command = lab_command(home, extra=[f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
                                       "--no-browser", "--expose-app-in-browser",
                                       "--LabApp.news_url=", "--ServerApp.port_retries=0"])
    log = (home / "server.log").open("w")
    server = subprocess.Popen(command, cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start: {(home / 'server.log').read_text()[-2000:]}")
                time.sleep(0.5)
        yield base, token, home
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
        try:  # the kernels are in the server's process group: none may be left
            os.killpg(server.pid, 0)
            leftover = True
        except ProcessLookupError:
            leftover = False
        assert not leftover, "a JupyterLab server process was left running"
        if template is not None:  # its kernels lead sessions of their own: the server stopped each
            pid = template.process.pid
            assert template.process.poll() is None, "the kernel template ended while the server ran"
            kernels = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()  # (it reaps those ended)
            template.close()
            assert not kernels, f"JupyterLab left kernels running: {kernels}"


@pytest.fixture(scope="module")
def browser(lab, chromium):
    """The session's Chromium (one playwright loop per session), once the server is up."""
    return chromium


def _run_all(page, timeout_s: float = 480) -> list[dict]:  # a deadline for a loaded machine, not a speed claim
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext.session "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext.session.kernel",
                           timeout=60_000)
    page.wait_for_function("() => window.jupyterapp.shell.currentWidget.sessionContext.kernelDisplayStatus === 'idle'",
                           timeout=60_000)
    opened = page.evaluate("() => [...window.jupyterapp.shell.widgets('main')].map(w => w.context ? w.context.path : w.id)")
    assert len(opened) == 1, f"more than the notebook under test is open (open it with _open): {opened}"
    # the command's promise settles when the run does (the evaluation awaits it); starting the run clears
    # every code cell's count at once, and a cell's count is set by its reply
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    deadline = time.monotonic() + timeout_s
    idle_polls = 0
    while time.monotonic() < deadline:
        cells, status = page.evaluate(f"() => [({CELLS_JS})(), "
                                      "window.jupyterapp.shell.currentWidget.sessionContext.kernelDisplayStatus]")
        idle_polls = idle_polls + 1 if status == "idle" else 0
        done = all(c["count"] is not None for c in cells)
        failed = any(o.get("output_type") == "error" for c in cells for o in c["outputs"])
        if cells and status == "idle" and done and not failed:  # every cell answered: nothing more is queued
            return cells
        if cells and idle_polls >= 2 and failed:  # the cells after an error may still be refused or aborted
            return cells
        time.sleep(1 if failed else 0.2)
    pytest.fail("the notebook did not finish running")


def _open(context, base, token, name, on_error=None):
    """A new page of the browser context with only notebook ``name`` open. ``reset`` matters: the server
    keeps the workspace of the last page, so without it JupyterLab also restores the notebooks earlier
    tests opened, and the shell's current widget (which ``_run_all`` reads) may turn out to be one of
    those, never run: Run All then appears never to finish, with the kernel idle."""
    page = context.new_page()
    if on_error is not None:
        page.on("pageerror", on_error)
    page.goto(f"{base}/lab/tree/notebooks/{name}.ipynb?token={token}&reset")
    return page


def _open_again(page, name: str) -> None:
    """Open notebook ``name`` in ``page``, a JupyterLab whose notebook was closed (:meth:`_Runs.close`), as
    an analyst opens another notebook: from the running application, without loading it again (seconds
    of the browser's CPU each time). The launcher JupyterLab shows in an empty main area is closed, so
    that the notebook is the only thing open, as :func:`_run_all` requires."""
    page.evaluate("(path) => window.jupyterapp.commands.execute('docmanager:open', {path}).then(() => null)",
                  f"notebooks/{name}.ipynb")  # the widget itself is not sent back
    page.evaluate("""() => { for (const w of [...window.jupyterapp.shell.widgets('main')]) {
      if (!w.context) w.dispose(); } }""")


@pytest.fixture
def own_exports(root):
    """Removes the explorer exports a test writes into the project's ``outputs/explore/`` (the explorer
    writes there, under ``REVIEW_ROOT``); yields that folder."""
    folder = root / "outputs" / "explore"
    before = set(folder.glob("*")) if folder.is_dir() else set()
    yield folder
    for path in (set(folder.glob("*")) if folder.is_dir() else set()) - before:
        path.unlink()


def _shut_down_kernels(base: str, token: str, name: str) -> None:
    """Shut down the kernel of notebook ``name`` and wait for it."""
    request = urllib.request.Request(f"{base}/api/sessions?token={token}")
    with urllib.request.urlopen(request, timeout=10) as r:
        sessions = json.loads(r.read())
    for session in sessions:
        if Path(session["path"]).name != f"{name}.ipynb":
            continue
        delete = urllib.request.Request(f"{base}/api/sessions/{session['id']}?token={token}", method="DELETE")
        urllib.request.urlopen(delete, timeout=30).close()


@dataclass(frozen=True)
class _Run:
    """A notebook opened in a page and run once (:func:`_run_all`): the page, the code cells as run,
    and the page's errors since the notebook opened."""

    page: Any
    cells: list[dict]
    errors: list[str]


class _Runs:
    """The notebooks this module has run, each kept open in its page for the later tests that read the
    same run (one kernel start and one run per notebook, not per test). A test that changes a run past
    reading (reruns it broken) closes it; a closed or never opened notebook is opened and run on demand,
    in the page a closed one left if there is one (:func:`_open_again`), else in a new page."""

    def __init__(self, browser, base: str, token: str, shots: Path) -> None:
        self.base, self.token, self.shots = base, token, shots
        # one context for every page: JupyterLab's scripts are fetched and compiled once, then cached
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.open: dict[str, _Run] = {}
        self.free: list[Any] = []  # pages whose notebook was closed
        self.errors_of: dict[Any, dict[str, list[str]]] = {}  # each page's errors since its notebook opened
        self.stopping: dict[str, threading.Thread] = {}
        self.failures: list[str] = []

    def run(self, name: str) -> _Run:
        if name not in self.open:
            if name in self.stopping:  # else JupyterLab would join the session still being shut down
                self.stopping.pop(name).join()
            errors: list[str] = []
            reused = bool(self.free)
            if reused:
                page = self.free.pop()
                self.errors_of[page]["errors"] = errors  # what the page reports from now on
            else:
                current = {"errors": errors}
                page = _open(self.context, self.base, self.token, name,
                             on_error=lambda exc, current=current: current["errors"].append(str(exc)))
                self.errors_of[page] = current
            try:
                if reused:
                    _open_again(page, name)
                self.open[name] = _Run(page, _run_all(page), errors)
            except Exception:
                page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)
                page.close()
                _shut_down_kernels(self.base, self.token, name)
                raise
        return self.open[name]

    def close(self, name: str) -> None:
        """Close the notebook (its page stays, for the next notebook to open) and shut its kernel down, in
        the background (:meth:`wait` waits for it). Closed without the unsaved-changes dialog: a test that
        broke a run leaves it changed."""
        run = self.open.pop(name, None)
        if run is not None:
            run.page.evaluate("() => { for (const w of [...window.jupyterapp.shell.widgets('main')]) w.dispose(); }")
            self.free.append(run.page)
            stop = threading.Thread(target=self._shut_down, args=(name,))
            stop.start()
            self.stopping[name] = stop

    def _shut_down(self, name: str) -> None:
        try:
            _shut_down_kernels(self.base, self.token, name)
        except Exception as exc:  # noqa: BLE001 -- reported by wait(), in the test's thread
            self.failures.append(f"{name}: {exc!r}")

    def wait(self) -> None:
        """Close every notebook still open and wait for every kernel to be shut down."""
        for name in list(self.open):
            self.close(name)
        for stop in self.stopping.values():
            stop.join()
        self.context.close()
        assert not self.failures, f"a kernel could not be shut down: {self.failures}"


@pytest.fixture(scope="module")
def runs(lab, browser, tmp_path_factory) -> Iterator[_Runs]:
    """This module's runs of the notebooks (:class:`_Runs`); every page closed and kernel shut down at the end."""
    base, token, _ = lab
    kept = _Runs(browser, base, token, tmp_path_factory.mktemp("lab-shots"))
    yield kept
    kept.wait()


@contextlib.contextmanager
def _shot_on_failure(page, shot: Path) -> Iterator:
    """On a failure inside, a screenshot of ``page`` to ``shot``."""
    try:
        yield page
    except Exception:
        page.screenshot(path=str(shot), full_page=True)
        raise


READ_AGAIN = ("governance", "gose_performance")
"""The notebooks whose run later tests of this module read too: kept open after their own test."""


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_in_jupyterlab_and_its_explorer_responds(root, lab, runs, name, tmp_path):
    _, _, home = lab
    session_records = home / "lab-records" / "2009-Q4"  # what the notebooks run before this one kept
    kept_before = sorted(p.name.removesuffix(".results.json") for p in session_records.glob("*.results.json"))
    run = runs.run(name)
    try:
        with _shot_on_failure(run.page, tmp_path / f"{name}.png"):
            _check_run(run, name, home, session_records, kept_before)
    finally:
        if name not in READ_AGAIN:
            runs.close(name)
    if name != SAVED:
        return
    # Saved from the session: no widget state ("model not found" on reopening), no session
    # outputs, and the regression anchors exactly as committed.
    saved = _whole(home / "notebooks" / f"{name}.ipynb")  # autosave may be writing it again
    assert saved is not None, "the saved notebook never parsed"
    committed = json.loads((root / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    assert interactive_leftovers(saved) == []
    assert [c.get("outputs") for c in saved["cells"]] == [c.get("outputs") for c in committed["cells"]]


def test_the_notebooks_kernels_are_forked_from_the_warm_template(lab, runs):
    """The server's ``python3`` kernels come from the lab's warm spec: while a notebook is open, its
    kernel is a child of that spec's template (forked, with the workbook imported), not a process
    the server launched to import it all again."""
    _, _, home = lab
    spec = json.loads((home / ".warm" / "kernels" / "python3" / "kernel.json").read_text(encoding="utf-8"))
    if "kernel_provisioner" not in spec.get("metadata", {}):
        pytest.skip("this platform cannot fork: the spec is ipykernel's own")
    address = spec["metadata"]["kernel_provisioner"]["config"]["template"]
    runs.run(SAVED)  # open: its kernel is running
    sharing = {}  # the template and its forks: a fork keeps the template's command line
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if entry.name.isdigit() and address in (entry / "cmdline").read_bytes().decode(errors="replace"):
                sharing[entry.name] = (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]  # its parent
    (template,) = [pid for pid, parent in sharing.items() if parent not in sharing]
    assert Path(f"/proc/{template}/task/{template}/children").read_text().split(), \
        "no kernel is a child of the warm template"


def _check_run(run: _Run, name: str, home: Path, session_records: Path, kept_before: list[str]) -> None:
    """The checks of :func:`test_notebook_runs_in_jupyterlab_and_its_explorer_responds` on the notebook's run:
    no error, its results kept for the summary, its explorer responding (and back), and the saved notebook."""
    page, cells = run.page, run.cells
    failed = [o for c in cells for o in c["outputs"] if o.get("output_type") == "error"]
    assert not failed, f"{name}: {json.dumps(failed)[:2000]}"
    if name in FRAMEWORKS and not FRAMEWORKS[name].after_others:  # kept for the summary, apart from batch runs
        assert json.loads((session_records / f"{name}.results.json").read_text())["framework"] == name
    if name == "cycle_summary":  # it reads what this session's notebooks kept, and says so; else the batch run
        shown = [o["data"]["text/html"] for c in cells for o in c["outputs"] if "text/html" in o.get("data", {})]
        note = next(h for h in shown if 'class="review-source"' in h)  # read from the model: JupyterLab
        rows = next(h for h in shown if 'id="T_framework_status"' in h).split("<tr>")[2:]  # renders what is in view
        if kept_before:
            assert "recorded by notebooks run in JupyterLab" in note, note
            for framework in kept_before:
                assert html.escape(FRAMEWORKS[framework].title) in note
                row = next(r for r in rows if f'href="{framework}.ipynb"' in r)  # a link to the notebook
                assert "<td>Reported</td>" in row, row
            judged = [n for n, fw in FRAMEWORKS.items() if not fw.after_others]
            assert sum("<td>Not run this cycle</td>" in r for r in rows) == len(judged) - len(kept_before)
        else:
            assert "batch results" in note, note
    if name not in LENSES:
        if name == "region_comparison":  # its explorer: authority, measure, cycle and the funnel position
            page.locator("#T_explore-region").wait_for(timeout=30_000)
            assert "position" in page.locator("#T_explore-region").inner_text()
        return
    table = page.locator(f"#T_explore-{name}")
    table.wait_for(timeout=30_000)
    before = table.inner_html()
    assert "INTERNAL figures" in page.locator(".review-explorer-banner").inner_text()
    picker = page.locator(".widget-dropdown select").nth(1)  # the first filter after the quarter
    values = picker.locator("option").all_inner_texts()
    chosen = picker.evaluate("(el) => el.options[el.selectedIndex].text")
    changed = "([id, old]) => { const t = document.getElementById(id); return t && t.innerHTML !== old; }"
    picker.select_option(label=values[1])
    page.wait_for_function(changed, arg=[f"T_explore-{name}", before], timeout=30_000)
    assert table.inner_html() != before
    # and back: the filter as it was gives the table as it was (later tests read this run as it opened)
    picker.select_option(label=chosen)
    page.wait_for_function("([id, old]) => { const t = document.getElementById(id); return t && t.innerHTML === old; }",
                           arg=[f"T_explore-{name}", before], timeout=30_000)
    assert not run.errors, run.errors
    if name != SAVED:
        return
    saved_path = home / "notebooks" / f"{name}.ipynb"
    stamp = saved_path.stat().st_mtime_ns
    page.evaluate("() => { window.jupyterapp.commands.execute('docmanager:save'); }")  # not awaited
    assert _saved(saved_path, stamp), "the notebook was not saved"


def _saved(path: Path, stamp: int, wait: float = 30.0) -> bool:
    """Whether ``path`` was written after ``stamp`` and is whole again within ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while path.stat().st_mtime_ns == stamp and time.monotonic() < deadline:
        time.sleep(0.2)
    return path.stat().st_mtime_ns != stamp and _whole(path, max(1.0, deadline - time.monotonic())) is not None


def _whole(path: Path, wait: float = 30.0) -> dict | None:
    """The notebook at ``path`` once it parses, within ``wait`` seconds (else None): the server
    writes a saved notebook in place (its atomic writing keeps a backup, not a temporary file), so a
    reader can meet it empty or half written."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except ValueError:  # being written
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.2)


def _code_index(page, nth: int) -> int:
    """The notebook index of the ``nth`` code cell."""
    return page.evaluate("""(nth) => { const m = window.jupyterapp.shell.currentWidget.content.model; let k = -1;
      for (let i = 0; i < m.cells.length; i++) { if (m.cells.get(i).type === 'code' && ++k === nth) return i; }
      return -1; }""", nth)


def test_an_explorer_works_from_the_keyboard_alone(runs, tmp_path):
    """Inside JupyterLab, with the focus on a filter: ArrowDown changes the filter (not the notebook's
    cell), the table changes and the live region says so; Tab reaches the audience toggle, Space
    presses it and aria-pressed follows; the focus ring is visible."""
    page = runs.run("governance").page
    with _shot_on_failure(page, tmp_path / "keyboard.png"):
        table = page.locator("#T_explore-governance")
        table.wait_for(timeout=30_000)
        page.wait_for_function("() => document.querySelector('.review-explorer[data-lm-suppress-shortcuts]')",
                               timeout=30_000)
        before, active = table.inner_html(), page.evaluate(
            "() => window.jupyterapp.shell.currentWidget.content.activeCellIndex")
        picker = page.locator(".review-explorer .widget-dropdown select").nth(1)  # the first filter after the quarter
        picker.focus()
        page.keyboard.press("ArrowDown")
        page.wait_for_function("([id, old]) => { const t = document.getElementById(id); return t && t.innerHTML !== old; }",
                               arg=["T_explore-governance", before], timeout=30_000)
        assert page.evaluate("() => window.jupyterapp.shell.currentWidget.content.activeCellIndex") == active
        assert picker.evaluate("(el) => el === document.activeElement")
        outline = picker.evaluate("(el) => getComputedStyle(el).outlineWidth")
        assert outline == "3px", outline
        status = page.locator(".review-explorer-status")
        assert status.get_attribute("role") == "status"
        assert status.get_attribute("aria-live") == "polite"
        assert status.inner_text().startswith("Table updated:")
        published = page.locator(".review-explorer .widget-toggle-button", has_text="published")
        assert published.get_attribute("aria-pressed") == "false"
        published.focus()
        page.keyboard.press("Space")
        page.wait_for_function("() => { const b = [...document.querySelectorAll('.review-explorer .widget-toggle-button')]"
                               ".find(e => e.textContent.includes('published')); return b && "
                               "b.getAttribute('aria-pressed') === 'true'; }", timeout=30_000)
        page.wait_for_function("() => document.querySelector('.review-explorer-banner').innerText.includes('Published view')",
                               timeout=30_000)
        # near the top, a link skips the set-up and the report to the explorer: Enter on it scrolls there
        skip = page.locator(".jp-RenderedMarkdown a", has_text="Skip to the explorer").first
        skip.focus()
        page.keyboard.press("Enter")
        heading = page.locator("[data-jupyter-id='Explore-(JupyterLab-only)']").last
        page.wait_for_function("(el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }",
                               arg=heading.element_handle(), timeout=30_000)


def test_the_published_explorer_gives_the_reports_figure_and_exports_it_as_data(lab, runs, own_exports, tmp_path):
    """GOSE in JupyterLab, switched to the published view: the quarter's line of the explorer's
    trend is the report's own recorded figure (its n, its rate), and Export Excel writes a workbook
    that pandas reads back with numbers as numbers, the filters and audience recorded, the filters
    in its name, and a link to it in the notebook."""
    _, _, home = lab
    run = runs.run("gose_performance")
    page, cells = run.page, run.cells
    with _shot_on_failure(page, tmp_path / "published-export.png"):
        recorded = [o["data"]["application/vnd.review.results+json"] for c in cells for o in c["outputs"]
                    if "application/vnd.review.results+json" in o.get("data", {})][-1]
        report = recorded["figures"]["case_files_good_or_better_final"]  # what the report prints, unrounded
        cycle, n, rate = recorded["cycle"], report["n"], report["statistic"]
        page.locator(".review-explorer .widget-toggle-button", has_text="published").click()
        page.wait_for_function("() => document.querySelector('.review-explorer-banner').innerText"
                               ".includes('Published view')", timeout=30_000)
        trend_rows = """() => [...document.querySelectorAll('#T_explore-trend-gose_performance tr')]
          .map(r => [...r.children].map(c => c.innerText))"""
        # the table is redrawn after the banner (and again as the page's registry joins): the rows are
        # read in the same evaluation that finds this quarter's row, never in a later one
        label = quarter_label(cycle)  # named as the pages name it
        rows = page.wait_for_function(f"(label) => {{ const rows = ({trend_rows})(); "
                                      "return rows.length > 1 && rows.some(r => r[0] === label) && rows; }",
                                      arg=label, timeout=30_000).json_value()
        header, line = rows[0], next(r for r in rows if r[0] == label)
        shown = dict(zip(header, line, strict=True))
        assert shown["case files"] == str(n)
        assert shown["final grade Good or better"] == str(round(rate * n))
        assert shown["rate"] == f"{rate:.1%}"
        page.locator(".review-explorer button", has_text="Export Excel").click()
        link = page.locator(".review-explorer a", has_text=".xlsx")
        link.wait_for(timeout=30_000)
        assert page.locator(".review-explorer", has_text="Saved:").count() == 1
        book = (home / "notebooks" / link.inner_text()).resolve()  # the link is relative to the notebook
        assert book.parent == own_exports
        assert "-published-selection-random-" in book.name  # audience and filter in the file name
        sheets = pd.read_excel(book, sheet_name=None)
        trend = sheets["quarter by quarter"].set_index("quarter")
        assert pd.api.types.is_numeric_dtype(trend["rate"]), trend.dtypes
        assert trend.loc[cycle, "case files"] == n
        assert trend.loc[cycle, "rate"] == pytest.approx(rate, abs=1e-12)  # a number, unrounded
        about = sheets["about"].set_index("field")["value"]
        assert (about["audience"], about["cycle"], about["filter: selection"]) == ("published", cycle, "random")
        assert about["caption"].startswith("Case-file audits")
        assert about["basis"].startswith("Basis: case-file audits")


def test_a_misspelt_parameter_stops_every_later_cell(runs, tmp_path):
    """A good run, then the parameter misspelt and Run All again: the check shows the error, no later
    cell shows a figure from the earlier run, and a later cell run on its own says it was not run."""
    page = runs.run("governance").page  # the good run
    try:
        with _shot_on_failure(page, tmp_path / "misspelt.png"):
            params = _code_index(page, 0)
            page.evaluate("""(i) => { const c = window.jupyterapp.shell.currentWidget.content.model.cells.get(i);
              c.sharedModel.setSource(c.sharedModel.getSource().replace("cycle: str", "cylce: str")); }""", params)
            cells = _run_all(page)
            errors = [i for i, c in enumerate(cells) if any(o.get("output_type") == "error" for o in c["outputs"])]
            assert errors[0] == 1, errors  # the check cell (second code cell) fails first
            for i in errors[1:]:  # JupyterLab may go on running below it: each such cell refuses, naming the error
                assert {o.get("ename") for o in cells[i]["outputs"] if o.get("output_type") == "error"} == {"NotRun"}
                assert "not run: fix the error above" in json.dumps(cells[i]["outputs"])
            assert "cylce" in json.dumps(cells[1]["outputs"])
            for cell in cells[2:]:  # no figure, table or widget below the error: nothing stale
                assert not [o for o in cell["outputs"] if o.get("output_type") in ("display_data", "execute_result")]
            later = _code_index(page, 3)
            page.evaluate("""(i) => { const nb = window.jupyterapp.shell.currentWidget.content; nb.activeCellIndex = i;
              return window.jupyterapp.commands.execute('notebook:run-cell'); }""", later)
            page.wait_for_function("""(i) => { const c = window.jupyterapp.shell.currentWidget.content.model.cells.get(i);
              return c.outputs.length > 0; }""", arg=later, timeout=60_000)
            shown = page.evaluate("""(i) => window.jupyterapp.shell.currentWidget.content.model.cells.get(i)
              .outputs.toJSON()""", later)
            assert [o["output_type"] for o in shown] == ["error"]
            assert shown[0]["evalue"].startswith("not run: fix the error above")
    finally:
        runs.close("governance")  # its run is broken now: a later test that reads it runs it again
