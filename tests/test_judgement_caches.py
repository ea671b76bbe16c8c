"""What a report asks for more than once is worked out once per evidence object: a framework's
quarter (the trend and the action plan ask for the same earlier quarters:
``review.analyses.red_items._judged_red``), a quarter's final answers and prevailing learning, and a
map entry's evidence lines."""

from __future__ import annotations

from types import SimpleNamespace as NS

from review.analyses import red_items


def _analyser(calls):
    def analyse(evidence, *, cycle, previous, confidence_level, green, red, thresholds):
        calls.append((evidence.name, cycle, previous, green))
        band = "red" if cycle == "2009-Q3" else "green"
        return NS(items=(NS(item=NS(item_id="X1"), judgement=NS(band=band, basis="its evidence")),))
    return analyse


def test_the_same_quarter_of_the_same_evidence_is_judged_once(monkeypatch):
    calls = []
    monkeypatch.setattr(red_items, "_analysers", lambda: {"f": _analyser(calls)})
    monkeypatch.setattr(red_items, "_JUDGED", {})
    evidence = NS(name="one")
    thresholds = {"f": (0.8, 0.65)}
    first = red_items.judged_items(evidence, ["2009-Q2", "2009-Q3"], thresholds=thresholds, confidence_level=0.95)
    again = red_items.judged_items(evidence, ["2009-Q2", "2009-Q3", "2009-Q4"], thresholds=thresholds,
                                   confidence_level=0.95)
    # three quarters judged, not five: Q2 and Q3 were kept from the first call
    assert calls == [("one", "2009-Q2", "2009-Q1", 0.8), ("one", "2009-Q3", "2009-Q2", 0.8),
                     ("one", "2009-Q4", "2009-Q3", 0.8)]
    assert first[0]["2009-Q3"] == again[0]["2009-Q3"] == frozenset({("f", "X1")})
    assert again[0]["2009-Q4"] == frozenset()


def test_other_evidence_or_other_thresholds_are_judged_afresh(monkeypatch):
    calls = []
    monkeypatch.setattr(red_items, "_analysers", lambda: {"f": _analyser(calls)})
    monkeypatch.setattr(red_items, "_JUDGED", {})
    one, other = NS(name="one"), NS(name="other")
    red_items.judged_items(one, ["2009-Q3"], thresholds={"f": (0.8, 0.65)}, confidence_level=0.95)
    red_items.judged_items(other, ["2009-Q3"], thresholds={"f": (0.8, 0.65)}, confidence_level=0.95)
    red_items.judged_items(one, ["2009-Q3"], thresholds={"f": (0.9, 0.65)}, confidence_level=0.95)
    red_items.judged_items(one, ["2009-Q3"], thresholds={"f": (0.8, 0.65)}, confidence_level=0.90)
    # declared lines that cannot be keys (a list inside) are judged every time, never wrongly reused
    red_items.judged_items(one, ["2009-Q3"], thresholds={"f": (0.8, 0.65)}, confidence_level=0.95,
                           declared={("f", "X1"): [0.9]})
    red_items.judged_items(one, ["2009-Q3"], thresholds={"f": (0.8, 0.65)}, confidence_level=0.95,
                           declared={("f", "X1"): [0.9]})
    assert [c[0] for c in calls] == ["one", "other", "one", "one", "one", "one"]
    assert [c[3] for c in calls] == [0.8, 0.8, 0.9, 0.8, 0.8, 0.8]


def test_final_answers_are_worked_out_once_per_evidence_and_quarter_and_each_caller_owns_its_frame(monkeypatch):
    import pandas as pd

    from review.analyses import mapped

    audits = pd.DataFrame({"audit_id": ["A1", "A2", "A3"], "moderation_of": [None, "A1", None],
                           "auditor_tier": ["TM", "SM", "TM"], "overall_grade": ["Good", "Inadequate", "Good"],
                           "plan": ["Yes", "No", "Yes"], "cycle": ["2009-Q3", "2009-Q3", "2009-Q4"]})
    evidence = NS(tables={"audits": audits}, criteria=("plan",))
    other = NS(tables={"audits": audits}, criteria=("plan",))
    calls = []
    real = mapped.final_answers
    monkeypatch.setattr(mapped, "final_answers", lambda a, c: calls.append(len(a)) or real(a, c))
    monkeypatch.setattr(mapped, "_FINAL", {})
    first = mapped.final_audits(evidence, "2009-Q3")
    # A1 moderated by the SM's A2: one file, its final grade Inadequate and plan No
    assert first[["audit_id", "overall_grade", "plan", "moderated"]].values.tolist() == [["A1", "Inadequate", "No", True]]
    first.loc[0, "overall_grade"] = "Outstanding"  # a caller changing its own frame ...
    first["extra"] = 1
    again = mapped.final_audits(evidence, "2009-Q3")
    assert again["overall_grade"].tolist() == ["Inadequate"]  # ... changes no other's
    assert "extra" not in again
    mapped.final_audits(evidence, "2009-Q4")
    mapped.final_audits(other, "2009-Q3")
    # worked out for (evidence, Q3), (evidence, Q4) and (other, Q3): 2 audits of Q3, 1 of Q4, 2 of Q3 again
    assert calls == [2, 1, 2]


