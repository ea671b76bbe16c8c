"""The narratives explorer (review.explore.narratives) on hand-built evidence, without a browser."""

from __future__ import annotations

import datetime as dt
from html import unescape
from types import MappingProxyType, SimpleNamespace

import ipywidgets as w
import openpyxl
import pandas as pd
import pytest

from review.config.paths import BATCH_ENV
from review.data.load import Evidence, GradeScale
from review.exceptions import ReviewError
from review.explore.export import EmptySelection
from review.explore.lenses import ALL
from review.explore.narratives import (
    INTERNAL_ONLY,
    NO_LEARNING,
    NarrativeState,
    narrative_explorer,
    narratives,
)
from review.protection.disclosure import DisclosurePolicy
from review.protection.pseudonym import DEMO_KEY, DEMO_MARKER, pseudonymise

NAME, SURNAME, NHS = "Darren", "Whitlock", "943 476 5919"  # 943 476 5919 passes the modulus 11 check
FLAGGED = f"mum's partner {NAME} {SURNAME} not assessed; NHS {NHS} on the file."
MASKED = "mum's partner [name] [name] not assessed; NHS [nhs] on the file."  # each finding masked, the rest kept
CLEAN = ["Plan is clear and reviewed monthly.", "Views of the child not sought.", "No contingency in the plan.",
         "Chronology up to date."]
RAW_IDS = ["A100001", "A100002", "A100003", "C200001", "C200002", "C200003", "S300001", "S300002"]


def _raw() -> Evidence:
    """Two quarters, three audits: A100001 (2009-Q3, North, TM, Good), A100002 (2009-Q3, South, SM,
    Inadequate), A100003 (2009-Q4, North, TM, Requires improvement); five rows of learning, the one of
    A100002 with a planted name and a planted NHS number."""
    audits = pd.DataFrame({
        "audit_id": ["A100001", "A100002", "A100003"], "cycle": ["2009-Q3", "2009-Q3", "2009-Q4"],
        "case_ref": ["C200001", "C200002", "C200003"], "team": ["North", "South", "North"],
        "auditor_id": ["S300001", "S300002", "S300001"], "auditor_tier": ["TM", "SM", "TM"],
        "moderation_of": [None, None, None], "grade_scale": "ofsted",
        "overall_grade": ["Good", "Inadequate", "Requires improvement"]})
    learning = pd.DataFrame({
        "audit_id": ["A100001", "A100001", "A100002", "A100003", "A100003"],
        "theme": ["planning", "child's voice", "planning", "planning", "recording"],
        "strength_or_concern": ["strength", "concern", "concern", "concern", "strength"],
        "narrative": [CLEAN[0], CLEAN[1], FLAGGED, CLEAN[2], CLEAN[3]],
        "biggest_difference": None, "voice_of_the_child": None})
    scale = GradeScale("ofsted", ("Outstanding", "Good", "Requires improvement", "Inadequate"),
                       frozenset({"Outstanding", "Good"}), frozenset())
    return Evidence("hand-built", MappingProxyType({"audits": audits, "audit_learning": learning}),
                    {"ofsted": scale}, ())


@pytest.fixture
def evidence(tmp_path):
    (tmp_path / DEMO_MARKER).write_text("synthetic")  # the demo key: hand-built synthetic data
    return pseudonymise(_raw(), tmp_path)


def _no_raw(text: str) -> None:
    for raw in [NAME, SURNAME, NHS, NHS.replace(" ", ""), *RAW_IDS, DEMO_KEY.decode()]:
        assert raw not in text, raw


