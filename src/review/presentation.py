"""Presentation: the only place that rounds, formats and turns results into HTML for reports.

Tables are rendered to static HTML with a fixed id (pandas' Styler embeds a random one),
every string from the data is HTML-escaped, and the index is hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from IPython.display import HTML

from review.frameworks import FRAMEWORKS

__all__ = ["framework_status", "table"]


def table(frame: pd.DataFrame, *, caption: str, uid: str, formats: Mapping[str, str] | None = None) -> HTML:
    """Render a small table as static, escaped HTML with a stable id.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to show; the index is hidden.
    caption : str
        The table's caption (escaped).
    uid : str
        A stable id, so the HTML is identical between runs (nbval compares it).
    formats : mapping, optional
        Column name to a format string such as ``"{:.1%}"``.

    Returns
    -------
    IPython.display.HTML
        The table.
    """
    import html

    styler = (
        frame.style.format(escape="html")
        .format(formats or {}, escape="html")
        .hide(axis="index")
        .set_caption(html.escape(caption))
        .set_uuid(uid)
    )
    return HTML(styler.to_html())


def framework_status(results: Mapping[str, Mapping[str, Any]], *, exclude: str = "cycle_summary") -> HTML:
    """Table of every framework report of a cycle: whether it ran and its headlines.

    Parameters
    ----------
    results : mapping
        Framework name to its recorded results (from ``load_cycle_results``).
    exclude : str, default: ``"cycle_summary"``
        The framework showing the table, left out of it.

    Returns
    -------
    IPython.display.HTML
        The table.
    """
    rows = [
        {
            "Report": fw.title,
            "Status": "Reported" if name in results else "Not run this cycle",
            "Headlines": "; ".join(results.get(name, {}).get("headlines", [])) or "-",
        }
        for name, fw in FRAMEWORKS.items()
        if name != exclude
    ]
    frame = pd.DataFrame(rows, columns=["Report", "Status", "Headlines"])
    return table(frame, caption="Framework reports this cycle", uid="framework_status")
