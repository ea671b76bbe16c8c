"""Learning from audits: which practice themes auditors find, as strengths and as concerns.

One frozen result per cycle (:class:`AuditLearningResult`), read from ``audit_learning`` (screened
and masked at load: nothing here reads or returns a narrative) and the audits it was recorded on.

- **Audits are the unit.** Each audited file counts once: where a moderator re-audited a file and
  recorded learning, the moderator's themes prevail (the most senior moderation, as for grades,
  :func:`~review.analyses.final_answers.final_answers`); otherwise the first auditor's. A theme's
  frequency is "recorded as a concern on k of the n files with learning this cycle", with its Wilson
  interval (:func:`review.stats.sampling.proportion_ci`); likewise as a strength.
- **By team, auditor tier and case type**: the same counts per group (the tier of the auditor whose
  learning prevails); a view applies disclosure control to them.
- **Inadequate against the rest**: how often each theme is a concern on files whose final grade is
  the worst rated label of their scale (Inadequate), against files graded otherwise, with Newcombe's
  interval for the difference.
- **Change since last quarter**: :func:`review.analyses.judgement.classify_change` on the concern
  and strength rates (better or worse only beyond chance).
- **Recurring concerns**: a theme recorded as a concern on more files than as a strength in each of
  the last three quarters (this one and the two before), with no action on it (source ``theme``,
  not dropped) raised by the end of this quarter in the ``actions`` register.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from review.analyses._evidence import kept_for
from review.analyses.context import Context
from review.analyses.final_answers import SENIORITY, final_answers, moderation_root
from review.analyses.judgement import Change, classify_change
from review.config.cycles import cycle_bounds, previous_cycle
from review.data import Evidence
from review.data.schema import DEFAULT_THEMES, LEARNING_TEXT
from review.protection.text_screen import WITHHELD, TextScreen, known_values
from review.stats.proportion_difference import DifferenceResult, newcombe_difference
from review.stats.sampling import ProportionResult, proportion_ci

__all__ = ["FIELD_WORDS", "GROUPINGS", "RECUR_QUARTERS", "AuditLearningResult", "Excerpt", "GroupThemes",
           "LearningSection", "ThemeResult", "analyse", "analyse_context", "excerpts", "file_themes",
           "prevailing_audits", "section", "section_context", "theme_auditors", "theme_balance", "theme_definitions"]

RECUR_QUARTERS = 3
"""Quarters in a row a theme must be mostly a concern to be a recurring concern."""

GROUPINGS = (("team", "team"), ("auditor tier", "tier"), ("case type", "case_type"))
"""(words, column of :func:`file_themes`) for the breakdowns."""


@dataclass(frozen=True)
class ThemeResult:
    """One theme this cycle.

    Attributes
    ----------
    theme, definition : str
    strength, concern : ProportionResult or None
        Files with learning on which the theme was recorded as a strength (a concern), of all files
        with learning this cycle; None when no file has learning.
    strength_change : Change
        Against last quarter, beyond chance or not (a strength more often is ``improved``).
    concern_change : ConcernChange
        Against last quarter: whether the concern rate rose or fell beyond chance, and so was better or worse.
    concern_inadequate, concern_rest : ProportionResult or None
        The concern rate among files graded Inadequate (the worst rated label of their scale), and
        among files graded otherwise.
    inadequate_difference : DifferenceResult or None
        ``concern_inadequate`` minus ``concern_rest``, Newcombe's interval.
    recurring : bool
        More often a concern than a strength in each of the last :data:`RECUR_QUARTERS` quarters.
    has_action : bool
        An action on the theme (source ``theme``, not dropped) was raised by the end of the cycle.
    """

    theme: str
    definition: str
    strength: ProportionResult | None
    concern: ProportionResult | None
    strength_change: Change
    concern_change: ConcernChange
    concern_inadequate: ProportionResult | None
    concern_rest: ProportionResult | None
    inadequate_difference: DifferenceResult | None
    recurring: bool
    has_action: bool


@dataclass(frozen=True)
class GroupThemes:
    """Theme counts in one group of files (a team, an auditor tier, a case type).

    Attributes
    ----------
    by : str
        ``team``, ``auditor tier`` or ``case type``.
    group : str
    files : int
        Files with learning in the group.
    strengths, concerns : tuple of (str, int)
        Files on which each theme was a strength (a concern), in the theme list's order.
    """

    by: str
    group: str
    files: int
    strengths: tuple[tuple[str, int], ...]
    concerns: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class AuditLearningResult:
    """What the audits tell us this cycle.

    Attributes
    ----------
    cycle, previous : str
    confidence_level : float
    files, files_previous : int
        Audited files with learning recorded, this cycle and last.
    moderated : int
        Of ``files``, those whose learning is a moderator's.
    withheld : int
        Rows of learning this cycle whose free text had a finding of the screen (never published).
    themes : tuple of ThemeResult
        Every declared theme, in the declared order.
    groups : tuple of GroupThemes
    recurring_without_action : tuple of str
        Themes recurring as a concern with no action in the register.
    """

    cycle: str
    previous: str
    confidence_level: float
    files: int
    files_previous: int
    moderated: int
    withheld: int
    themes: tuple[ThemeResult, ...]
    groups: tuple[GroupThemes, ...]
    recurring_without_action: tuple[str, ...]


def theme_definitions(evidence: Evidence) -> dict[str, str]:
    """The folder's themes and their definitions (the default list when it declares none)."""
    themes = evidence.tables.get("themes")
    if themes is not None and len(themes):
        return {str(t): str(d) for t, d in zip(themes["theme"], themes["definition"], strict=True)}
    return dict(DEFAULT_THEMES)


