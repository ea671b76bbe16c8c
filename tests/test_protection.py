"""Data protection: suppression, half-up rounding, pseudonyms, escaping, formula injection, the checker."""

from __future__ import annotations

import csv
import html
import io
import shutil

import numpy as np
import pandas as pd
import pytest

from review.cli import main
from review.config.frameworks import FRAMEWORKS
from review.config.params import load_cycle_params
from review.data import load_evidence
from review.exceptions import ParameterError
from review.protection.disclosure import (
    DisclosurePolicy,
    round_half_up,
    suppressed_rate,
)
from review.protection.linked import suppress_table
from review.protection.pseudonym import (
    DEMO_KEY,
    DEMO_MARKER,
    KEY_ENV,
    pseudonym,
    pseudonymise,
    resolve_key,
)
from review.protection.report_check import check_report, check_run_folder, raw_identifiers
from review.protection.safe_export import neutralise, write_csv, write_xlsx

PUBLISHED = DisclosurePolicy()


# --- suppression and rounding -------------------------------------------------------------------

def test_primary_suppression_and_totals():
    t = pd.DataFrame([[12, 30], [8, 15]], index=["A", "B"], columns=["Good", "Adequate"])
    out = suppress_table(t, PUBLISHED)
    assert out.loc["Total", "Total"] == "65"
    assert (out != "c").all().all()


def test_secondary_suppression_where_primary_alone_would_leak():
    # Row A: 3 is suppressed; without secondary suppression 3 = 35 - 12 - 20.
    t = pd.DataFrame([[12, 3, 20], [8, 15, 11], [30, 9, 9]], index=["A", "B", "C"], columns=["O", "G", "I"])
    out = suppress_table(t, PUBLISHED)
    for label in ["A", "B", "C", "Total"]:
        assert (out.loc[label] == "c").sum() != 1, f"row {label} leaks its one suppressed cell"
    for column in out.columns:
        assert (out[column] == "c").sum() != 1, f"column {column} leaks its one suppressed cell"
    assert out.loc["A", "G"] == "c"


@pytest.mark.parametrize("seed", range(20))
def test_secondary_suppression_never_leaves_a_lone_suppressed_cell(seed):
    rng = np.random.default_rng(seed)
    t = pd.DataFrame(rng.choice([0, 1, 2, 4, 7, 12, 30], size=(4, 5)))
    out = suppress_table(t, PUBLISHED)
    hidden = out == "c"
    assert not (hidden.sum(axis=1) == 1).any()
    assert not (hidden.sum(axis=0) == 1).any()
    small = (t.values >= 1) & (t.values <= 5)
    assert hidden.iloc[:-1, :-1].values[small].all()


def test_internal_audience_suppresses_nothing():
    t = pd.DataFrame([[1, 2], [3, 4]])
    assert (suppress_table(t, DisclosurePolicy(audience="internal")) != "c").all().all()


def test_rates_from_small_counts_and_small_groups_are_withheld():
    assert suppressed_rate(3, 40, PUBLISHED) == "c"
    assert suppressed_rate(38, 40, PUBLISHED) == "c"  # the complement is a count of 2
    assert suppressed_rate(6, 8, PUBLISHED) == "c"  # a group smaller than 10
    assert suppressed_rate(0, 0, PUBLISHED) == "z"
    assert suppressed_rate(20, 40, PUBLISHED) is None
    assert suppressed_rate(3, 40, DisclosurePolicy(audience="internal")) is None
    assert suppressed_rate(8, 40, DisclosurePolicy(high=10)) == "c"


@pytest.mark.parametrize(("value", "decimals", "expected"),
                         [(2.5, 0, 3.0), (3.5, 0, 4.0), (0.125, 2, 0.13), (82.45, 1, 82.5), (-2.5, 0, -3.0), (1.005, 2, 1.01)])
def test_round_half_up_not_bankers(value, decimals, expected):
    assert round_half_up(value, decimals) == expected


def test_rounding_base():
    out = suppress_table(pd.DataFrame([[12, 27]]), DisclosurePolicy(rounding_base=5), totals=False)
    assert out.iloc[0].tolist() == ["10", "25"]


def test_policy_is_validated():
    with pytest.raises(ParameterError, match="`audience` must be 'published' or 'internal'"):
        DisclosurePolicy(audience="public")


# --- pseudonyms ---------------------------------------------------------------------------------

def test_pseudonyms_are_stable_per_key_and_differ_between_keys():
    assert pseudonym("C100001", b"k1", "C") == pseudonym("C100001", b"k1", "C")
    assert pseudonym("C100001", b"k1", "C") != pseudonym("C100001", b"k2", "C")
    assert pseudonym("C100001", b"k1", "C") != pseudonym("C100002", b"k1", "C")
    assert pseudonym("X1", b"k1", "C").startswith("C-")