def test_filters_give_the_matching_narratives(evidence):
    state = NarrativeState(evidence, "2009-Q4", DisclosurePolicy("internal"))
    assert state.selection["cycle"] == "2009-Q4"  # opens on the notebook's quarter
    assert state.rows()["narrative"].tolist() == [CLEAN[2], CLEAN[3]]  # A100003's two rows
    cases = [({"cycle": "2009-Q3"}, 3),  # A100001's two rows + A100002's one
             ({"theme": "planning"}, 3),  # A100001, A100002, A100003: one each
             ({"team": "North"}, 4),  # A100001 (2) + A100003 (2)
             ({"tier": "Service Manager (SM)"}, 1),  # A100002
             ({"grade": "Inadequate"}, 1),  # A100002
             ({"side": "concern", "cycle": "2009-Q3"}, 2),  # A100001's child's voice + A100002's planning
             ({"team": "North", "theme": "planning"}, 2),  # A100001, A100003
             ({"team": "South", "cycle": "2009-Q4"}, 0)]
    for chosen, expected in cases:
        state.selection = {c: ALL for c in state.selection} | chosen
        assert len(state.rows()) == expected, chosen
        assert state.shown().total == expected
        assert state.caption(expected).startswith(f"{expected} narrative")
    # the drop-downs offer what is present; grades in the scale's order, not the alphabet's
    dims = {c: values for c, _, values in state.dimensions()}
    assert dims["cycle"] == [ALL, "2009-Q3", "2009-Q4"]
    assert dims["grade"] == [ALL, "Good", "Requires improvement", "Inadequate"]


def test_the_flagged_narrative_is_shown_masked_never_raw(evidence):
    state = NarrativeState(evidence, "2009-Q3", DisclosurePolicy("internal"))
    state.selection["team"] = "South"
    shown = state.shown().frame
    assert len(shown) == 1
    text = shown.loc[0, "the auditor's narrative"]
    assert text == MASKED
    assert shown.loc[0, "screen"] == "finding masked"
    assert shown.loc[0, "quarter"] == "Q2 2009/10"  # 2009-Q3 is July to September 2009, Q2 of 2009/10
    assert shown.loc[0, "file (its first audit, pseudonym)"].startswith("A-")
    assert shown.loc[0, "case (pseudonym)"].startswith("C-")
    state.selection["team"] = ALL
    page = state.html()
    assert MASKED in unescape(page)
    assert "3 narratives matched" in page
    _no_raw(page)


def test_the_export_holds_the_selection_masked_and_records_the_filters(evidence, tmp_path):
    state = NarrativeState(evidence, "2009-Q3", DisclosurePolicy("internal"))
    state.selection |= {"theme": "planning"}
    path = state.export(folder=tmp_path / "explore", now=dt.datetime(2010, 1, 5, 9, 30))
    assert path.name == "audit_learning-2009-Q3-internal-theme-planning-20100105-093000.xlsx"
    sheet = pd.read_excel(path, sheet_name="narratives")
    assert len(sheet) == 2  # A100001's planning strength, A100002's planning concern
    assert sorted(sheet["team"]) == ["North", "South"]
    about = pd.read_excel(path, sheet_name="about").set_index("field")["value"]
    assert about["filter: theme"] == "planning"
    assert about["filter: team"] == ALL
    assert about["audience"] == "internal"
    assert about["quarter"].startswith("Q2 2009/10")
    cells = " ".join(str(c.value) for ws in openpyxl.load_workbook(path) for row in ws.iter_rows() for c in row)
    assert MASKED in cells
    _no_raw(cells)


def test_the_published_audience_shows_no_narrative_and_no_count(evidence, tmp_path, monkeypatch):
    state = NarrativeState(evidence, "2009-Q3", DisclosurePolicy("published"))
    assert state.dimensions() == []
    assert INTERNAL_ONLY in unescape(state.html())
    assert "matched" not in state.html()
    with pytest.raises(PermissionError):
        state.rows()
    with pytest.raises(PermissionError):
        state.export(folder=tmp_path)
    assert not tmp_path.joinpath("outputs").exists()
    assert not list(tmp_path.rglob("*.xlsx"))  # the folder given: nothing was written into it
    monkeypatch.setenv(BATCH_ENV, "0")
    box = narrative_explorer(SimpleNamespace(evidence=evidence, cycle="2009-Q3", policy=DisclosurePolicy("published")))
    texts = " ".join(c.value for c in _widgets(box, w.HTML))
    assert INTERNAL_ONLY in unescape(texts)
    assert "matched" not in texts
    assert not _widgets(box, w.Dropdown)
    assert not _widgets(box, w.Button)
    for narrative in CLEAN:
        assert narrative not in texts