def file_themes(evidence: Evidence, cycle: str) -> pd.DataFrame:
    """The prevailing learning of each audited file this cycle: one row per file and theme. Worked out
    once per evidence object and cycle (a report asks for each quarter's many times: the learning
    section, and each judged line that reads a theme); each caller gets its own copy.

    Returns
    -------
    pandas.DataFrame
        Columns ``file`` (the first audit's id), ``theme``, ``concern`` (bool), ``team``, ``case_type``,
        ``tier`` (of the auditor whose learning prevails), ``moderated`` (bool), ``inadequate`` (the
        file's final grade is the worst rated label of its scale; None when not rated).

    Examples
    --------
    A1 (TM) recorded planning as a concern; its moderation A2 (SM) recorded planning as a strength and
    recording as a concern: the SM's learning prevails. A3 has no learning.

    >>> import pandas as pd
    >>> from types import MappingProxyType
    >>> from review.data.load import Evidence, GradeScale
    >>> audits = pd.DataFrame({"audit_id": ["A1", "A2", "A3"], "cycle": "2009-Q1", "moderation_of": [None, "A1", None],
    ...     "auditor_tier": ["TM", "SM", "TM"], "team": "T", "case_type": "CP", "grade_scale": "s",
    ...     "overall_grade": ["Good", "Inadequate", "Good"]})
    >>> learning = pd.DataFrame({"audit_id": ["A1", "A2", "A2"], "theme": ["planning", "planning", "recording"],
    ...     "strength_or_concern": ["concern", "strength", "concern"]})
    >>> scale = GradeScale("s", ("Good", "Inadequate"), frozenset({"Good"}), frozenset())
    >>> ev = Evidence("x", MappingProxyType({"audits": audits, "audit_learning": learning}), {"s": scale}, ())
    >>> file_themes(ev, "2009-Q1")[["file", "theme", "concern", "tier", "inadequate"]].values.tolist()
    [['A1', 'planning', False, 'SM', True], ['A1', 'recording', True, 'SM', True]]
    """
    return kept_for(_FILE_THEMES, _FILE_THEMES_KEPT, (id(evidence), cycle), evidence,
                    lambda: _file_themes(evidence, cycle)).copy()