def test_a_gose_quarter_is_worked_out_once_per_evidence_and_its_inputs(monkeypatch):
    """A GOSE result works out its quarter and the one before (for each band's change); the quarter
    before, judged in its turn (a trend, an action plan), is the same work: done once. Other evidence,
    another confidence level or other lines are worked out afresh, as are declared lines that
    cannot be keys."""
    from review.analyses import gose

    calls = []
    monkeypatch.setattr(gose, "_items_of", lambda ctx, cycle, previous: calls.append(
        (ctx.evidence.name, cycle, previous, ctx.params.confidence_level)) or ((), {}))
    monkeypatch.setattr(gose, "_ITEMS", {})

    def ctx(evidence, level=0.95, green=0.8, thresholds=None):
        params = NS(confidence_level=level, rag_green=green, rag_red=0.65, thresholds=thresholds or {})
        return NS(evidence=evidence, params=params)

    one, other = NS(name="one"), NS(name="other")
    gose._items(ctx(one), "2009-Q4", "2009-Q3")
    gose._items(ctx(one), "2009-Q3", "2009-Q2")  # the quarter before, for the change
    gose._items(ctx(one), "2009-Q3", "2009-Q2")  # ... and again, judged in its turn: kept
    gose._items(ctx(one), "2009-Q4", "2009-Q3")  # a second report of the same run's evidence: kept
    assert calls == [("one", "2009-Q4", "2009-Q3", 0.95), ("one", "2009-Q3", "2009-Q2", 0.95)]
    gose._items(ctx(other), "2009-Q4", "2009-Q3")
    gose._items(ctx(one, level=0.9), "2009-Q4", "2009-Q3")
    gose._items(ctx(one, green=0.9), "2009-Q4", "2009-Q3")
    gose._items(ctx(one, thresholds={("gose_performance", "G03"): [0.9]}), "2009-Q4", "2009-Q3")
    gose._items(ctx(one, thresholds={("gose_performance", "G03"): [0.9]}), "2009-Q4", "2009-Q3")
    assert [c[0] for c in calls[2:]] == ["other", "one", "one", "one", "one"]
    assert [c[3] for c in calls[2:]] == [0.95, 0.9, 0.95, 0.95, 0.95]


def test_each_quarter_s_file_themes_are_worked_out_once_per_evidence_and_each_caller_owns_its_frame(monkeypatch):
    """The learning section and every judged theme line read a quarter's prevailing learning:
    worked out once per evidence object and quarter (``audit_learning.file_themes``)."""
    from types import MappingProxyType

    import pandas as pd

    from review.analyses import audit_learning
    from review.data.load import Evidence

    # the docstring's files: A1 (TM) has voice as a strength, A2 as a concern, A3 both (a concern), A4 only
    # planning; the SM's M2 moderates A2 with voice a strength, and prevails
    audits = pd.DataFrame({"audit_id": ["A1", "A2", "A3", "A4", "M2"], "cycle": "2009-Q1", "team": "T",
                           "case_type": "CP", "auditor_tier": ["TM"] * 4 + ["SM"], "moderation_of": [None] * 4 + ["A2"],
                           "grade_scale": "s", "overall_grade": "Good"})
    learning = pd.DataFrame({"audit_id": ["A1", "A2", "A3", "A3", "A4", "M2"],
                             "theme": ["voice", "voice", "voice", "voice", "planning", "voice"],
                             "strength_or_concern": ["strength", "concern", "strength", "concern", "concern", "strength"]})
    tables = MappingProxyType({"audits": audits, "audit_learning": learning})
    evidence, other = Evidence("x", tables, {}, ()), Evidence("x", tables, {}, ())
    calls = []
    real = audit_learning._file_themes
    monkeypatch.setattr(audit_learning, "_file_themes", lambda ev, cycle: calls.append(cycle) or real(ev, cycle))
    monkeypatch.setattr(audit_learning, "_FILE_THEMES", {})
    # voice a strength on A1 and A2 (M2 prevails), a concern on A3: 2 of 3 files; planning a concern on A4: 0 of 1
    assert audit_learning.theme_balance(evidence, "2009-Q1", "voice") == (2, 3)
    assert audit_learning.theme_balance(evidence, "2009-Q1", "planning") == (0, 1)
    mine = audit_learning.file_themes(evidence, "2009-Q1")
    mine.loc[mine.index[0], "concern"] = True  # a caller changing its own frame changes no other's
    assert audit_learning.theme_balance(evidence, "2009-Q1", "voice") == (2, 3)
    audit_learning.file_themes(evidence, "2009-Q2")
    audit_learning.file_themes(other, "2009-Q1")
    assert calls == ["2009-Q1", "2009-Q2", "2009-Q1"]  # (evidence, Q1), (evidence, Q2), (other, Q1)


