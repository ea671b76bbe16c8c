"""A council's own suppression threshold publishes every page whose numbers are not counts of people.

A council may choose a ``suppression_threshold`` above 5. At 9, the demo's published 2009-Q4 had its
JAR, Healthcare Commission, governance and cycle summary pages withheld and its index flagged,
though none of the numbers the check found was a count of people: a framework's title ("the 7
headline issues": seven items), the workbook's own scale ("7 or more out of 10", "0-10"), a council's
indicator name ("within 7 working days") and a source item's words ("at least 6 monthly"). Each
is now declared where it is written: quoted as the source's declared words
(:func:`review.protection.report_check.source_texts`) or marked as not a count. A count planted
beside them, or inside a quote span whose words are not the source's, is still found.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from review.batch.page_hygiene import quote_sources
from review.batch.publish import NotebookOutcome, RunSummary
from review.cli import main
from review.protection.report_check import check_file, source_spans, source_texts

CYCLE = "2009-Q4"


def _params(root: Path, folder: Path, threshold: int, data: Path) -> Path:
    text = (root / "params" / f"{CYCLE}.yaml").read_text(encoding="utf-8")
    text = text.replace('data_dir: "data/demo"', f'data_dir: "{data}"\nsuppression_threshold: {threshold}')
    text = text.replace('thresholds_file: "params/thresholds/demo.yaml"',
                        f'thresholds_file: "{root / "params" / "thresholds" / "demo.yaml"}"')
    assert f"suppression_threshold: {threshold}" in text
    params = folder / "params.yaml"
    params.write_text(text, encoding="utf-8")
    return params


def _run(root: Path, folder: Path, threshold: int, data: Path, frameworks: tuple[str, ...] = ()) -> tuple[int, Path]:
    params = _params(root, folder, threshold, data)
    out = folder / "outputs"
    args = ["run", "--cycle", CYCLE, "--params", str(params), "--output-root", str(out), "--quiet"]
    for fw in frameworks:
        args += ["--framework", fw]
    return main(args), out / CYCLE


def _published_clean(code: int, folder: Path, threshold: int) -> None:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert [(n["framework"], n["status"], n["error"]) for n in manifest["notebooks"]] == [
        (n["framework"], "ok", None) for n in manifest["notebooks"]]
    assert manifest["status"] == "ok"
    assert code == 0
    for page in folder.glob("*.html"):  # the gate again, by hand: nothing it would withhold
        assert [str(f) for f in check_file(page, threshold=threshold)] == [], page.name


def _demo(threshold: int, threshold_run) -> tuple[int, int, Path]:
    _, code, out = threshold_run(threshold)
    return threshold, code, out / CYCLE


@pytest.fixture(scope="module", params=[9, 3])
def demo_at(request, threshold_run) -> tuple[int, int, Path]:
    """The demo's published 2009-Q4 under a council's threshold of 9, and of 3."""
    return _demo(request.param, threshold_run)


@pytest.fixture(scope="module")
def demo9(threshold_run) -> tuple[int, int, Path]:
    """The demo's published 2009-Q4 under a council's threshold of 9."""
    return _demo(9, threshold_run)


def test_the_demo_publishes_every_page_at_the_councils_threshold(demo_at):
    threshold, code, out = demo_at
    _published_clean(code, out, threshold)
    assert {p.stem for p in out.glob("*.html")} == {"index", "gose_performance", "jar_haringey", "healthcare_commission",
                                                    "lscb_checklist", "governance", "cycle_summary"}


def test_the_numbers_that_were_flagged_are_shown_and_declared(demo9):
    _, _, out = demo9
    hc = (out / "healthcare_commission.html").read_text(encoding="utf-8")
    assert '<span class="review-quote">Healthcare Commission review: the 7 headline issues</span>' in hc  # <h1>
    assert '<span class="review-quote">The 7 headline issues</span> and the lead role' in hc  # <h2>
    assert "<title>Healthcare Commission review: the 7 headline issues" in hc  # read by declaration
    governance = (out / "governance.html").read_text(encoding="utf-8")
    assert "rating it 7 or more out of 10" in governance
    assert "Share scoring 7 or more" in governance
    jar = (out / "jar_haringey.html").read_text(encoding="utf-8")
    assert "within 7 working days of referral" in jar
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "at least 6 monthly.</span>" in index  # G08's words quoted, "LA" not reworded inside them
    assert "responsibility of the LA) – at least 6 monthly" in index


@pytest.fixture(scope="module")
def renamed_council(tmp_path_factory, root) -> tuple[int, Path]:
    """A council whose JAR stocktake reads an indicator it names with a number in it, "seen within 8
    days" (the demo's initial assessments under the council's own name, declared in its
    indicator_definitions), at a threshold of 9."""
    folder = tmp_path_factory.mktemp("renamed")
    data = folder / "data"
    shutil.copytree(root / "data" / "demo", data)
    emap = (data / "evidence_map.csv").read_text(encoding="utf-8").splitlines()
    row = next(i for i, r in enumerate(emap) if r.startswith("jar_haringey,J05,indicator,NI59,"))
    emap[row] = emap[row].replace(",NI59,", ",seen within 8 days,")
    (data / "evidence_map.csv").write_text("\n".join(emap) + "\n", encoding="utf-8")
    rows = (data / "indicators.csv").read_text(encoding="utf-8").splitlines()
    rows += [r.replace(",NI59,", ",seen within 8 days,") for r in rows if ",NI59," in r]
    (data / "indicators.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    with (data / "indicator_definitions.csv").open("a", encoding="utf-8") as definitions:
        definitions.write("seen within 8 days,NI-2008,Initial assessments seen within 8 days of referral,"
                          "initial assessments seen within 8 days,initial assessments,yes,no,yes,8,"
                          "the council's own measure\n")
    # the pages that read the indicator (the JAR stocktake, GOSE's indicators) and the summary quoting them
    return _run(root, folder, 9, data, ("gose_performance", "jar_haringey", "cycle_summary"))


def test_a_council_label_holding_a_number_is_a_name_not_a_count(renamed_council):
    code, out = renamed_council
    _published_clean(code, out, 9)
    assert ("seen within 8 days (Initial assessments seen within 8 days of referral; target 80%)"
            in (out / "jar_haringey.html").read_text(encoding="utf-8"))


def test_a_count_planted_beside_a_declared_text_is_still_found(demo9, tmp_path):
    _, _, out = demo9
    jar = (out / "jar_haringey.html").read_text(encoding="utf-8")
    label = "within 7 working days of referral"
    assert label in jar
    planted = tmp_path / "jar_haringey.html"
    planted.write_text(jar.replace(label, label + "</span> 3 children<span>", 1), encoding="utf-8")
    assert [f.kind for f in check_file(planted, threshold=9)] == ["small count"]


@pytest.mark.parametrize(("body", "found"), [
    ('<p><span class="review-quote">Healthcare Commission review: the 7 headline issues</span></p>', False),
    ('<p><span class="review-quote">G08. Inspections of all regulated services (i.e. adoptions &amp; fostering, '
     "children's homes which are the responsibility of the LA) – at least 6 monthly.</span></p>", False),
    ('<p><span class="review-quote">    L4.2. The use of data</span></p>', False),  # the source's numbering
    ('<p><span class="review-quote">3 children</span></p>', True),  # not the source's words
    ('<p><span class="review-quote">the 7 headline issues, 3 children</span></p>', True),  # a count beside them
    ('<p><span class="review-quote">the 7 headline issues</span> and 3 children</p>', True),
    ('<p><span class="review-quote">Nine <b>children</b></span></p>', True),  # in words, across a tag
    ("<p>the 7 headline issues</p>", True),  # unquoted: undeclared
    ('<td><span data-review-nocount>seen within 8 days</span> 3 children</td>', True),  # beside a label
])
def test_a_quote_span_exempts_only_the_sources_declared_words(tmp_path, body, found):
    page = tmp_path / "page.html"
    page.write_text(f"<html><head><title>x</title></head><body>{body}</body></html>", encoding="utf-8")
    assert bool(check_file(page, threshold=9)) is found


@pytest.mark.parametrize(("title", "found"), [
    ("Healthcare Commission review: the 7 headline issues, Q3 2009/10", False),
    ("Healthcare Commission review: the 7 headline issues, 3 children", True),
    ("3 headline issues", True),  # not a declared title
])
def test_a_pages_title_is_read_by_declaration(tmp_path, title, found):
    page = tmp_path / "page.html"
    page.write_text(f"<html><head><title>{title}</title></head><body></body></html>", encoding="utf-8")
    assert bool(check_file(page, threshold=9)) is found


def test_the_declared_texts_are_the_sources_and_the_titles():
    texts = source_texts()
    assert "the 7 headline issues" in texts  # the part of a framework's title after its colon
    assert "Healthcare Commission review: the 7 headline issues" in texts
    assert any(t.endswith("– at least 6 monthly.") for t in texts)  # G08's words
    assert "children" not in texts
    # what a writer quotes: only declared words holding a number, at word boundaries
    assert source_spans("Not one of the 7 headline issues: 3 children") == [(11, 32)]
    assert source_spans("the 17 headline issues") == []


def test_the_last_pass_quotes_a_notebooks_heading_and_leaves_a_count_beside_it():
    page = quote_sources("<h2>The 7 headline issues and 3 children</h2>")
    assert page == '<h2><span class="review-quote">The 7 headline issues</span> and 3 children</h2>'


def test_the_cli_names_a_withheld_index_apart_from_failed_reports(monkeypatch, capsys, root, tmp_path):
    """The gate fails every report when the run's index or manifest is withheld, though each report's
    page was published and the manifest says it is ok: the last line says which it was."""
    import review.cli as cli

    def outcome(name: str, evalue: str | None) -> NotebookOutcome:
        error = None if evalue is None else {"cell": None, "ename": "DisclosureCheck", "evalue": evalue,
                                             "traceback": ""}
        return NotebookOutcome(name, "failed" if evalue else "ok", "", "", 0.0, error)

    summary = RunSummary(CYCLE, tmp_path, (outcome("jar_haringey", "withheld before publication: small count"),
                                           outcome("governance", "run files withheld: small count"),
                                           outcome("lscb_checklist", "run files withheld: small count")))
    monkeypatch.setattr(cli, "run_cycle", lambda *a, **k: summary)
    code = main(["run", "--cycle", CYCLE, "--params", str(root / "params" / f"{CYCLE}.yaml"),
                 "--output-root", str(tmp_path), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert "FAILED: jar_haringey (see their failure pages)" in err
    assert "governance" not in err
    assert "lscb_checklist" not in err
    assert "the run's index or manifest was withheld (small count)" in err
