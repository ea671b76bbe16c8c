"""The results contract the cycle summary and the index read: each framework's judgements.

Every framework notebook records, in the figures of its results JSON (:func:`review.results.figures.record`):

- ``rag_counts``: a mapping with integer ``red``, ``amber`` and ``green`` (and optionally
  ``grey``: items without evidence) counts of the items it judged;
- ``needs_action``: a list of short sentences, one per item needing action under the one counting
  rule (:data:`NEEDS_ACTION_RULE`: the items judged red), each starting with the item's id
  (``"J02: red on independent evidence"``), so that it holds exactly as many sentences as the
  counted bands hold items (:func:`action_count`);
- ``bands`` (optional): item id to its band or state as the report shows it (the key messages'
  strengths read the green ones);
- ``changes`` (optional): a list of sentences, one per evidence line whose change since last cycle
  is beyond chance (``"J07 audit (plans): worse"``: Newcombe's interval excludes zero). A band that
  moved without such a test is never listed here (GOSE records those as ``band_changes``).

A report that ran but did not record them is shown as "judgements not recorded" and makes the
summary incomplete, as does one whose items needing action do not reconcile with its counts; a report whose notebook failed (the runner wrote its failure page but no
results) is shown as failed, never as "not run".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from review.protection.nocount import nocount

__all__ = ["ACTION_BANDS", "ACTION_KEY", "BANDS", "NO_BAND_WORDS", "ESCALATE_AT", "NEEDS_ACTION_RULE", "RAG_KEY", "FrameworkJudgements",
           "action_count", "judgements", "marked_headlines", "needs_action", "read_judgements"]

RAG_KEY = "rag_counts"
ACTION_KEY = "needs_action"
BANDS = ("red", "amber", "green", "grey", "self-assessed")
"""Every state an item can be in: the three bands, without evidence (grey), and self-assessed only."""

NO_BAND_WORDS = (("self-assessed", "self-assessed, not evidenced"), ("grey", "without evidence"))
"""The states in no band, each with the words a count of them is given in (the summary's headline and
the key messages say them alike)."""

ACTION_BANDS = ("red",)
"""The one counting rule: an item needs action when its report judges it red, in every report, the
summary and the index alike."""

NEEDS_ACTION_RULE = ("An item needs action when its report judges it red. Amber items are watched, not counted as "
                     "needing action. Items rated only by those assessed (self-assessed, not evidenced) and items "
                     "without evidence are states of their own, in no red, amber or green total.")
"""The counting rule in words, as the index, the summary and the reports state it."""

ESCALATE_AT = 3
"""Quarters red without a break from which an item is escalated to the Board ("red for three or more
quarters"): the key messages and the trend strips read this one line."""


def needs_action(band: str | None) -> bool:
    """Whether an item in ``band`` needs action under the one counting rule (:data:`ACTION_BANDS`).

    Examples
    --------
    >>> [needs_action(b) for b in ("red", "amber", "green", "grey", "self-assessed", None)]
    [True, False, False, False, False, False]
    """
    return band in ACTION_BANDS


def action_count(rag_counts: Mapping[str, int]) -> int:
    """How many items need action, from a report's counts by band (:data:`ACTION_BANDS`).

    Examples
    --------
    >>> action_count({"red": 9, "amber": 3, "green": 3, "self-assessed": 2})
    9
    """
    return sum(int(rag_counts.get(b, 0)) for b in ACTION_BANDS)


@dataclass(frozen=True)
class FrameworkJudgements:
    """What one framework's report says this cycle.

    Attributes
    ----------
    framework : str
    status : str
        ``reported``, ``failed`` or ``not run``.
    rag_counts : dict or None
        Items per band; None when the report did not record them.
    needs_action : tuple of str or None
    changes : tuple of str
    headlines : tuple of str
    bands : dict or None
        Item id to its band or state as the report shows it (``bands``), where recorded.
    """

    framework: str
    status: str
    rag_counts: dict[str, int] | None
    needs_action: tuple[str, ...] | None
    changes: tuple[str, ...]
    headlines: tuple[str, ...]
    bands: dict[str, str] | None = None

    @property
    def complete(self) -> bool:
        """Reported, with both judgement keys, and items needing action that reconcile with the counts."""
        return (self.status == "reported" and self.rag_counts is not None and self.needs_action is not None
                and self.reconciles)

    @property
    def reconciles(self) -> bool:
        """The items needing action are as many as the counts say under the one rule (:func:`action_count`);
        True when either is not recorded (that gap is reported apart)."""
        if self.rag_counts is None or self.needs_action is None:
            return True
        return len(self.needs_action) == action_count(self.rag_counts)


def marked_headlines(payload: Mapping[str, Any]) -> list[str]:
    """A results payload's headlines, those it recorded as not counts (``nocount_headlines``) as
    :class:`~review.protection.nocount.NoCount` text, so the index and summary keep them marked.

    >>> [type(h).__name__ for h in marked_headlines({"headlines": ["a", "b"], "nocount_headlines": [1]})]
    ['str', 'NoCount']
    """
    marked = set(payload.get("nocount_headlines", []))
    return [nocount(h) if i in marked else str(h) for i, h in enumerate(payload.get("headlines", []))]


def judgements(framework: str, payload: Mapping[str, Any] | None, *, failed: bool = False) -> FrameworkJudgements:
    """Read one framework's judgements from its results payload (None: no results).

    >>> j = judgements("x", {"figures": {"rag_counts": {"red": 1, "amber": 0, "green": 2}, "needs_action": ["A: red"]}})
    >>> j.status, j.rag_counts, j.needs_action, j.complete
    ('reported', {'red': 1, 'amber': 0, 'green': 2, 'grey': 0, 'self-assessed': 0}, ('A: red',), True)
    >>> judgements("x", None, failed=True).status
    'failed'
    >>> judgements("x", {"figures": {"rag_counts": {"red": 1, "amber": 1}, "needs_action": ["A: red", "B: amber"]}}
    ...            ).reconciles
    False
    """
    if payload is None:
        return FrameworkJudgements(framework, "failed" if failed else "not run", None, None, (), ())
    figures = payload.get("figures", {}) or {}
    raw = figures.get(RAG_KEY)
    counts = None
    if isinstance(raw, Mapping) and all(isinstance(raw.get(b, 0), int) for b in BANDS):
        counts = {b: int(raw.get(b, 0)) for b in BANDS}
    actions = figures.get(ACTION_KEY)
    actions = tuple(str(a) for a in actions) if isinstance(actions, list) else None
    changes = figures.get("changes") or []
    bands = figures.get("bands")
    return FrameworkJudgements(framework, "reported", counts, actions,
                               tuple(str(c) for c in changes) if isinstance(changes, list) else (),
                               tuple(marked_headlines(payload)),
                               {str(k): str(v) for k, v in bands.items()} if isinstance(bands, Mapping) else None)


def read_judgements(folder: str | Path, frameworks: list[str]) -> tuple[FrameworkJudgements, ...]:
    """Each framework's judgements from a cycle folder: results JSON, or a failure page without results."""
    folder = Path(folder)
    out = []
    for name in frameworks:
        path = folder / f"{name}.results.json"
        payload = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
        out.append(judgements(name, payload, failed=payload is None and (folder / f"{name}.html").is_file()))
    return tuple(out)
