"""Row checks the cross-file checks share: one problem per offending cell, grades against scales,
a part never above its whole."""

from __future__ import annotations

import numpy as np
import pandas as pd

from review.data.hints import hint
from review.data.io import shown
from review.data.schema import ROW
from review.exceptions import DataProblem

__all__ = ["add_problem", "check_grades", "check_not_above"]


def add_problem(problems: list[DataProblem], file: str, row: int, column: str | None, value: object, message: str) -> None:
    """Append a problem at a file's row and column, quoting no more than the offending cell."""
    problems.append(DataProblem(file, int(row), column, None if value is None else shown(str(value)), message))


def check_grades(frame: pd.DataFrame, file: str, scale_col: str, value_cols: dict[str, str | None],
                 scales: dict, problems: list[DataProblem]) -> None:
    """Check (and canonicalise, in place) grade labels against the row's or the column's scale.

    Each distinct (scale, label) pair is looked up once; a row without a scale is named as an unknown scale.

    Examples
    --------
    >>> from review.data.load import GradeScale
    >>> scales = {"S": GradeScale("S", ("Good", "Poor"), frozenset({"Good"}), frozenset())}
    >>> frame = pd.DataFrame({"scale": ["S", "S", "T"], "grade": ["good", "Fair", "Good"], ROW: [2, 3, 4]})
    >>> problems = []
    >>> check_grades(frame, "x.csv", "scale", {"grade": None}, scales, problems)
    >>> frame["grade"].tolist(), [p.row for p in problems]
    (['Good', 'Fair', 'Good'], [3, 4])
    """
    if frame.empty:
        return
    row_scales = frame[scale_col].to_numpy(dtype=object) if scale_col in frame else np.full(len(frame), None)
    rows = frame[ROW].to_numpy()
    for column, fixed_scale in value_cols.items():
        texts = frame[column].to_numpy(dtype=object)
        scale_ids = np.full(len(frame), fixed_scale, dtype=object) if fixed_scale else row_scales
        present = np.flatnonzero(pd.notna(texts))
        if not len(present):
            continue
        scale_present = scale_ids[present].copy()
        scale_present[pd.isna(scale_present)] = None  # a missing scale, however written: one key
        index: dict[tuple[object, object], int] = {}
        codes = np.fromiter((index.setdefault(pair, len(index)) for pair in zip(scale_present, texts[present],
                                                                                  strict=True)),
                            dtype=np.int64, count=len(present))
        outcome = []
        for scale_id, text in index:
            scale = None if scale_id is None else scales.get(scale_id)
            if scale is None:  # a row's scale that is missing or unknown; an unknown fixed scale is not the row's
                outcome.append(("scale", None) if fixed_scale is None else ("skip", None))
                continue
            label = scale.canonical(str(text))
            outcome.append(("label", None) if label is None else ("ok", label))
        kinds = np.array([kind for kind, _ in outcome], dtype=object)[codes]
        labels = np.empty(len(outcome), dtype=object)
        labels[:] = [label for _, label in outcome]
        canon = frame[column].to_numpy(dtype=object).copy()
        ok = kinds == "ok"
        canon[present[ok]] = labels[codes[ok]]
        for j in np.flatnonzero((kinds == "scale") | (kinds == "label")):
            i = present[j]
            if kinds[j] == "scale":
                add_problem(problems, file, rows[i], scale_col, scale_ids[i], f"unknown scale; scales are: {', '.join(scales)}")
            else:
                expected = scales[scale_ids[i]].labels
                add_problem(problems, file, rows[i], column, texts[i],
                            f"not a label of scale {scale_ids[i]}; expected one of: {', '.join(expected)}"
                            f"{hint(str(texts[i]), expected)}")
        frame[column] = canon


def check_not_above(tables: dict, files: dict, name: str, part: str, whole: str, problems: list[DataProblem]) -> None:
    """A problem for each row of ``tables[name]`` whose ``part`` is above its ``whole``."""
    if name not in tables:
        return
    frame = tables[name]
    both = frame[frame[part].notna() & frame[whole].notna()]
    for _, row in both[both[part].astype(float) > both[whole].astype(float)].iterrows():
        add_problem(problems, files[name], row[ROW], part, row[part], f"{part} ({row[part]}) is above {whole} ({row[whole]})")
