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

    Each distinct (scale, label) pair is looked up once."""
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
        keys = pd.MultiIndex.from_arrays([pd.Index(scale_ids[present], dtype=object),
                                          pd.Index(texts[present], dtype=object)])
        codes, pairs = pd.factorize(keys)
        outcome = []
        for scale_id, text in pairs:
            scale = scales.get(scale_id)
            if scale is None:
                outcome.append(("scale", None) if fixed_scale is None and scale_id is not None else ("skip", None))
                continue
            label = scale.canonical(str(text))
            outcome.append(("label", None) if label is None else ("ok", label))
        canon = frame[column].to_numpy(dtype=object).copy()
        for i, code in zip(present, codes, strict=True):
            kind, label = outcome[code]
            if kind == "ok":
                canon[i] = label
            elif kind == "scale":
                add_problem(problems, file, rows[i], scale_col, scale_ids[i], f"unknown scale; scales are: {', '.join(scales)}")
            elif kind == "label":
                labels = scales[scale_ids[i]].labels
                add_problem(problems, file, rows[i], column, texts[i],
                            f"not a label of scale {scale_ids[i]}; expected one of: {', '.join(labels)}"
                            f"{hint(str(texts[i]), labels)}")
        frame[column] = canon


def check_not_above(tables: dict, files: dict, name: str, part: str, whole: str, problems: list[DataProblem]) -> None:
    """A problem for each row of ``tables[name]`` whose ``part`` is above its ``whole``."""
    if name not in tables:
        return
    frame = tables[name]
    both = frame[frame[part].notna() & frame[whole].notna()]
    for _, row in both[both[part].astype(float) > both[whole].astype(float)].iterrows():
        add_problem(problems, files[name], row[ROW], part, row[part], f"{part} ({row[part]}) is above {whole} ({row[whole]})")