_FILE_THEMES: dict[tuple[int, str], tuple[Evidence, pd.DataFrame]] = {}
_FILE_THEMES_KEPT = 16  # a report reads its quarter and the three before it; the summary, two evidence objects


def _file_themes(evidence: Evidence, cycle: str) -> pd.DataFrame:
    """:func:`file_themes`, worked out."""
    columns = ["file", "theme", "concern", "team", "case_type", "tier", "moderated", "inadequate"]
    learning = evidence.tables.get("audit_learning")
    audits = evidence.tables.get("audits")
    if learning is None or audits is None:
        return pd.DataFrame(columns=columns)
    mine = audits[audits["cycle"] == cycle]
    chosen = prevailing_audits(mine, learning)
    by_id = mine.set_index("audit_id")
    grades = _final_grades(mine, evidence)
    rows = []
    for r in learning[learning["audit_id"].isin(chosen)].itertuples():
        root = chosen[r.audit_id]
        first = by_id.loc[root] if root in by_id.index else by_id.loc[r.audit_id]
        rows.append({"file": root, "theme": r.theme, "concern": r.strength_or_concern == "concern",
                     "team": first["team"], "case_type": first["case_type"],
                     "tier": by_id.loc[r.audit_id, "auditor_tier"], "moderated": r.audit_id != root,
                     "inadequate": grades.get(root)})
    return pd.DataFrame(rows, columns=columns)


def prevailing_audits(audits: pd.DataFrame, learning: pd.DataFrame) -> dict[str, str]:
    """Whose learning stands for each file: the audit id of the prevailing learning -> the file's first audit.

    A moderator's learning prevails over the first auditor's (the most senior moderation; between
    equals, the later in the file); a moderation that recorded no learning leaves the file's
    learning to the audits that did.

    >>> import pandas as pd
    >>> audits = pd.DataFrame({"audit_id": ["A1", "A2", "A3", "A4"], "moderation_of": [None, "A1", None, "A3"],
    ...                        "auditor_tier": ["TM", "SM", "TM", "SM"]})
    >>> prevailing_audits(audits, pd.DataFrame({"audit_id": ["A1", "A2", "A3"]}))
    {'A2': 'A1', 'A3': 'A3'}
    """
    roots = moderation_root(audits)
    recorded = set(learning["audit_id"])
    prevailing: dict[str, tuple[int, int, str]] = {}
    for position, (audit_id, tier, moderation) in enumerate(
            audits[["audit_id", "auditor_tier", "moderation_of"]].itertuples(index=False)):
        if audit_id not in recorded:
            continue
        key = (0 if not isinstance(moderation, str) else 1 + SENIORITY.get(tier, -1), position, audit_id)
        prevailing[roots[audit_id]] = max(prevailing.get(roots[audit_id], key), key)
    return {key[2]: root for root, key in prevailing.items()}


def _prevailing_rows(evidence: Evidence, cycle: str) -> tuple[pd.DataFrame, dict[str, str], pd.DataFrame] | None:
    """This cycle's audits, whose learning stands for each file (:func:`prevailing_audits`), and the
    learning rows that stand; None when the folder holds no learning or no audits."""
    learning, audits = evidence.tables.get("audit_learning"), evidence.tables.get("audits")
    if learning is None or audits is None:
        return None
    mine = audits[audits["cycle"] == cycle]
    chosen = prevailing_audits(mine, learning)
    return mine, chosen, learning[learning["audit_id"].isin(chosen)]


