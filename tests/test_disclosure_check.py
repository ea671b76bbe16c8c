"""One disclosure policy, pseudonyms by field, a check that denies by default, a gated run."""

from __future__ import annotations

import html
import json
import shutil

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.data import load_evidence
from review.exceptions import ParameterError
from review.protection.disclosure import DisclosurePolicy
from review.protection.pseudonym import DEMO_KEY, DEMO_MARKER, KEY_ENV, pseudonymise, resolve_key
from review.protection.report_check import check_file, raw_identifiers, small_counts
from review.stats.spc import p_chart
from review.views import presentation as show

PUBLISHED = DisclosurePolicy()


def _page(*parts: str) -> str:
    """A published page as the views write it: marked header, a table, cards, a chart."""
    frame = pd.DataFrame({"Return": ["Annual report"], "Due": ["2010-01-05"], "Status": ["late (2 days)"]})
    body = [
        '<div class="review-banner" data-review-nocount>Cycle 2009-Q4 &middot; audience: published</div>',
        show.table(frame, caption="Returns", uid="t1", policy=PUBLISHED, nocount=["Due", "Status"]).data,
        show.headline_cards([{"title": "Files graded Good or better", "status": "green",
                              "value": show.rate_text(30, 40, PUBLISHED), "detail": "From 40 first audits."}],
                            cycle="2009-Q4", audience="published").data,
        *parts,
    ]
    return "<!DOCTYPE html><html><head><title>GOSE, 2009-Q4</title></head><body>" + "".join(body) + "</body></html>"


def _check(tmp_path, content, **kw):
    path = tmp_path / "page.html"
    path.write_text(content, encoding="utf-8")
    return {f.kind for f in check_file(path, **kw)}


def test_the_clean_page_passes(tmp_path):
    assert _check(tmp_path, _page(), identifiers={"C100123"}, key=DEMO_KEY) == set()


# --- small counts: deny by default --------------------------------------------------------------

@pytest.mark.parametrize("plant", [
    "<p>n=2</p>", "<p>(2 of 40 children)</p>", "<p>2/5 files</p>", "<table><tr><td>3</td></tr></table>",
    '<img src="data:image/png;base64,AAAA" alt="NI 61 latest 1 of 55">', '<p title="4 children">x</p>',
    "<h2>Five? no: 5 files</h2>", "<caption>Agreement between 4 raters</caption>", "<p>&#50; cases</p>",
    "<p>\uff13 cases</p>",  # fullwidth digit three
])
def test_every_small_number_in_a_published_page_is_a_finding(tmp_path, plant):
    assert "small count" in _check(tmp_path, _page(plant))


def test_marked_elements_and_internal_pages_are_exempt(tmp_path):
    assert _check(tmp_path, _page('<p data-review-nocount>item 3, 2 days late</p>')) == set()
    assert _check(tmp_path, _page(show.note(show.nocount("late (2 days)")).data)) == set()
    assert _check(tmp_path, _page("<p>n=2</p>"), audience="internal") == set()


def test_small_counts_reads_every_form():
    # 2 in n=2; 3 in (3 of 40); 2 and 5 in 2/5; 0.58 is a decimal; 1,234 one number; Q4 a name.
    assert small_counts("n=2; (3 of 40 children); 2/5; 0.58; 1,234; Q4; 2,3", 5) == [2, 3, 2, 5, 2, 3]
    assert small_counts("6 files", 5) == []
    assert small_counts("6 files", 10) == [6]


# --- identifiers, URLs and the key --------------------------------------------------------------

@pytest.mark.parametrize("form", [
    "C100123", "c100123", "C100123.", "(C100123)", "C10<b></b>0123", "C10\u200b0123", "C1\u00ad00123",
    "&#67;100123", "C&#x31;00123", "C100123&amp;", "%43100123",
])
def test_raw_identifiers_are_found_in_every_form(tmp_path, form):
    assert "raw identifier" in _check(tmp_path, _page(f"<p>see {form} now</p>"), identifiers={"C100123"})
    alt = html.escape(form.replace("<b></b>", ""), quote=True)  # a tag in an attribute is escaped text
    assert "raw identifier" in _check(tmp_path, _page(f'<img alt="{alt}" src="data:image/png;base64,AA">'),
                                      identifiers={"C100123"})


