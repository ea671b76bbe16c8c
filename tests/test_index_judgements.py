"""The cycle index carries each framework's red/amber/green counts and items needing action."""

from __future__ import annotations

import json

from review.batch.index import write_index
from review.batch.runner import NotebookOutcome


def test_index_shows_judgements_and_marks_a_report_without_them(tmp_path):
    (tmp_path / "jar_haringey.results.json").write_text(json.dumps({
        "framework": "jar_haringey", "cycle": "2009-Q4", "headlines": [],
        "figures": {"rag_counts": {"red": 1, "amber": 2, "green": 1}, "needs_action": ["J02: <red>"]}}))
    (tmp_path / "gose_performance.results.json").write_text(json.dumps({
        "framework": "gose_performance", "cycle": "2009-Q4", "headlines": [], "figures": {}}))
    outcomes = [NotebookOutcome("jar_haringey", "ok", "", "", 1.0),
                NotebookOutcome("gose_performance", "ok", "", "", 1.0),
                NotebookOutcome("governance", "failed", "", "", 1.0)]
    write_index(tmp_path / "index.html", "2009-Q4", "published", outcomes)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "1 red; 2 amber; 1 green" in page
    assert "<span data-review-nocount>J02</span>: &lt;red&gt;" in page  # escaped; the item's id marked, not a count
    assert "not Ofsted" in page
    rows = page.split("<tr")
    gose = next(r for r in rows if "gose_performance.html" in r)
    assert "<td>:</td>" in gose  # no counts recorded: shown as not available, never as zero
    failed = next(r for r in rows if "governance.html" in r)
    assert "FAILED" in failed


def test_the_index_opens_with_the_key_messages_the_summary_recorded(tmp_path):
    import datetime as dt

    from review.config.report_meta import ReportMeta
    from review.results.figures import to_jsonable
    from review.results.key_messages import KeyMessages, Position, Priority

    km = KeyMessages("2009-Q4", ReportMeta(author="Head of QA", date=dt.date(2010, 1, 20)), True, (),
                     (Position("jar_haringey", "reported", {"red": 1, "amber": 0, "green": 2}, 1),),
                     {"red": 1, "amber": 0, "green": 2}, 1, (),
                     (Priority("jar_haringey", "J02", 4, False, ("SM",), "not yet effective", "Feedback",
                               "2009-01-28"),), (), None, True)
    (tmp_path / "jar_haringey.results.json").write_text(json.dumps({
        "framework": "jar_haringey", "cycle": "2009-Q4", "headlines": [],
        "figures": {"rag_counts": {"red": 1, "amber": 0, "green": 2}, "needs_action": ["J02: red"]}}))
    (tmp_path / "cycle_summary.results.json").write_text(json.dumps({
        "framework": "cycle_summary", "cycle": "2009-Q4", "headlines": [],
        "figures": {"key_messages": to_jsonable(km)}}))
    write_index(tmp_path / "index.html", "2009-Q4", "published", [NotebookOutcome("jar_haringey", "ok", "", "", 1.0)])
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "Author: Head of QA" in page
    assert "Date of report: 20 January 2010" in page
    assert "Across the reports: 1 red, 0 amber, 2 green; 1 needs action." in page
    assert "Accountable: SM" in page
    assert page.index("Key messages") < page.index("Every report")


def test_without_key_messages_the_index_says_so_and_prints_the_params_report_section(tmp_path):
    params = tmp_path / "cycle.yaml"
    params.write_text('cycle: "2009-Q4"\ndata_dir: "data/demo"\nreport:\n  author: "Head of QA"\n  version: "0.1"\n')
    (tmp_path / "manifest.json").write_text(json.dumps({"params_file": str(params)}))
    write_index(tmp_path / "index.html", "2009-Q4", "published", [NotebookOutcome("jar_haringey", "failed", "", "", 1.0)])
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "No key messages" in page
    assert "Author: Head of QA" in page
    assert "Approved by: not stated" in page
    assert "Version: 0.1" in page
    params.unlink()  # gone since the run began: every field reads "not stated", the index is still written
    write_index(tmp_path / "index.html", "2009-Q4", "published", [NotebookOutcome("jar_haringey", "failed", "", "", 1.0)])
    assert "Author: not stated" in (tmp_path / "index.html").read_text(encoding="utf-8")