def theme_auditors(evidence: Evidence, cycle: str) -> dict[str, frozenset[str]] | None:
    """Each theme recorded on this cycle's audited files (each file's prevailing learning), with the
    auditors who recorded it; None when the folder holds no learning (no evidence).

    Examples
    --------
    A1 and A2 (auditors TM1, TM2) record planning; A2 records recording; TM3 moderated A2, and its
    learning (recording only) prevails for that file.

    >>> import pandas as pd
    >>> from types import MappingProxyType
    >>> from review.data.load import Evidence
    >>> audits = pd.DataFrame({"audit_id": ["A1", "A2", "M2"], "cycle": "2009-Q1", "auditor_id": ["TM1", "TM2", "SM1"],
    ...                        "auditor_tier": ["TM", "TM", "SM"], "moderation_of": [None, None, "A2"]})
    >>> learning = pd.DataFrame({"audit_id": ["A1", "A2", "A2", "M2"],
    ...                          "theme": ["planning", "planning", "recording", "recording"]})
    >>> found = theme_auditors(Evidence("x", MappingProxyType({"audits": audits, "audit_learning": learning}), {}, ()),
    ...                        "2009-Q1")
    >>> {t: sorted(a) for t, a in found.items()}
    {'planning': ['TM1'], 'recording': ['SM1']}
    """
    found = _prevailing_rows(evidence, cycle)
    if found is None:
        return None
    mine, _, rows = found
    auditor = dict(zip(mine["audit_id"], mine["auditor_id"], strict=True))
    out: dict[str, set[str]] = {}
    for audit_id, theme in zip(rows["audit_id"], rows["theme"], strict=True):
        out.setdefault(str(theme), set()).add(str(auditor.get(audit_id, audit_id)))
    return {t: frozenset(a) for t, a in out.items()}


def theme_balance(evidence: Evidence, cycle: str, theme: str) -> tuple[int, int]:
    """Audited files this cycle on which the theme was recorded as a strength, and files on which it
    was recorded at all (each file's prevailing learning: :func:`file_themes`); (0, 0) when the folder
    holds no learning or the theme was recorded on no file. A file whose learning records the theme
    both ways counts as a concern (not a strength).

    Examples
    --------
    Child's voice a strength on A1, a concern on A2, both on A3 (a concern), not recorded on A4; the
    SM's moderation of A2 records it as a strength, and prevails: strength on A1 and A2, of A1-A3.

    >>> import pandas as pd
    >>> from types import MappingProxyType
    >>> from review.data.load import Evidence
    >>> audits = pd.DataFrame({"audit_id": ["A1", "A2", "A3", "A4", "M2"], "cycle": "2009-Q1", "team": "T",
    ...     "case_type": "CP", "auditor_tier": ["TM"] * 4 + ["SM"], "moderation_of": [None] * 4 + ["A2"],
    ...     "grade_scale": "s", "overall_grade": "Good"})
    >>> learning = pd.DataFrame({"audit_id": ["A1", "A2", "A3", "A3", "A4", "M2"],
    ...     "theme": ["voice", "voice", "voice", "voice", "planning", "voice"],
    ...     "strength_or_concern": ["strength", "concern", "strength", "concern", "concern", "strength"]})
    >>> ev = Evidence("x", MappingProxyType({"audits": audits, "audit_learning": learning}), {}, ())
    >>> theme_balance(ev, "2009-Q1", "voice"), theme_balance(ev, "2009-Q1", "recording")
    ((2, 3), (0, 0))
    """
    files = file_themes(evidence, cycle)
    mine = files[files["theme"] == theme]
    if mine.empty:
        return 0, 0
    concern = mine.groupby("file")["concern"].any()
    return int((~concern.astype(bool)).sum()), int(concern.size)


def _final_grades(audits: pd.DataFrame, evidence: Evidence) -> dict[str, bool | None]:
    """Whether each file's final grade (a moderator's prevailing) is the worst rated label of its scale
    (None when the grade is not rated)."""
    out: dict[str, bool | None] = {}
    final = final_answers(audits, ())
    for root, scale_id, grade in zip(final["audit_id"], final["grade_scale"], final["overall_grade"], strict=True):
        scale = evidence.scales.get(str(scale_id))
        out[root] = None if scale is None or grade not in scale.rated else grade == scale.rated[-1]
    return out


def _ci(k: int, n: int, level: float) -> ProportionResult | None:
    return proportion_ci(k, n, method="wilson", confidence_level=level) if n else None


