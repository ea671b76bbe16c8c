"""Recall and precision of a free-text screen on narratives whose identifiers are labelled.

An identifier is **caught** when a finding of the screen overlaps its span (whatever kind the
screen calls it: masked is masked). A finding is **correct** when it overlaps a labelled identifier.
Recall is caught identifiers over labelled ones, by kind and in all; precision is correct findings
over all findings. Narratives are scored too: a narrative with an identifier must be withheld (its
recall), and a clean narrative withheld is publishable learning lost.

Examples
--------
Two narratives; the first holds a name (0-6) and a date (12-22), the second nothing. The screen
finds the name, and "plan" in the second: the name is caught (1 of 1 names), the date missed (0 of
1 dates), so recall is 1 of 2; one of the two findings is correct, so precision is 1 of 2.

>>> from review.data.demo_learning import Labelled
>>> texts = [Labelled("Darren, DOB 01/02/2003", ((0, 6, "name"), (12, 22, "date"))), Labelled("plan ok", ())]
>>> s = score(texts, [[(0, 6)], [(0, 4)]])
>>> s.caught, s.labelled, s.correct, s.found, s.by_kind["date"]
(1, 2, 1, 2, (0, 1))
>>> s.withheld_with_identifiers, s.with_identifiers, s.withheld_clean, s.clean
(1, 1, 1, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from review.data.demo_learning import Labelled

__all__ = ["Scores", "score"]


@dataclass(frozen=True)
class Scores:
    """Counts from which recall and precision are read (nothing divided or rounded).

    Attributes
    ----------
    caught, labelled : int
        Labelled identifiers overlapped by a finding, and all labelled identifiers.
    correct, found : int
        Findings overlapping a labelled identifier, and all findings.
    by_kind : dict of str to (int, int)
        Caught and labelled identifiers of each kind.
    withheld_with_identifiers, with_identifiers : int
        Narratives holding an identifier that the screen withholds (any finding), and all such.
    withheld_clean, clean : int
        Narratives without an identifier that the screen withholds, and all such.
    """

    caught: int
    labelled: int
    correct: int
    found: int
    by_kind: dict[str, tuple[int, int]]
    withheld_with_identifiers: int
    with_identifiers: int
    withheld_clean: int
    clean: int


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score(labelled: Sequence[Labelled], findings: Sequence[Sequence[tuple[int, int]]]) -> Scores:
    """Score a screen's findings (spans per narrative, in the same order) against the labels."""
    caught = total = correct = found = 0
    kinds: dict[str, list[int]] = {}
    held_id = with_id = held_clean = clean = 0
    for text, spans in zip(labelled, findings, strict=True):
        for start, end, kind in text.spans:
            hit = any(_overlaps((start, end), s) for s in spans)
            caught += hit
            total += 1
            kinds.setdefault(kind, [0, 0])
            kinds[kind][0] += hit
            kinds[kind][1] += 1
        correct += sum(any(_overlaps(s, (a, b)) for a, b, _ in text.spans) for s in spans)
        found += len(spans)
        if text.spans:
            with_id += 1
            held_id += bool(spans)
        else:
            clean += 1
            held_clean += bool(spans)
    return Scores(caught, total, correct, found, {k: (v[0], v[1]) for k, v in sorted(kinds.items())},
                  held_id, with_id, held_clean, clean)
