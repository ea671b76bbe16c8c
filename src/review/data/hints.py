"""Helping the analyst fix a problem: near-match hints, mis-encoding, totals rows, repeated problems.

A validation message says what was expected and what was found; these helpers add what the
analyst most likely meant, and keep a problem that repeats on many rows to one line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from review.exceptions import DataProblem

__all__ = ["TOTALS", "TOTALS_LINE", "group_repeats", "hint", "looks_misencoded"]

# Text that was UTF-8 read as Windows-1252 (or the reverse) shows these sequences ("Children’s" read
# wrongly is "ChildrenÃ¢â‚¬â„¢s" or "Childrenâ€™s"), or the replacement character.
_MOJIBAKE = re.compile("Ã.|Â.|â€|\ufffd")

TOTALS = re.compile(r"(grand\s+)?(sub-?\s*)?totals?:?|sum", re.IGNORECASE)
"""What a totals row says in a label column: Total, Totals, Grand total, Subtotal, Sum."""

TOTALS_LINE = re.compile(rf"^[ \t]*(?:{TOTALS.pattern})[ \t]*$", re.IGNORECASE | re.MULTILINE)
""":data:`TOTALS` as a whole line of text, to find a totals label among many values joined by line breaks."""

REPEATS = 3
"""A problem found on this many rows or more is reported once, with its rows and their count."""


def looks_misencoded(text: str) -> bool:
    """Whether text shows the signs of a wrong encoding.

    Parameters
    ----------
    text : str

    Returns
    -------
    bool
        True when the text holds sequences that UTF-8 read as Windows-1252 (or the reverse) leaves.

    Examples
    --------
    >>> looks_misencoded("Childrenâ€™s Services"), looks_misencoded("Children's Services")
    (True, False)
    """
    return _MOJIBAKE.search(text) is not None


def hint(found: str, candidates: Iterable[str]) -> str:
    """A clause to add to a message: the closest candidate, and a word on encoding when it looks wrong.

    Parameters
    ----------
    found : str
        The value as written.
    candidates : iterable of str
        What is allowed.

    Returns
    -------
    str
        ``"; did you mean 'X'?"`` (empty when nothing is close), with a note when ``found`` looks
        mis-encoded.

    Examples
    --------
    >>> hint("Asessment North", ["Assessment North", "Leaving Care"])
    "; did you mean 'Assessment North'?"
    >>> hint("zzz", ["Assessment North"])
    ''
    """
    options = list(dict.fromkeys(str(c) for c in candidates if c is not None))
    by_key = {o.casefold(): o for o in options}
    close = difflib.get_close_matches(found.casefold(), list(by_key), n=1, cutoff=0.6)
    out = f"; did you mean '{by_key[close[0]]}'?" if close else ""
    if looks_misencoded(found):
        out += (" (the text looks mis-encoded: a file saved in one encoding and read in another; save the file as "
                "UTF-8)")
    return out


def group_repeats(problems: list[DataProblem]) -> list[DataProblem]:
    """Problems found on :data:`REPEATS` or more rows with the same file, column, value and message,
    kept as one problem listing the rows; the others as they were, in their order.

    Parameters
    ----------
    problems : list of DataProblem

    Returns
    -------
    list of DataProblem
        The first of each repeated problem carries every row in ``rows``.

    Examples
    --------
    >>> from review.exceptions import DataProblem
    >>> same = [DataProblem("teams.csv", r, "team", "X", "unknown team") for r in (2, 3, 4)]
    >>> [str(p) for p in group_repeats(same)]
    ["teams.csv, rows 2, 3, 4 (3 rows), column 'team': unknown team (found 'X')"]
    """
    counts: dict[tuple, list[DataProblem]] = {}
    for p in problems:
        counts.setdefault((p.file, p.column, p.value, p.message), []).append(p)
    out, done = [], set()
    for p in problems:
        key = (p.file, p.column, p.value, p.message)
        group = counts[key]
        if len(group) < REPEATS or any(q.row is None for q in group):
            out.append(p)
        elif key not in done:
            done.add(key)
            rows = tuple(sorted({q.row for q in group if q.row is not None}))
            out.append(DataProblem(p.file, rows[0], p.column, p.value, p.message, rows))
    return out