def test_an_identifier_inside_a_longer_reference_is_not_it(tmp_path):
    assert _check(tmp_path, _page("<p data-review-nocount>C1001234</p>"), identifiers={"C100123"}) == set()


@pytest.mark.parametrize("plant", [
    '<img srcset="https://x.example/a.png 2x" alt="">', '<a href="&#104;ttps://x.example">x</a>',
    '<meta http-equiv="refresh" content="0; url=https://x.example">', "<style>b{background:url(https://x.example/a)}</style>",
    "<style>@import 'https://x.example/a.css';</style>", '<script src="//x.example/a.js"></script>',
    '<a href="HTTPS://x.example">x</a>', '<base href="https://x.example/">', '<form action="https://x.example"></form>',
    '<video poster="https://x.example/a.png"></video>', '<a href="javascript:fetch(1)">x</a>',
])
def test_every_url_form_is_caught(tmp_path, plant):
    assert "external URL" in _check(tmp_path, _page(plant))


def test_the_key_is_found_in_any_file_and_form(tmp_path):
    key = bytes(range(40))
    for text in (key.hex(), key.hex().upper()):
        path = tmp_path / "x.results.json"
        path.write_text(json.dumps({"note": text}), encoding="utf-8")
        assert "pseudonymisation key" in {f.kind for f in check_file(path, key=key)}


# --- property: random identifiers and small counts, random positions and forms ----------------

_FORMS = [lambda s: s, str.lower, str.upper, lambda s: s + ".", lambda s: s[:2] + "\u200b" + s[2:],
          lambda s: s[:3] + "<i></i>" + s[3:], lambda s: "".join(f"&#{ord(c)};" for c in s)]
_COUNT_FORMS = ["n={}", "({} of 40 children)", "{}/70", "{} cases", "<td>{}</td>", "total: {}"]
_SLOTS = ["<p>{}</p>", "<li>{}</li>", "<table><tr><td>{}</td></tr></table>", "<h3>{}</h3>", "<figcaption>{}</figcaption>"]
_ATTR_SLOTS = ['<img alt="{}" src="data:image/png;base64,AA">', '<span title="{}">x</span>', '<abbr aria-label="{}">x</abbr>']


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ident=st.from_regex(r"[A-Z]{1,2}[0-9]{4,7}", fullmatch=True), form=st.sampled_from(range(len(_FORMS))),
       slot=st.sampled_from(_SLOTS + _ATTR_SLOTS), where=st.integers(0, 3))
def test_property_any_identifier_anywhere_is_caught(tmp_path, ident, form, slot, where):
    text = _FORMS[form](ident)
    if slot in _ATTR_SLOTS:
        text = html.escape(html.unescape(text.replace("<i></i>", "")), quote=True)
    parts = ["<p>Filler</p>"] * 3
    parts.insert(where, slot.format(text))
    assert "raw identifier" in _check(tmp_path, _page(*parts), identifiers={ident, "S100001"})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(k=st.integers(1, 9), threshold=st.integers(1, 9), form=st.sampled_from(_COUNT_FORMS),
       slot=st.sampled_from(_SLOTS + _ATTR_SLOTS), where=st.integers(0, 3))
def test_property_any_small_count_anywhere_is_caught(tmp_path, k, threshold, form, slot, where):
    text = form.format(k)
    if slot in _ATTR_SLOTS:
        text = html.escape(text.replace("<td>", "").replace("</td>", ""), quote=True)
    parts = ["<p>Filler</p>"] * 3
    parts.insert(where, slot.format(text))
    kinds = _check(tmp_path, _page(*parts), threshold=threshold)
    assert ("small count" in kinds) == (k <= threshold)


# --- one policy: charts, bands, previous cycles, tables across a report ------------------------

def test_withhold_is_the_one_rule():
    # counts 1..5 and groups under 10 withheld; complement 38 of 40 leaves 2; 0 of 0 is z.
    assert [PUBLISHED.withhold(c) for c in (0, 1, 5, 6)] == [None, "c", "c", None]
    assert PUBLISHED.withhold(38, of=40) == "c"
    assert PUBLISHED.withhold(0, of=0) == "z"
    assert PUBLISHED.withhold(of=9) == "c"
    assert PUBLISHED.withhold(20, of=40) is None