def _widgets(box, kind):
    found = [box] if isinstance(box, kind) else []
    for child in getattr(box, "children", ()):
        found += _widgets(child, kind)
    return found


def test_the_widget_filters_and_shows_the_count(evidence, monkeypatch):
    monkeypatch.setenv(BATCH_ENV, "1")
    ctx = SimpleNamespace(evidence=evidence, cycle="2009-Q3", policy=DisclosurePolicy("internal"))
    assert narrative_explorer(ctx) is None  # batch runs display nothing
    monkeypatch.setenv(BATCH_ENV, "0")
    box = narrative_explorer(ctx)
    pickers = {p.description: p for p in _widgets(box, w.Dropdown)}
    assert list(pickers) == ["quarter", "theme", "strength or concern", "team", "tier", "grade"]
    assert pickers["quarter"].value == "2009-Q3"
    assert pickers["quarter"].options[1][0].startswith("Q2 2009/10")  # named as the pages name it
    html = " ".join(c.value for c in _widgets(box, w.HTML))
    assert "3 narratives matched" in html
    assert MASKED in unescape(html)
    _no_raw(html)
    pickers["grade"].value = "Good"  # A100001's two rows
    html = " ".join(c.value for c in _widgets(box, w.HTML))
    assert "2 narratives matched" in html
    assert CLEAN[0] in html
    assert MASKED not in unescape(html)


def test_evidence_without_learning_says_so(tmp_path):
    raw = _raw()
    (tmp_path / DEMO_MARKER).write_text("synthetic")
    one = raw.tables["audits"].iloc[:1]  # one quarter, no learning
    state = NarrativeState(pseudonymise(Evidence("x", MappingProxyType({"audits": one}), raw.scales, ()), tmp_path),
                           "2009-Q3", DisclosurePolicy("internal"))
    assert NO_LEARNING.split(":")[0] in unescape(state.html())
    assert state.rows().empty
    with pytest.raises(EmptySelection):
        state.export(folder=tmp_path / "explore")
    assert not (tmp_path / "explore").exists() or not any((tmp_path / "explore").iterdir())


def test_evidence_not_screened_at_load_is_refused():
    with pytest.raises(ReviewError, match="pseudonymised"):
        narratives(_raw())


def test_a_moderators_learning_prevails_with_its_tier_and_grade_and_the_files_team(tmp_path):
    """M100004, a Service Manager's moderation of A100003 (North, TM, Requires improvement) graded
    Inadequate, records one concern: A100003's two rows give way to it, as the analysis reads the file."""
    raw = _raw()
    audits = pd.concat([raw.tables["audits"], pd.DataFrame({
        "audit_id": ["M100004"], "cycle": ["2009-Q4"], "case_ref": ["C200003"], "team": ["Quality"],
        "auditor_id": ["S300002"], "auditor_tier": ["SM"], "moderation_of": ["A100003"], "grade_scale": ["ofsted"],
        "overall_grade": ["Inadequate"]})], ignore_index=True)
    learning = pd.concat([raw.tables["audit_learning"], pd.DataFrame({
        "audit_id": ["M100004"], "theme": ["risk analysis"], "strength_or_concern": ["concern"],
        "narrative": ["Risks listed but not analysed."], "biggest_difference": [None], "voice_of_the_child": [None]})],
        ignore_index=True)
    (tmp_path / DEMO_MARKER).write_text("synthetic")
    ev = pseudonymise(Evidence("x", MappingProxyType({"audits": audits, "audit_learning": learning}), raw.scales, ()),
                      tmp_path)
    state = NarrativeState(ev, "2009-Q4", DisclosurePolicy("internal"))
    rows = state.rows()
    assert rows["narrative"].tolist() == ["Risks listed but not analysed."]  # not CLEAN[2], CLEAN[3]
    assert rows[["team", "tier", "grade"]].astype(str).values.tolist() == [["North", "Service Manager (SM)",
                                                                            "Inadequate"]]
    first = state.shown().frame.loc[0, "file (its first audit, pseudonym)"]
    assert first == ev.tables["audits"].loc[2, "audit_id"]  # the file: A100003's pseudonym