def test_key_comes_from_the_environment_before_the_demo_key(root, monkeypatch, tmp_path):
    monkeypatch.setenv(KEY_ENV, "council secret")
    assert resolve_key(root / "data" / "demo") == (b"council secret", f"environment variable {KEY_ENV}")
    monkeypatch.delenv(KEY_ENV)
    assert "demo key" in resolve_key(root / "data" / "demo")[1]
    with pytest.raises(ParameterError, match="no pseudonymisation key"):
        resolve_key(tmp_path)


def test_pseudonymised_evidence_holds_no_raw_reference(root):
    folder = root / "data" / "demo"
    raw = load_evidence(folder)
    pseudo = pseudonymise(raw, folder)
    raw_refs = raw_identifiers(folder)
    for name, frame in pseudo.tables.items():
        values = set(frame.astype(str).to_numpy().ravel())
        assert not (values & raw_refs), name
    # joins survive: a moderation still points at its original audit
    audits = pseudo.table("audits")
    moderated = audits.dropna(subset=["moderation_of"])
    assert moderated["moderation_of"].isin(set(audits["audit_id"])).all()


def test_real_data_without_a_key_stops_the_run(root, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(root / "data" / "demo", data)
    (data / DEMO_MARKER).unlink()
    params = tmp_path / "2009-Q4.yaml"
    params.write_text(f'cycle: "2009-Q4"\ndata_dir: "{data}"\n')
    assert main(["run", "--cycle", "2009-Q4", "--params", str(params), "--output-root", str(tmp_path / "o")]) == 2
    assert "no pseudonymisation key" in capsys.readouterr().err


# --- the checker --------------------------------------------------------------------------------

def test_published_demo_reports_pass_the_check(demo_run, demo_identifiers):
    code, folder = demo_run
    assert code == 0  # the publication gate passed every page: none was replaced by a failure page
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "FAILED" not in index
    for name in FRAMEWORKS:
        page = (folder / f"{name}.html").read_text(encoding="utf-8")
        assert "<title>FAILED" not in page, name
        assert (folder / f"{name}.results.json").is_file(), name
    for page in folder.glob("*.html"):
        assert check_report(page, identifiers=demo_identifiers) == [], page.name
    # every file the run wrote (results, manifest, executed notebooks): no identifier, no key
    assert all(f == [] for f in check_run_folder(folder, identifiers=demo_identifiers, key=DEMO_KEY).values())
    assert main(["check-report", str(folder)]) == 0


@pytest.fixture(scope="module")
def demo_identifiers(root):
    """The demo evidence's raw identifiers, read once for the module's checks (read-only)."""
    return frozenset(raw_identifiers(root / "data" / "demo"))


@pytest.mark.parametrize(
    ("plant", "kind"),
    [
        ("<p>Follow up case C100123 with the team.</p>", "raw identifier"),
        ("<p>Inadequate: 7.5% (3 of 40; CI 2.6% to 19.9%)</p>", "small count"),
        ('<table class="review-counts"><tr><td>Good</td><td>3</td></tr></table>', "small count"),
        ('<script src="https://cdn.example.org/x.js"></script>', "external URL"),
        ('<div class="jp-CodeMirrorEditor jp-Editor jp-InputArea-editor">import os</div>', "code cell"),
    ],
)
def test_the_check_catches_each_planted_leak(demo_run, demo_identifiers, tmp_path, plant, kind):
    _, folder = demo_run
    page = (folder / "gose_performance.html").read_text(encoding="utf-8")
    planted = tmp_path / "planted.html"
    planted.write_text(page.replace("</body>", plant + "</body>"), encoding="utf-8")
    assert demo_identifiers >= {"C100123"}
    findings = check_report(planted, identifiers=demo_identifiers)
    assert kind in {f.kind for f in findings}
    assert main(["check-report", str(planted)]) == 1


# --- hostile inputs -------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
FORMULA = '=HYPERLINK("http://evil.example","click")'


def _rewrite(path, column, old, new):
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for row in rows:
        if row[column] == old:
            row[column] = new
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(root, tmp_path_factory):
    data = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(root / "data" / "demo", data)
    for name in ("teams.csv", "workforce.csv"):
        _rewrite(data / name, "service", "Children in Care", SCRIPT)
    _rewrite(data / "self_assessments.csv", "rater", "Police", IMG)
    # Through the csv module, so the formula's quotes and comma stay inside one quoted cell (a bare
    # text replacement split it over two columns, which the reader now refuses).
    rows = list(csv.DictReader(io.StringIO((data / "self_assessments.csv").read_text(encoding="utf-8"))))
    for row in rows:
        row["evidence"] = row["evidence"].replace("see the Health return.", FORMULA)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (data / "self_assessments.csv").write_text(out.getvalue(), encoding="utf-8")
    load_evidence(data)
    return data


@pytest.mark.parametrize(("framework", "payload"), [("gose_performance", SCRIPT), ("lscb_checklist", IMG)])
def test_html_payloads_in_the_data_are_inert_in_reports(execute_notebook, root, hostile, tmp_path, framework, payload):
    """Each page prints the hostile name it holds as text: the GOSE page the service renamed in the
    teams and workforce returns, the internal LSCB page the agency renamed in the self-assessments."""
    from review.config.frameworks import FRAMEWORKS

    params = load_cycle_params(root / "params" / "2009-Q4.yaml").for_framework(framework) | {"data_dir": str(hostile)}
    if framework == "lscb_checklist":  # raters (agencies) are named only in internal reports
        params["audience"] = "internal"
    out = tmp_path / "out.ipynb"
    execute_notebook(root / "notebooks" / FRAMEWORKS[framework].notebook, out, params)
    import nbformat

    from review.batch.html_export import export_report

    page = export_report(nbformat.read(out, as_version=4), title="t", review_meta={"cycle": "2009-Q4"})
    assert SCRIPT not in page
    assert IMG not in page
    assert html.escape(payload, quote=False) in page  # shown, as text: the markup's brackets escaped


def test_exports_neutralise_formulas(tmp_path):
    frame = pd.DataFrame({"team": [FORMULA, "+cmd", "-2+3", "@SUM(A1)", "North"], "count": [1, -2, 3, 4, 5]})
    path = write_csv(frame, tmp_path / "out.csv")
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back["team"].tolist() == ["'" + FORMULA, "'+cmd", "'-2+3", "'@SUM(A1)", "North"]
    assert back["count"].tolist() == [1, -2, 3, 4, 5]  # numbers stay numbers
    xlsx = pd.read_excel(write_xlsx(frame, tmp_path / "out.xlsx"))
    assert xlsx["team"].iloc[0] == "'" + FORMULA
    assert neutralise("\tx") == "'\tx"


def test_published_demo_reports_hold_no_identifier_key_url_or_code(demo_run, demo_identifiers):
    # The demo run publishes every report, and none of its files holds a raw reference, the key,
    # an external URL, code, a pseudonym or an unmarked small number.
    from review.protection.publish_gate import BLOCKING_KINDS

    code, folder = demo_run
    assert code == 0
    assert not any("must not be used" in p.read_text(encoding="utf-8") for p in folder.glob("*.html"))
    found = check_run_folder(folder, identifiers=demo_identifiers, key=DEMO_KEY)
    assert {f.kind for fs in found.values() for f in fs} & BLOCKING_KINDS == set()


def test_a_failed_report_publishes_no_results(tmp_path):
    """A task that crashed after its notebook wrote results (its worker lost mid-publication) is a
    failed report: the gate removes the results beside its failure page, in either audience."""
    from review.batch.runner import NotebookOutcome
    from review.config.params import load_cycle_params
    from review.protection.publish_gate import guard_staging

    params = load_cycle_params("params/2009-Q4.yaml")
    (tmp_path / "governance.html").write_text("<html><body>failed</body></html>", encoding="utf-8")
    (tmp_path / "governance.results.json").write_text('{"figures": {}}', encoding="utf-8")
    failed = NotebookOutcome(framework="governance", status="failed", started="", ended="", duration_seconds=0.0,
                             error={"cell": None, "ename": "KilledWorker", "evalue": "", "traceback": ""})
    [out] = guard_staging(tmp_path, params, [failed], identifiers=set())
    assert out.status == "failed"
    assert not (tmp_path / "governance.results.json").exists()
    assert "did not complete" in (tmp_path / "governance.html").read_text(encoding="utf-8")


def test_a_withheld_page_names_the_quarter_as_every_page_does():
    """A withheld report's page names the quarter in words with its cycle id, and still says which
    report and audience it was for when the cycle names no quarter."""
    from review.protection.publish_gate import withheld_page

    page = withheld_page(title="Social care governance exercise", cycle="2009-Q4", audience="published",
                         kinds=["a count of 1 to 5"])
    assert ("<p>Social care governance exercise, Q3 2009/10 (October to December 2009) (cycle 2009-Q4), "
            "published audience.</p>") in page
    odd = withheld_page(title="Governance", cycle="spring", audience="internal", kinds=[])
    assert "<p>Governance, cycle spring, internal audience.</p>" in odd