def _counts(files: pd.DataFrame) -> Callable[[str], tuple[int, int, int]]:
    """For each theme: (files with the theme as a strength, as a concern, files with learning). Counted
    for every theme at once (a report asks for each theme of each grouping)."""
    n = int(files["file"].nunique())
    concern = files["concern"].astype(bool)
    strength = files[~concern].groupby("theme", sort=False)["file"].nunique()
    weakness = files[concern].groupby("theme", sort=False)["file"].nunique()
    return lambda theme: (int(strength.get(theme, 0)), int(weakness.get(theme, 0)), n)


def _has_action(evidence: Evidence, theme: str, cycle: str) -> bool:
    actions = evidence.tables.get("actions")
    if actions is None:
        return False
    mine = actions[(actions["source"] == "theme") & (actions["item"] == theme) & (actions["cycle_raised"] <= cycle)]
    end = cycle_bounds(cycle)[1]
    live = [s != "dropped" or (c is not None and not pd.isna(c) and c > end)
            for s, c in zip(mine["status"], mine["closed_date"], strict=True)]
    return any(live)


@dataclass(frozen=True)
class ConcernChange:
    """A concern rate's change since last quarter, said the way it went.

    Attributes
    ----------
    direction : str
        ``rose`` or ``fell`` (the interval for the difference excludes 0), ``no clear change``, or
        ``no comparison`` (no files with learning in one of the quarters).
    verdict : str or None
        ``worse`` when concerns rose, ``better`` when they fell; None otherwise.
    difference : DifferenceResult or None
        This quarter's rate minus last quarter's, Newcombe's interval.
    before : tuple of int or None
        Last quarter's ``(k, n)``, for the disclosure rule on changes.
    """

    direction: str
    verdict: str | None
    difference: DifferenceResult | None
    before: tuple[int, int] | None


_CONCERN = {"improved": ("rose", "worse"), "worse": ("fell", "better")}
"""classify_change's label for a rate where higher is better -> (the concern rate's direction, its verdict)."""


def _concern_change(k_now: int, n_now: int, k_before: int, n_before: int, *, confidence_level: float) -> ConcernChange:
    """The concern rate's change: which way it went beyond chance, and so better or worse (decided here only).

    >>> c = _concern_change(56, 70, 48, 80, confidence_level=0.95)  # Newcombe (1998), example (a): excludes 0
    >>> c.direction, c.verdict
    ('rose', 'worse')
    >>> _concern_change(48, 80, 56, 70, confidence_level=0.95).verdict
    'better'
    """
    c = classify_change(k_now, n_now, k_before, n_before, confidence_level=confidence_level)
    direction, verdict = _CONCERN.get(c.label, (c.label, None))
    return ConcernChange(direction, verdict, c.difference, c.before)


