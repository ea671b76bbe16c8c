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
