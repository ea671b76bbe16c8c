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

from dataclasses import dataclass

import pandas as pd

from review.analyses.context import Context
from review.analyses.final_answers import SENIORITY, final_answers, moderation_root
from review.analyses.judgement import Change, classify_change
from review.config.cycles import cycle_bounds, previous_cycle
from review.data import Evidence
from review.data.schema import DEFAULT_THEMES
from review.stats.proportion_difference import DifferenceResult, newcombe_difference
from review.stats.sampling import ProportionResult, proportion_ci

__all__ = ["GROUPINGS", "RECUR_QUARTERS", "AuditLearningResult", "GroupThemes", "ThemeResult", "analyse",
           "analyse_context", "file_themes", "theme_definitions"]

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
    strength_change, concern_change : Change
        Against last quarter, beyond chance or not.
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
    concern_change: Change
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
    """The prevailing learning of each audited file this cycle: one row per file and theme.

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
    columns = ["file", "theme", "concern", "team", "case_type", "tier", "moderated", "inadequate"]
    learning = evidence.tables.get("audit_learning")
    audits = evidence.tables.get("audits")
    if learning is None or audits is None:
        return pd.DataFrame(columns=columns)
    mine = audits[audits["cycle"] == cycle]
    roots = moderation_root(mine)
    recorded = set(learning["audit_id"])
    prevailing: dict[str, tuple[int, int, str]] = {}
    for position, (audit_id, tier, moderation) in enumerate(
            zip(mine["audit_id"], mine["auditor_tier"], mine["moderation_of"], strict=True)):
        if audit_id not in recorded:
            continue
        key = (0 if not isinstance(moderation, str) else 1 + SENIORITY.get(tier, -1), position, audit_id)
        root = roots[audit_id]
        if root not in prevailing or key >= prevailing[root]:
            prevailing[root] = key
    by_id = mine.set_index("audit_id")
    grades = _final_grades(mine, evidence)
    rows = []
    chosen = {key[2]: root for root, key in prevailing.items()}
    for r in learning[learning["audit_id"].isin(chosen)].itertuples():
        root = chosen[r.audit_id]
        first = by_id.loc[root] if root in by_id.index else by_id.loc[r.audit_id]
        rows.append({"file": root, "theme": r.theme, "concern": r.strength_or_concern == "concern",
                     "team": first["team"], "case_type": first["case_type"],
                     "tier": by_id.loc[r.audit_id, "auditor_tier"], "moderated": r.audit_id != root,
                     "inadequate": grades.get(root)})
    return pd.DataFrame(rows, columns=columns)


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


def _counts(files: pd.DataFrame, theme: str) -> tuple[int, int, int]:
    """(files with the theme as a strength, as a concern, files with learning)."""
    mine = files[files["theme"] == theme]
    return (int(mine.loc[~mine["concern"].astype(bool), "file"].nunique()),
            int(mine.loc[mine["concern"].astype(bool), "file"].nunique()), int(files["file"].nunique()))


def _has_action(evidence: Evidence, theme: str, cycle: str) -> bool:
    actions = evidence.tables.get("actions")
    if actions is None:
        return False
    mine = actions[(actions["source"] == "theme") & (actions["item"] == theme) & (actions["cycle_raised"] <= cycle)]
    end = cycle_bounds(cycle)[1]
    live = [s != "dropped" or (c is not None and not pd.isna(c) and c > end)
            for s, c in zip(mine["status"], mine["closed_date"], strict=True)]
    return any(live)


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
    now, before = file_themes(evidence, cycle), file_themes(evidence, previous)
    history = [file_themes(evidence, previous_cycle(cycle, step)) for step in range(RECUR_QUARTERS)]
    definitions = theme_definitions(evidence)
    n_now = int(now["file"].nunique())
    rated = now[now["inadequate"].notna()]
    worst, rest = rated[rated["inadequate"].astype(bool)], rated[~rated["inadequate"].astype(bool)]
    themes = []
    for theme, definition in definitions.items():
        s_now, c_now, _ = _counts(now, theme)
        s_before, c_before, n_before = _counts(before, theme)
        _, c_worst, n_worst = _counts(worst, theme)
        _, c_rest, n_rest = _counts(rest, theme)
        recurring = all(c > s for s, c, n in (_counts(h, theme) for h in history))
        themes.append(ThemeResult(
            theme, definition, _ci(s_now, n_now, confidence_level), _ci(c_now, n_now, confidence_level),
            classify_change(s_now, n_now, s_before, n_before, confidence_level=confidence_level),
            classify_change(c_now, n_now, c_before, n_before, confidence_level=confidence_level),
            _ci(c_worst, n_worst, confidence_level), _ci(c_rest, n_rest, confidence_level),
            newcombe_difference(c_worst, n_worst, c_rest, n_rest, confidence_level=confidence_level)
            if n_worst and n_rest else None,
            recurring, _has_action(evidence, theme, cycle)))
    groups = []
    for words, column in GROUPINGS:
        for group, mine in now.groupby(column, sort=True):
            counts = [(t, *_counts(mine, t)[:2]) for t in definitions]
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