def test_a_small_point_is_neither_drawn_nor_described(tmp_path):
    # NI 61 in its last period: 1 of 55 (1.8%) must not appear in the alt text.
    chart = p_chart([20, 22, 25, 21, 1], [55, 60, 58, 57, 55], labels=["Q1", "Q2", "Q3", "Q4", "Q5"],
                    improvement="increase")
    out = show.control_charts({"NI61": chart}, PUBLISHED, titles={"NI61": "Adoption"}).data
    assert "1.8%" not in out
    assert "withheld" in out
    internal = show.control_charts({"NI61": chart}, DisclosurePolicy(audience="internal"), titles={}).data
    assert "1.8%" in internal


def test_a_single_auditors_tier_is_withheld_whole_zeros_included():
    """A tier with one auditor who did 1 audit (Good, so 0 Adequate): its own performance, and the
    zeros beside it would say which grade it was, so the whole row is withheld, wherever the tier
    is not published with others (the senior tiers are; a Team Manager tier of one is not)."""
    from types import SimpleNamespace

    from review.analyses import gose_figures
    from review.analyses.gose_audits import TierResult

    tiers = (TierResult("ATM", "ATM", 12, 36, 33, 13, 13, 9), TierResult("TM", "TM", 1, 1, 1, 1, 1, 0))
    r = SimpleNamespace(audits=SimpleNamespace(tiers=tiers, criteria=(), frame_size=0, random_final=None,
                                               random_first=None, themed=(), moderation=None),
                        numbers=pd.DataFrame(), categories=pd.DataFrame(), workforce=pd.DataFrame(), items=(),
                        groups=(), indicators=pd.DataFrame())
    d = gose_figures.decide(r, PUBLISHED)
    for column in ("auditors", "planned", "done", "first_good", "final_good", "changed"):
        assert not d.shown(gose_figures.tier_key("TM", column)), column
    assert d.withheld[gose_figures.tier_key("TM", "changed")].reason == "a single post-holder's own performance"
    assert gose_figures.decide(r, DisclosurePolicy(audience="internal")).withheld == {}


# --- pseudonyms by field, key hygiene -----------------------------------------------------------