def analyse(evidence: Evidence, *, cycle: str, previous: str, confidence_level: float) -> AuditLearningResult:
    """What the audits tell us this cycle.

    Parameters
    ----------
    evidence : Evidence
        Pseudonymised and screened (the free text is never read here).
    cycle, previous : str
    confidence_level : float

    Returns
    -------
    AuditLearningResult
    """
    history = [file_themes(evidence, previous_cycle(cycle, step)) for step in range(RECUR_QUARTERS)]
    now = history[0]  # each quarter's files read once: this one and the last are the history's first two
    before = history[1] if previous == previous_cycle(cycle) else file_themes(evidence, previous)
    definitions = theme_definitions(evidence)
    n_now = int(now["file"].nunique())
    rated = now[now["inadequate"].notna()]
    worst, rest = rated[rated["inadequate"].astype(bool)], rated[~rated["inadequate"].astype(bool)]
    themes = []
    in_now, in_before, in_worst, in_rest = _counts(now), _counts(before), _counts(worst), _counts(rest)
    in_history = [_counts(h) for h in history]
    for theme, definition in definitions.items():
        s_now, c_now, _ = in_now(theme)
        s_before, c_before, n_before = in_before(theme)
        _, c_worst, n_worst = in_worst(theme)
        _, c_rest, n_rest = in_rest(theme)
        recurring = all(c > s for s, c, n in (counted(theme) for counted in in_history))
        themes.append(ThemeResult(
            theme, definition, _ci(s_now, n_now, confidence_level), _ci(c_now, n_now, confidence_level),
            classify_change(s_now, n_now, s_before, n_before, confidence_level=confidence_level),
            _concern_change(c_now, n_now, c_before, n_before, confidence_level=confidence_level),
            _ci(c_worst, n_worst, confidence_level), _ci(c_rest, n_rest, confidence_level),
            newcombe_difference(c_worst, n_worst, c_rest, n_rest, confidence_level=confidence_level)
            if n_worst and n_rest else None,
            recurring, _has_action(evidence, theme, cycle)))
    groups = []
    for words, column in GROUPINGS:
        for group, mine in now.groupby(column, sort=True):
            counted = _counts(mine)
            counts = [(t, *counted(t)[:2]) for t in definitions]
            groups.append(GroupThemes(words, str(group), int(mine["file"].nunique()),
                                      tuple((t, s) for t, s, _ in counts), tuple((t, c) for t, _, c in counts)))
    learning = evidence.tables.get("audit_learning")
    withheld = 0
    if learning is not None and "withheld" in learning.columns and "audits" in evidence.tables:
        audits = evidence.tables["audits"]
        in_cycle = set(audits.loc[audits["cycle"] == cycle, "audit_id"])
        withheld = int(learning.loc[learning["audit_id"].isin(in_cycle), "withheld"].sum())
    return AuditLearningResult(
        cycle, previous, confidence_level, n_now, int(before["file"].nunique()),
        int(now.loc[now["moderated"].astype(bool), "file"].nunique()), withheld, tuple(themes), tuple(groups),
        tuple(t.theme for t in themes if t.recurring and not t.has_action))


def analyse_context(ctx: Context) -> AuditLearningResult:
    """:func:`analyse` with a notebook's context."""
    return analyse(ctx.evidence, cycle=ctx.cycle, previous=ctx.previous, confidence_level=ctx.params.confidence_level)


FIELD_WORDS = {"narrative": "the auditor's narrative", "biggest_difference": "what would have made the biggest "
               "difference for the child", "voice_of_the_child": "the child's voice"}
"""Each free-text column of ``audit_learning``, as a page names it."""
APPROVED = "approved_for_publication"


@dataclass(frozen=True)
class Excerpt:
    """One piece of an auditor's free text, as a page may show it.

    Attributes
    ----------
    theme : str
    concern : bool
        The theme was a concern on the file (else a strength).
    field : str
        Which text it is, in words (:data:`FIELD_WORDS`).
    text : str
        Screened at load: anything that may identify a person is masked (``[name]``, ``[date]`` ...).
    approved : bool
        The council approved the row for published pages (``approved_for_publication``).
    withheld : bool
        The screen found something in the row at load: never published.
    """

    theme: str
    concern: bool
    field: str
    text: str
    approved: bool
    withheld: bool


@dataclass(frozen=True)
class LearningSection:
    """What a report's "what the audits tell us" section shows: the analysis and the excerpts its audience may read.

    Attributes
    ----------
    result : AuditLearningResult
    excerpts : tuple of Excerpt
        Published pages: rows the council approved, the screen found nothing in at load, and a second
        screen at the page finds nothing in. Internal pages: every row's screened (masked) text.
    published : bool
        Whether the excerpts are those of a published page.
    approved, stopped : int
        Rows of this quarter's learning approved for publication; of those, the rows the screen at
        load or the second screen kept off the page.
    """

    result: AuditLearningResult
    excerpts: tuple[Excerpt, ...]
    published: bool
    approved: int
    stopped: int