def test_theme_counts_by_hand():
    """Per theme: files with it as a strength, files with it as a concern (a file recording both counts in
    each), and files with any learning."""
    import pandas as pd

    from review.analyses.audit_learning import _counts

    files = pd.DataFrame({"file": ["F1", "F2", "F3", "F3", "F4"],
                          "theme": ["voice", "voice", "voice", "voice", "planning"],
                          "concern": [False, True, False, True, True]})
    counted = _counts(files)
    assert counted("voice") == (2, 2, 4)  # strength on F1 and F3, concern on F2 and F3; F1-F4 have learning
    assert counted("planning") == (0, 1, 4)
    assert counted("recording") == (0, 0, 4)  # recorded on no file
    assert _counts(files.iloc[0:0])("voice") == (0, 0, 0)


def test_an_entry_s_lines_are_worked_out_once_per_evidence_thresholds_and_quarters(monkeypatch):
    """A report's quarter and its action plan's same quarter read the same map entries: each entry's
    lines are worked out once for the same evidence object, thresholds and quarters
    (``mapped.entry_lines``), and each caller gets its own list."""
    from review.analyses import mapped
    from review.analyses.judgement import Rates
    from review.data.evidence_map import MapEntry

    calls = []

    def builder(evidence, entry, rates, cycle, previous):
        calls.append((evidence.name, entry.evidence, rates.green, cycle, previous))
        return [rates.line("audit", entry.evidence, (8, 10), None, "audits")]  # 8 of 10 audits

    monkeypatch.setitem(mapped.BUILDERS, "criterion", builder)
    monkeypatch.setattr(mapped, "_LINES", {})
    evidence, other = NS(name="one"), NS(name="other")
    tests = MapEntry("criterion", "plan", None, (), "tests", "why")
    context = MapEntry("criterion", "plan", None, (), "context", "why")
    rates = Rates(confidence_level=0.95, green=0.8, red=0.65)
    first = mapped.entry_lines(evidence, tests, rates=rates, cycle="2009-Q4", previous="2009-Q3")
    first.append("a caller's own line")  # changes no other caller's list
    again = mapped.entry_lines(evidence, tests, rates=Rates(confidence_level=0.95, green=0.8, red=0.65),
                               cycle="2009-Q4", previous="2009-Q3")
    assert len(again) == 1
    assert (again[0].k, again[0].n, again[0].context) == (8, 10, False)
    shown = mapped.entry_lines(evidence, context, rates=rates, cycle="2009-Q4", previous="2009-Q3")
    assert [ln.context for ln in shown] == [True]  # a context entry's lines are marked, never judged
    mapped.entry_lines(evidence, tests, rates=Rates(confidence_level=0.95, green=0.9, red=0.65),
                       cycle="2009-Q4", previous="2009-Q3")
    mapped.entry_lines(evidence, tests, rates=rates, cycle="2009-Q3", previous="2009-Q2")
    mapped.entry_lines(other, tests, rates=rates, cycle="2009-Q4", previous="2009-Q3")
    assert calls == [("one", "plan", 0.8, "2009-Q4", "2009-Q3"), ("one", "plan", 0.8, "2009-Q4", "2009-Q3"),
                     ("one", "plan", 0.9, "2009-Q4", "2009-Q3"), ("one", "plan", 0.8, "2009-Q3", "2009-Q2"),
                     ("other", "plan", 0.8, "2009-Q4", "2009-Q3")]  # the context entry is an entry of its own