def test_a_rater_is_pseudonymised_whatever_the_label_says(root, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(root / "data" / "demo", data)
    sa = data / "self_assessments.csv"
    sa.write_text(sa.read_text(encoding="utf-8").replace(",manager,", ",Manager,", 5), encoding="utf-8")
    pseudo = pseudonymise(load_evidence(data), data).table("self_assessments")
    raw = raw_identifiers(data)
    assert not set(pseudo["rater"]) & raw
    assert {"SM01", "Area manager W"} <= raw
    assert "Police" not in raw
    assert "Police" in set(pseudo["rater"])


@pytest.mark.parametrize("key", ["xq7-weak", "0" * 64, DEMO_KEY.decode()])
def test_real_data_refuse_a_weak_or_demo_key_without_quoting_it(root, tmp_path, monkeypatch, key):
    data = tmp_path / "data"
    shutil.copytree(root / "data" / "demo", data)
    (data / DEMO_MARKER).unlink()
    monkeypatch.setenv(KEY_ENV, key)
    with pytest.raises(ParameterError) as info:
        resolve_key(data)
    assert key not in str(info.value)


def test_a_strong_key_is_accepted(root, tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(root / "data" / "demo", data)
    (data / DEMO_MARKER).unlink()
    monkeypatch.setenv(KEY_ENV, "3f9a" * 4 + "b7c1d2e8a4f60913" * 3)
    assert resolve_key(data)[1] == f"environment variable {KEY_ENV}"


# --- a run that leaks mid-pipeline publishes a failure page and exits 1 -------------------------

@pytest.mark.parametrize("plant", ["<p>Case C100123: n=2 (2 of 40 children)</p>",  # pseudonyms and suppression forgotten
                                   "<table><tr><td>Seen alone</td><td>2</td></tr></table>"])  # a small count alone
def test_a_leak_planted_mid_pipeline_never_lands(root, tmp_path, monkeypatch, plant):
    """Planted in a report as it is exported (after its notebook ran), the leak is caught by the gate.
    Any report will do: the governance report's notebook is the quickest to run."""
    import review.batch.runner as runner
    from review.cli import main

    real = runner.export_report

    def leaky(nb, **kw):
        return real(nb, **kw).replace("</body>", plant + "</body>")

    monkeypatch.setattr(runner, "export_report", leaky)
    out = tmp_path / "out"
    code = main(["run", "--cycle", "2009-Q4", "--framework", "governance", "--jobs", "1",
                 "--output-root", str(out), "--quiet"])
    assert code == 1
    folder = out / "2009-Q4"
    page = (folder / "governance.html").read_text(encoding="utf-8")
    assert "must not be used" in page
    assert "C100123" not in page
    assert "n=2" not in page
    assert "Seen alone" not in page
    ids = raw_identifiers(root / "data" / "demo")
    for path in folder.rglob("*"):
        if path.is_file():
            kinds = {f.kind for f in check_file(path, identifiers=ids, key=DEMO_KEY)}
            assert not kinds & {"raw identifier", "pseudonymisation key"}, path.name
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed"
    assert "C100123" not in json.dumps(manifest)


def test_a_pseudonym_in_a_published_page_is_individual_data(tmp_path):
    plant = '<img alt="S-b42f49b33bd1: roles 6.2" src="data:image/png;base64,AA">'
    assert "pseudonym" in _check(tmp_path, _page(plant))
    assert "pseudonym" not in _check(tmp_path, _page(plant), audience="internal")


def test_a_failed_notebook_page_and_manifest_quote_no_value(root, tmp_path, monkeypatch):
    import review.batch.runner as runner
    from review.cli import main

    real = runner.execute_task

    def failing(task):  # an exception whose message quotes a raw reference from the evidence
        outcome = real(task)
        from dataclasses import replace as _replace
        return _replace(outcome, status="failed", error={"cell": 3, "ename": "ValueError",
                                                         "evalue": "bad row C100123", "traceback": "C100123"})

    monkeypatch.setattr(runner, "execute_task", failing)
    out = tmp_path / "out"
    assert main(["run", "--cycle", "2009-Q4", "--framework", "lscb_checklist", "--jobs", "1",
                 "--output-root", str(out), "--quiet"]) == 1
    folder = out / "2009-Q4"
    for path in folder.rglob("*"):
        if path.is_file():
            assert "C100123" not in path.read_text(encoding="utf-8"), path.name
    assert "code cell 3" in (folder / "lscb_checklist.html").read_text(encoding="utf-8")


def test_every_id_column_is_classified_as_a_reference_or_not():
    from review.data.schema import (
        AUDIT_FIELDS,
        CASE_FIELDS,
        DATASETS,
        NOT_IDENTIFYING,
        PERSON_FIELDS,
    )

    ids = {(d.name, c.name) for d in DATASETS.values() for c in d.columns if c.kind == "id"}
    declared = [(k, c) for m in (PERSON_FIELDS, CASE_FIELDS, AUDIT_FIELDS, NOT_IDENTIFYING) for k, v in m.items() for c in v]
    assert sorted(ids) == sorted(declared)  # each once: a new id column must be classified on purpose


@pytest.mark.parametrize(("cycle", "framework"), [("2009-Q1", "cycle_summary"), ("2009-Q2", "gose_performance")])
def test_other_demo_cycles_publish_through_the_gate(tmp_path, cycle, framework):
    # Pages whose numbers differ by cycle: a caption naming the cycle and its last day (Q1,
    # 2009-03-31), a forecast "at 2009-03", a period "Q1 of 2009/10" and a rule "red above 3%" are
    # marked as not counts; a published run of these cycles replaces no page.
    from review.cli import main

    out = tmp_path / "out"
    code = main(["run", "--cycle", cycle, "--framework", framework, "--jobs", "1", "--output-root", str(out), "--quiet"])
    assert code == 0
    assert "must not be used" not in (out / cycle / f"{framework}.html").read_text(encoding="utf-8")


_ID_ALPHABET = "ab1-. é#"


@settings(max_examples=400, deadline=None)
@given(ids=st.lists(st.text(alphabet=_ID_ALPHABET, min_size=1, max_size=5), min_size=1, max_size=6),
       text=st.text(alphabet=_ID_ALPHABET + "c2", max_size=40))
def test_identifier_matcher_finds_what_the_alternation_finds(ids, text):
    """The word-set matcher (one set lookup per word) against a second implementation: the
    alternation regular expression it replaced, on identifiers and texts of every shape (one
    word, several words, starting or ending with punctuation, non-ASCII letters)."""
    import re

    from review.protection.report_check import IdentifierMatcher

    wanted = {i for i in ids if i}
    regex = re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(w) for w in sorted(wanted, key=len, reverse=True))
                       + r")(?![a-z0-9])")
    assert IdentifierMatcher(wanted).search(text) == (regex.search(text) is not None)