def excerpts(evidence: Evidence, cycle: str, *, published: bool) -> tuple[tuple[Excerpt, ...], int, int]:
    """The free text of each file's prevailing learning this quarter, as the audience may read it.

    Parameters
    ----------
    evidence : Evidence
        Loaded, pseudonymised and screened (its free text masked, rows marked ``withheld``).
    cycle : str
    published : bool
        For a published page: only rows approved for publication whose text no screen finds
        anything in, screened again here with the rules and every name the evidence holds.

    Returns
    -------
    excerpts : tuple of Excerpt
        In the theme list's order, then the file's order.
    approved, stopped : int
        Rows approved for publication this quarter, and those of them kept off a published page.

    Examples
    --------
    Three rows: one approved and clean; one approved whose text names a relation's first name (the
    second screen finds it, though the screen at load did not mark it); one not approved.

    >>> import pandas as pd
    >>> from types import MappingProxyType
    >>> from review.data.load import Evidence
    >>> audits = pd.DataFrame({"audit_id": ["A1", "A2", "A3"], "cycle": "2009-Q1", "moderation_of": None,
    ...                        "auditor_tier": "TM"})
    >>> learning = pd.DataFrame({"audit_id": ["A1", "A2", "A3"], "theme": ["planning"] * 3,
    ...     "strength_or_concern": ["strength", "concern", "concern"],
    ...     "narrative": ["Plan is clear and reviewed.", "mum Kerry not seen", "No plan."],
    ...     "biggest_difference": None, "voice_of_the_child": None, "approved_for_publication": [True, True, None],
    ...     "withheld": False})
    >>> ev = Evidence("x", MappingProxyType({"audits": audits, "audit_learning": learning}), {}, ())
    >>> shown, approved, stopped = excerpts(ev, "2009-Q1", published=True)
    >>> [e.text for e in shown], approved, stopped
    (['Plan is clear and reviewed.'], 2, 1)
    >>> len(excerpts(ev, "2009-Q1", published=False)[0])
    3
    """
    learning = evidence.tables.get("audit_learning")
    audits = evidence.tables.get("audits")
    if learning is None or audits is None:
        return (), 0, 0
    chosen = prevailing_audits(audits[audits["cycle"] == cycle], learning)
    rows = learning[learning["audit_id"].isin(chosen)]
    screen = TextScreen.from_values(known_values(evidence)) if published else None
    order = {t: i for i, t in enumerate(theme_definitions(evidence))}
    found: list[tuple[int, int, Excerpt]] = []
    approved = stopped = 0
    for position, r in enumerate(rows.to_dict("records")):
        ok = r.get(APPROVED) is True
        withheld = bool(r.get(WITHHELD, False))
        texts = [(c, str(r[c])) for c in LEARNING_TEXT if c in r and r[c] is not None and not pd.isna(r[c])
                 and str(r[c]).strip()]
        if published:
            approved += ok
            if not ok:
                continue
            if withheld or any(screen.findings(text) for _, text in texts):  # type: ignore[union-attr]
                stopped += 1
                continue
        found += [(order.get(r["theme"], len(order)), position, Excerpt(
            str(r["theme"]), r["strength_or_concern"] == "concern", FIELD_WORDS[c], text, ok, withheld))
            for c, text in texts]
    return tuple(e for _, _, e in sorted(found, key=lambda x: (x[0], x[1]))), approved, stopped


def section(evidence: Evidence, *, cycle: str, previous: str, confidence_level: float,
            published: bool) -> LearningSection:
    """A report's "what the audits tell us": :func:`analyse` and the :func:`excerpts` its audience may read."""
    shown, approved, stopped = excerpts(evidence, cycle, published=published)
    return LearningSection(analyse(evidence, cycle=cycle, previous=previous, confidence_level=confidence_level),
                           shown, published, approved, stopped)


def section_context(ctx: Context) -> LearningSection:
    """:func:`section` with a notebook's context (a published page's excerpts for a published audience)."""
    return section(ctx.evidence, cycle=ctx.cycle, previous=ctx.previous, confidence_level=ctx.params.confidence_level,
                   published=ctx.policy.suppress)
