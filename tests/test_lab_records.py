"""Notebooks run in a ``review lab`` session keep their results apart, and the cycle summary there reads them.

Everything here is hand-built: two frameworks' records with the counts written out, a batch run's
folder beside them, and the environment each case runs in (the tests' own sets ``REVIEW_BATCH``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from review.config.params import COMMON_PARAMS, RunParameters
from review.config.paths import BATCH_ENV
from review.results import summary as cycle_summary
from review.results.figures import load_cycle_results, record
from review.results.history import OUTPUT_ROOT_ENV
from review.results.lab_records import LAB_RECORDS_ENV, keep, lab_root, summary_source
from review.views.results_source import report_href, source_note

DEFAULTS = {p.name: p.default for p in COMMON_PARAMS}


def _params(framework: str, **values) -> RunParameters:
    extra = {"results_dir": "", "params_file": ""} if framework == "cycle_summary" else {}
    return RunParameters(framework, DEFAULTS | extra | values)


def _jar(red: int, amber: int, green: int, actions: list[str]):
    return record("jar_haringey", "2009-Q4", {"rag_counts": {"red": red, "amber": amber, "green": green},
                                              "needs_action": actions, "changes": []}, headlines=["JAR line"])


@pytest.fixture
def session(tmp_path, monkeypatch):
    """A ``review lab`` session: its records folder named, no batch run under way, the batch runs'
    output root in the temporary folder too."""
    monkeypatch.delenv(BATCH_ENV, raising=False)
    monkeypatch.setenv(LAB_RECORDS_ENV, str(tmp_path / "lab"))
    monkeypatch.setenv(OUTPUT_ROOT_ENV, str(tmp_path / "outputs"))
    return tmp_path


def test_nothing_is_kept_outside_a_session(tmp_path, monkeypatch):
    monkeypatch.setenv(LAB_RECORDS_ENV, str(tmp_path / "lab"))  # named, but a batch run (the tests' own setting)
    recorded = _jar(1, 0, 0, ["J1: red"])
    assert keep(recorded, _params("jar_haringey")) is recorded
    monkeypatch.delenv(BATCH_ENV)
    monkeypatch.setenv(LAB_RECORDS_ENV, "")  # `REVIEW_LAB_RECORDS= review lab`: asked not to
    assert lab_root() is None
    assert keep(recorded, _params("jar_haringey")) is recorded
    assert not (tmp_path / "lab").exists()


def test_a_session_keeps_the_record_by_cycle_and_audience_with_its_parameters(session):
    recorded = _jar(2, 1, 0, ["J1: red", "J2: red"])
    kept = keep(recorded, _params("jar_haringey", data_dir="data/other", audience="internal"))
    folder = session / "lab" / "internal" / "2009-Q4"
    assert kept.path == folder / "jar_haringey.results.json"
    assert json.loads(kept.path.read_text(encoding="utf-8")) == recorded.payload  # as a batch run writes it
    noted = json.loads((folder / "jar_haringey.session.json").read_text(encoding="utf-8"))
    assert noted["parameters"]["data_dir"] == "data/other"
    assert noted["recorded"][:2] == "20"  # an ISO 8601 time
    assert sorted(p.name for p in folder.iterdir()) == ["jar_haringey.results.json", "jar_haringey.session.json"]
    assert not (session / "outputs").exists()  # no batch folder written
    shown = kept._repr_mimebundle_()
    assert "application/vnd.review.results+json" in shown  # the same record, as the batch runner reads it
    assert shown["text/plain"].endswith(f"Kept for the cycle summary in {kept.path.as_posix()}.")


def test_the_summary_in_a_session_reads_its_records_and_says_which(session):
    batch = session / "outputs" / "2009-Q4"
    batch.mkdir(parents=True)
    (batch / "manifest.json").write_text("{}", encoding="utf-8")
    (batch / "jar_haringey.results.json").write_text(json.dumps(
        {"framework": "jar_haringey", "figures": {"rag_counts": {"red": 9}, "needs_action": []}}), encoding="utf-8")
    # Before anything is run in the session: the last batch run, named as such.
    folder, source = summary_source(_params("cycle_summary"))
    assert Path(folder) == batch
    assert not source.lab
    assert "batch results" in source_note(source, "2009-Q4").data
    # JAR run in the session (2 red, 1 amber, 0 green), governance run on another council's evidence.
    keep(_jar(2, 1, 0, ["J1: red", "J2: red"]), _params("jar_haringey"))
    keep(record("governance", "2009-Q4", {"rag_counts": {"red": 0, "amber": 1, "green": 3}, "needs_action": []}),
         _params("governance", data_dir="data/elsewhere"))
    folder, source = summary_source(_params("cycle_summary"))
    assert Path(folder) == session / "lab" / "2009-Q4"
    assert [f for f, _, _ in source.lab] == ["governance", "jar_haringey"]
    assert dict((f, d) for f, _, d in source.lab) == {"governance": ("data_dir 'data/elsewhere'",), "jar_haringey": ()}
    note = source_note(source, "2009-Q4").data
    assert "recorded by notebooks run in JupyterLab" in note
    assert "Social care governance exercise (recorded 20" in note
    assert "run with data_dir &#x27;data/elsewhere&#x27;, unlike this summary" in note
    assert "publication check" in note
    assert f"<code>{batch.as_posix()}</code>, are not read here" in note  # the batch run not read is named
    assert report_href("jar_haringey", source) == "jar_haringey.ipynb"  # the notebook, not a page that is not there
    result = cycle_summary.analyse("2009-Q4", folder, load_cycle_results(folder))
    by = {f.framework: f for f in result.frameworks}
    assert by["jar_haringey"].status == by["governance"].status == "reported"
    assert by["gose_performance"].status == "not run"
    assert not result.complete
    assert result.rag_totals["red"] == 2 + 0  # the session's JAR (2), not the batch run's (9)
    assert result.rag_totals["amber"] == 1 + 1
    assert result.rag_totals["green"] == 0 + 3
    # The internal audience's summary reads the internal records, of which there are none: the batch run's folder.
    folder, source = summary_source(_params("cycle_summary", audience="internal"))
    assert Path(folder) == session / "outputs" / "internal" / "2009-Q4"
    assert not source.lab


def test_a_results_dir_is_read_as_a_batch_run_only_in_one(session, monkeypatch):
    staging = session / "staging"
    keep(_jar(1, 0, 0, ["J1: red"]), _params("jar_haringey"))  # a session's record, not read: results_dir wins
    folder, source = summary_source(_params("cycle_summary", results_dir=str(staging)))
    assert Path(folder) == staging
    assert not source.in_run  # set by hand in JupyterLab: a folder to describe, not a run's own staging
    assert not source.lab
    monkeypatch.setenv(BATCH_ENV, "1")
    folder, source = summary_source(_params("cycle_summary", results_dir=str(staging)))
    assert Path(folder) == staging
    assert source.in_run  # the batch run's summary reads its own staging folder, and says nothing of it
