"""Each audited file's final answers: a moderator's re-audit prevails over the first audit.

When a more senior manager re-audits (moderates) a file, the moderator's grade and answers are the
file's final ones. Every criterion rate and judgement reads these final answers, and reports say
how many files were moderated. A moderator who leaves a criterion blank keeps the first auditor's
answer to it (the moderation did not look at it).
"""

from __future__ import annotations

import pandas as pd

from review.data.schema import TIERS

__all__ = ["final_answers", "moderation_root"]

SENIORITY = {tier: i for i, tier in enumerate(TIERS[:5])}
"""Management tiers, most junior first: a more senior moderation prevails over a junior one."""


def moderation_root(audits: pd.DataFrame) -> dict[str, str]:
    """Each audit's first audit: itself for a first audit, the end of its moderation chain otherwise.

    >>> a = pd.DataFrame({"audit_id": ["A1", "A2", "A3"], "moderation_of": [None, "A1", "A2"]})
    >>> moderation_root(a)
    {'A1': 'A1', 'A2': 'A1', 'A3': 'A1'}
    """
    parent = {a: m for a, m in audits[["audit_id", "moderation_of"]].itertuples(index=False) if isinstance(m, str)}
    roots = {}
    for audit_id in audits["audit_id"]:
        node, seen = audit_id, set()
        while node in parent and node not in seen:
            seen.add(node)
            node = parent[node]
        roots[audit_id] = node
    return roots


def final_answers(audits: pd.DataFrame, criteria: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """First audits with their final grade and answers, and whether each was moderated.

    Parameters
    ----------
    audits : pandas.DataFrame
        Audits of one or more cycles: ``audit_id``, ``moderation_of``, ``auditor_tier``,
        ``overall_grade`` and criterion columns (moderations included: they are read, not returned).
    criteria : sequence of str
        The criterion columns to carry over from the prevailing moderation.

    Returns
    -------
    pandas.DataFrame
        One row per first audit (its own columns kept), with ``overall_grade`` and each criterion
        replaced by the prevailing moderation's where the file was moderated, plus ``first_grade``,
        ``moderated`` (bool) and ``final_tier``. The prevailing moderation is the most senior
        one; between equals, the later in the file.

    Examples
    --------
    A1 was graded Good with the plan "Yes"; the SM's re-audit A2 says Inadequate and "No": the file's
    final grade and answer are the SM's. A3 was not moderated.

    >>> a = pd.DataFrame({"audit_id": ["A1", "A2", "A3"], "moderation_of": [None, "A1", None],
    ...                   "auditor_tier": ["TM", "SM", "TM"], "overall_grade": ["Good", "Inadequate", "Good"],
    ...                   "plan": ["Yes", "No", "Yes"]})
    >>> final_answers(a, ["plan"])[["audit_id", "first_grade", "overall_grade", "plan", "moderated"]].values.tolist()
    [['A1', 'Good', 'Inadequate', 'No', True], ['A3', 'Good', 'Good', 'Yes', False]]
    """
    first = audits[audits["moderation_of"].isna()].copy()
    first["first_grade"] = first["overall_grade"]
    first["moderated"] = False
    first["final_tier"] = first["auditor_tier"]
    mods = audits[audits["moderation_of"].notna()]
    roots = moderation_root(audits)
    rank = {t: SENIORITY.get(t, -1) for t in set(audits["auditor_tier"])}
    best: dict[str, tuple[int, int]] = {}  # file -> its prevailing moderation: (seniority, position), the greatest
    for position, (audit_id, tier) in enumerate(mods[["audit_id", "auditor_tier"]].itertuples(index=False)):
        key = (rank[tier], position)
        best[roots[audit_id]] = max(best.get(roots[audit_id], key), key)
    index = {a: i for i, a in enumerate(first["audit_id"])}
    columns = ["overall_grade", *[c for c in criteria if c in audits.columns]]
    for root, (_, position) in best.items():
        if root not in index:
            continue
        row = first.index[index[root]]
        mod = mods.iloc[position]
        for column in columns:
            value = mod[column]
            if not pd.isna(value):  # a blank (None or NaN) keeps the first auditor's answer
                first.at[row, column] = value
        first.at[row, "moderated"] = True
        first.at[row, "final_tier"] = mod["auditor_tier"]
    return first.reset_index(drop=True)