def test_the_second_pass_rescans_a_file_whose_content_changed(tmp_path):
    """The gate's memo keys findings by file name and content: a page rewritten under the same name
    between the two passes (here: a clean page replaced by one naming a case) is scanned again,
    while an unchanged file keeps its findings without a second scan."""
    from review.protection.report_check import check_run_folder

    page, other = tmp_path / "jar_haringey.html", tmp_path / "index.html"
    page.write_text("<p>No reference here.</p>", encoding="utf-8")
    other.write_text("<p>Case C100123 was audited.</p>", encoding="utf-8")
    memo: dict = {}
    first = check_run_folder(tmp_path, identifiers={"C100123"}, memo=memo)
    assert first[page] == []
    assert [f.kind for f in first[other]] == ["raw identifier"]
    page.write_text("<p>Case C100123 was audited.</p>", encoding="utf-8")
    second = check_run_folder(tmp_path, identifiers={"C100123"}, memo=memo)
    assert [f.kind for f in second[page]] == ["raw identifier"]
    assert len(memo) == 3  # the page's two contents and the unchanged index


def test_the_prescan_fills_the_memo_and_the_gate_withholds_exactly_as_without_it(root, tmp_path):
    """While the cycle summary runs, the runner scans the files of the notebooks that have ended
    (publish_gate.prescan) into the gate's memo, keyed by name and content. Only their files are
    scanned; and the gate then withholds exactly what it withholds without the prescan (here the
    JAR page naming a case; the summary's page is clean)."""
    import hashlib
    import shutil

    from review.batch.runner import NotebookOutcome
    from review.config.params import load_cycle_params
    from review.protection.publish_gate import guard_staging, prescan

    params = load_cycle_params(root / "params" / "2009-Q4.yaml")
    folders = [tmp_path / "with", tmp_path / "without"]
    folders[0].mkdir()
    (folders[0] / "jar_haringey.html").write_text("<p>Case C100123 was audited.</p>", encoding="utf-8")
    (folders[0] / "jar_haringey.results.json").write_text('{"figures": {}}', encoding="utf-8")
    (folders[0] / "cycle_summary.html").write_text("<p>Nothing to see.</p>", encoding="utf-8")
    shutil.copytree(folders[0], folders[1])
    memo: dict = {}
    prescan(folders[0], params, ["jar_haringey"], identifiers={"C100123"}, memo=memo)
    assert sorted(name for name, _ in memo) == ["jar_haringey.html", "jar_haringey.results.json"]
    page = folders[0] / "jar_haringey.html"
    assert [f.kind for f in memo[("jar_haringey.html", hashlib.sha256(page.read_bytes()).hexdigest())]] == [
        "raw identifier"]
    ok = [NotebookOutcome(framework=f, status="ok", started="", ended="", duration_seconds=0.0)
          for f in ("jar_haringey", "cycle_summary")]
    gated = [guard_staging(folder, params, ok, identifiers={"C100123"}, memo=m)
             for folder, m in zip(folders, (memo, {}), strict=True)]
    assert [o.status for o in gated[0]] == ["failed", "ok"]
    assert gated[0] == gated[1]
    assert ({p.name: p.read_bytes() for p in folders[0].iterdir()}
            == {p.name: p.read_bytes() for p in folders[1].iterdir()})
    assert "C100123" not in (folders[0] / "jar_haringey.html").read_text(encoding="utf-8")
