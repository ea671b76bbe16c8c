"""Interactive exploration in JupyterLab: widgets to slice audits by team, tier, case type,
criterion and quarter. Widgets appear only when a person runs the notebook: the batch runner and
the tests set ``REVIEW_BATCH=1``, and then nothing is displayed (widget HTML needs a CDN)."""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

from review.analyses.audits import criterion_rates
from review.analyses.context import Context
from review.config.paths import BATCH_ENV
from review.views import presentation as show
from review.views.common import criteria_table

__all__ = ["audit_explorer", "is_interactive"]
ALL = "(all)"


def is_interactive() -> bool:
    """Whether a person is running the notebook (not the batch, papermill tests or nbval)."""
    return os.environ.get(BATCH_ENV) != "1"


def _filtered(audits: pd.DataFrame, **choices: str) -> pd.DataFrame:
    for column, value in choices.items():
        if value != ALL:
            audits = audits[audits[column] == value]
    return audits


def audit_explorer(ctx: Context) -> Any:
    """A widget to slice the case-file audits; None in batch runs (so nothing is displayed).

    Parameters
    ----------
    ctx : Context

    Returns
    -------
    ipywidgets.VBox or None
    """
    if not is_interactive():
        return None
    import ipywidgets as w
    from IPython.display import display

    audits = ctx.evidence.table("audits")
    audits = audits[audits["moderation_of"].isna()]
    options = {c: [ALL, *sorted(audits[c].dropna().unique())] for c in ("cycle", "team", "auditor_tier", "case_type", "audit_type")}
    pickers = {c: w.Dropdown(options=o, value=ctx.cycle if c == "cycle" else ALL, description=c.replace("_", " "))
               for c, o in options.items()}
    out = w.Output()

    def refresh(_: object = None) -> None:
        chosen = {c: p.value for c, p in pickers.items()}
        part = _filtered(audits, **chosen)
        applies = [c for c in ctx.evidence.criteria if part[c].notna().any()]
        out.clear_output()
        with out:
            if part.empty:
                display(show.note("No audits match."))
                return
            rates = criterion_rates(part, ctx.evidence, applies, confidence_level=ctx.params.confidence_level)
            display(criteria_table(rates, ctx.policy, caption=f"{len(part)} audits matching the selection",
                                   uid="explorer"))

    for picker in pickers.values():
        picker.observe(refresh, names="value")
    refresh()
    return w.VBox([w.HBox(list(pickers.values())[:3]), w.HBox(list(pickers.values())[3:]), out])
