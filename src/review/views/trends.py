"""Trends: each item's band and level over the last eight quarters, as a picture and as a table.

Formats a :class:`~review.results.history.Trend` (the results layer read the earlier runs and
decided what may be shown); nothing here computes, compares or withholds.

Each item is a small multiple: a strip of one box per quarter, oldest on the left, coloured and
lettered by its band, with the level the band follows drawn above it as a line that breaks at a
quarter that is not known (no run, item not recorded) or whose level is withheld (``c``). The
item's current red run is outlined, heavier from three quarters (the escalation the key messages
name). The pictures are one image to a screen reader, with a text alternative that names items
and quarters only (no count of people), and the same data follow as a table in a ``details``
element, quarters named as councils name them (:func:`review.config.cycles.quarter_label`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import pandas as pd
from IPython.display import HTML

from review.config.cycles import quarter_label, quarter_name
from review.config.frameworks import FRAMEWORKS
from review.protection.disclosure import DisclosurePolicy
from review.results.history import ItemSeries, Trend, TrendPoint
from review.views import presentation as show
from review.views.common import BAND_WORDS

__all__ = ["ESCALATE_AT", "alt_text", "point_text", "report", "run_text", "strip_svg", "summary", "table"]

ESCALATE_AT = 3
"""Quarters red without a break from which an item's run is drawn as an escalation (issue 29: red
for three or more quarters)."""

LETTERS = {"red": "R", "amber": "A", "green": "G", "self-assessed": "S", "grey": "–"}
"""The letter in a band's box, so the strip does not rest on colour alone."""

_CELL, _STEP, _X0 = 38, 40, 7
_TOP, _BOTTOM, _STRIP_Y, _STRIP_H = 6, 38, 44, 20
WIDTH, HEIGHT = _X0 + 8 * _STEP, 96


def point_text(point: TrendPoint, decimals: int = 1) -> str:
    """One quarter of an item in words, as its table cell reads.

    Parameters
    ----------
    point : TrendPoint
        The item in one quarter.
    decimals : int, default: ``1``
        Decimals of the level's percentage (the policy's ``percent_decimals``).

    Returns
    -------
    str

    Examples
    --------
    >>> point_text(TrendPoint("2009-Q4", "reported", "red", 0.5, "shown"))
    'Red; level 50.0%'
    >>> point_text(TrendPoint("2009-Q4", "reported", "red", None, "c"))
    'Red; level c'
    >>> point_text(TrendPoint("2009-Q3", "no run", None, None, "not recorded"))
    'No run'
    """
    if point.gap:
        return "No run" if point.state == "no run" else "Not recorded"
    words = BAND_WORDS.get(point.band or "grey", str(point.band))
    if point.level_state == "shown" and point.level is not None:
        return f"{words}; level {show.pct(point.level, decimals)}"
    if point.level_state == "c":
        return f"{words}; level c"
    return words


def run_text(series: ItemSeries) -> str:
    """The item's current red run in words, or empty when it is not red now.

    Parameters
    ----------
    series : ItemSeries

    Returns
    -------
    str

    Examples
    --------
    >>> red = TrendPoint("2009-Q4", "reported", "red", None, "not recorded")
    >>> q3 = TrendPoint("2009-Q3", "reported", "red", None, "not recorded")
    >>> run_text(ItemSeries("f", "J02", (TrendPoint("2009-Q2", "no run", None, None, "not recorded"), q3, red)))
    'red for 2 quarters running, since Q2 2009/10'
    >>> run_text(ItemSeries("f", "J02", (q3, red)))
    'red for 2 or more quarters running (the trend starts red)'
    """
    n = series.red_run
    if n == 0:
        return ""
    if series.run_may_be_longer:
        return f"red for {n} or more quarters running (the trend starts red)"
    if n == 1:
        return "red this quarter"
    return f"red for {n} quarters running, since {quarter_label(series.points[-n].cycle)}"


def strip_svg(series: ItemSeries, *, levels: bool = True) -> str:
    """One item's small multiple: the level line above a strip of band boxes, the red run outlined.

    Parameters
    ----------
    series : ItemSeries
        At most eight quarters.
    levels : bool, default: ``True``
        Draw the level line; False for a report that records bands only (the strip alone, shorter).

    Returns
    -------
    str
        An ``<svg>`` element, hidden from screen readers (the figure's text alternative and table
        say what it shows).

    Examples
    --------
    >>> q = [TrendPoint(c, "reported", "red", 0.5, "shown") for c in ("2009-Q3", "2009-Q4")]
    >>> svg = strip_svg(ItemSeries("f", "J02", (TrendPoint("2009-Q2", "no run", None, None, "not recorded"), *q)))
    >>> svg.count("<rect"), svg.count("<polyline"), 'stroke-dasharray' in svg
    (4, 1, True)
    >>> 'viewBox="0 0 327 58"' in strip_svg(ItemSeries("f", "J02", tuple(q)), levels=False)
    True
    """
    shift = 0 if levels else _STRIP_Y - _TOP
    strip_y, height = _STRIP_Y - shift, HEIGHT - shift
    parts = []
    n = len(series.points)
    segment: list[str] = []
    lines = []
    for i, p in enumerate(series.points):
        x = _X0 + i * _STEP
        cx = x + _CELL / 2
        if p.gap:
            parts.append(f'<rect x="{x}" y="{strip_y}" width="{_CELL}" height="{_STRIP_H}" fill="#ffffff" '
                         f'stroke="#767676" stroke-dasharray="3 2"/>')
        else:
            colour = show.RAG_COLOURS.get(p.band or "grey", show.RAG_COLOURS["grey"])
            parts.append(f'<rect x="{x}" y="{strip_y}" width="{_CELL}" height="{_STRIP_H}" fill="{colour}"/>'
                         f'<text x="{cx:g}" y="{strip_y + 14}" text-anchor="middle" font-size="11" '
                         f'font-weight="bold" fill="#ffffff">{LETTERS.get(p.band or "grey", "?")}</text>')
        if levels and p.level is not None and p.level_state == "shown":
            y = _BOTTOM - (_BOTTOM - _TOP) * min(max(p.level, 0.0), 1.0)
            segment.append(f"{cx:g},{y:.1f}")
            parts.append(f'<circle cx="{cx:g}" cy="{y:.1f}" r="2.5" fill="#1a1a1a"/>')
        else:
            if levels and p.level_state == "c" and not p.gap:
                parts.append(f'<text x="{cx:g}" y="{(_TOP + _BOTTOM) / 2 + 4:g}" text-anchor="middle" font-size="10" '
                             f'fill="#555555">c</text>')
            lines.append(segment)
            segment = []
        label = quarter_label(p.cycle).replace(" 20", " ", 1)
        parts.append(f'<text x="{cx:g}" y="{strip_y + _STRIP_H + 11}" text-anchor="middle" font-size="7.5" '
                     f'fill="#333333">{html.escape(label)}</text>')
    lines.append(segment)
    polylines = "".join(f'<polyline points="{" ".join(s)}" fill="none" stroke="#1a1a1a" stroke-width="1.5"/>'
                        for s in lines if len(s) > 1)
    axis = (f'<line x1="{_X0}" y1="{_BOTTOM}" x2="{_X0 + n * _STEP - 2}" y2="{_BOTTOM}" stroke="#bbbbbb"/>'
            f'<line x1="{_X0}" y1="{_TOP}" x2="{_X0 + n * _STEP - 2}" y2="{_TOP}" stroke="#e0e0e0"/>') if levels else ""
    run = series.red_run
    outline = ""
    if run >= 2:
        first = _X0 + (n - run) * _STEP
        heavy = run >= ESCALATE_AT
        outline = (f'<rect x="{first - 3}" y="{strip_y - 3}" width="{run * _STEP}" height="{_STRIP_H + 6}" '
                   f'fill="none" stroke="#1a1a1a" stroke-width="{3 if heavy else 1.5}"/>'
                   f'<text x="{first - 2}" y="{height - 4}" font-size="9" font-weight="{"bold" if heavy else "normal"}" '
                   f'fill="#1a1a1a">{html.escape(_short_run(series))}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
            f'height="{height}" style="max-width:100%;height:auto" aria-hidden="true" focusable="false">'
            f'{axis}{polylines}{"".join(parts)}{outline}</svg>')


def _short_run(series: ItemSeries) -> str:
    more = " or more" if series.run_may_be_longer else ""
    return f"{'▲ ' if series.red_run >= ESCALATE_AT else ''}red {series.red_run}{more} quarters running"


def alt_text(items: Sequence[ItemSeries], window: Sequence[str], what: str) -> str:
    """The figure's text alternative: what it shows, over which quarters, and the items escalated.

    It names items and quarters, and counts only items (never people); the figures themselves
    are in the table that follows. At most :data:`review.views.presentation.MAX_ALT` characters:
    the escalated items are left for the table when naming them would run longer.

    Parameters
    ----------
    items : sequence of ItemSeries
    window : sequence of str
        The quarters shown, oldest first.
    what : str
        What the items are ("findings of the JAR 2008 stocktake").

    Returns
    -------
    str

    Examples
    --------
    >>> red = [TrendPoint(c, "reported", "red", None, "not recorded") for c in ("2009-Q2", "2009-Q3", "2009-Q4")]
    >>> alt_text([ItemSeries("f", "J02", tuple(red))], ("2009-Q2", "2009-Q3", "2009-Q4"), "findings")
    'Band and level of the findings (1) over 3 quarters, Q1 2009/10 to Q3 2009/10. Red for 3 or more quarters running: J02. The data are in the table below.'
    """
    head = (f"Band and level of the {what} ({len(items)}) over {len(window)} quarters, "
            f"{quarter_label(window[0])} to {quarter_label(window[-1])}.")
    escalated = [s.item for s in items if s.red_run >= ESCALATE_AT]
    tail = " The data are in the table below."
    named = (f" Red for {ESCALATE_AT} or more quarters running: {', '.join(escalated)}." if escalated
             else f" None red for {ESCALATE_AT} or more quarters running.")
    if len(head + named + tail) > show.MAX_ALT:
        named = f" Red for {ESCALATE_AT} or more quarters running: {len(escalated)} {what}, named in the table."
    return head + named + tail


def table(items: Sequence[ItemSeries], window: Sequence[str], policy: DisclosurePolicy, *, caption: str,
          uid: str, labels: Mapping[tuple[str, str], str] | None = None) -> HTML:
    """The trend as a table: one row per item, one column per quarter, and its red run.

    Parameters
    ----------
    items : sequence of ItemSeries
    window : sequence of str
        The quarters, oldest first (the columns).
    policy : DisclosurePolicy
        For the symbols' footnote and the percentages' decimals.
    caption : str
        The table's caption.
    uid : str
        A stable id.
    labels : mapping, optional
        ``(framework, item)`` -> the row's label (default the item's id).

    Returns
    -------
    IPython.display.HTML
    """
    columns = [show.nocount(quarter_label(c)) for c in window]
    rows = []
    for s in items:
        row = {"Item": show.nocount((labels or {}).get((s.framework, s.item), s.item))}
        row |= {col: show.nocount(point_text(p, policy.percent_decimals)) for col, p in zip(columns, s.points, strict=True)}
        row["Red run"] = show.nocount(run_text(s) or "not red this quarter")
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["Item", *columns, "Red run"]).set_index("Item")
    frame.index.name = None
    return show.table(frame, caption=show.nocount(caption), uid=uid, policy=policy, index=True,
                      nocount=list(frame.columns))


def _legend(levels: bool) -> str:
    line = ("The line above the boxes is the level the band follows, from 0% to 100%; it breaks where a quarter "
            "is not known or its level is withheld (c). " if levels else "")
    return (f"<p {show.NOCOUNT}><small>Each box is a quarter, oldest on the left: R red, A amber, G green, "
            "S self-assessed (not evidenced), – no judgement; a dashed box is a quarter that is not known (no run "
            f"of the report, or the item not recorded). {line}An outline marks the item's current red run, heavy "
            f"(▲) from {ESCALATE_AT} quarters. A band moving is not itself a change beyond chance: the report's "
            "tables say which changes are.</small></p>")


def _coverage(trends: Sequence[Trend], what: str) -> str:
    """What the earlier runs gave: plainly none, or which quarters are missing."""
    window = trends[0].window
    runs = sorted({c for t in trends for c in t.earlier_runs})
    if not runs:
        return (f"There is no earlier quarter: no run of {what} for the {html.escape(trends[0].audience)} audience "
                f"was found for {quarter_label(window[0])} to {quarter_label(window[-2])}, so the trend starts this "
                f"quarter, {quarter_name(window[-1])}. Earlier quarters appear here once their runs' folders are "
                "kept beside this one.") if len(window) > 1 else ""
    first = window.index(runs[0])
    text = (f"Earlier quarters are read from the results of earlier runs, {quarter_label(runs[0])} to "
            f"{quarter_label(runs[-1])}." if len(runs) > 1 else
            f"The earlier quarter is read from the results of the earlier run of {quarter_label(runs[0])}.")
    if first:
        text += f" There is no run before {quarter_label(runs[0])}."
    missing = [c for c in window[first:-1] if c not in runs]
    if missing:
        text += (f" No run for {', '.join(quarter_label(c) for c in missing)}: a gap, and the line is not joined "
                 "across it.")
    return text


def _no_levels(items: Sequence[ItemSeries]) -> bool:
    return all(p.level_state == "not recorded" for s in items for p in s.points)


def _figure(items: Sequence[ItemSeries], window: Sequence[str], what: str, titles: Mapping[str, str]) -> str:
    levels = not _no_levels(items)
    cards = []
    for s in items:
        title = titles.get(s.framework)
        head = f"{s.item} ({title})" if title else s.item
        words = run_text(s)
        cards.append(f'<div style="flex:0 1 {WIDTH}px;min-width:0"><p style="margin:0.2rem 0"><strong>'
                     f'{html.escape(head)}</strong>{": " + html.escape(words) if words else ""}</p>'
                     f"{strip_svg(s, levels=levels)}</div>")
    alt = alt_text(items, window, what)
    return (f'<figure {show.NOCOUNT} style="margin:0.5rem 0"><div role="img" aria-label="{html.escape(alt)}" '
            f'style="display:flex;flex-wrap:wrap;gap:0.4rem 1.2rem">{"".join(cards)}</div>'
            f"<figcaption>{_legend(levels)}</figcaption></figure>")


def report(trend: Trend, policy: DisclosurePolicy, *, what: str = "items") -> HTML:
    """A framework's trend section: how far back it reaches, the small multiples and the table.

    Parameters
    ----------
    trend : Trend
        :func:`review.results.history.trend_for`.
    policy : DisclosurePolicy
        The report's policy (footnote and decimals; the levels were decided in the results layer).
    what : str, default: ``"items"``
        What the framework's items are called ("findings").

    Returns
    -------
    IPython.display.HTML
    """
    if not trend.items:
        return show.note(f"The report recorded no {what} this quarter, so there is no trend to show.")
    body = f"<p {show.NOCOUNT}>{_coverage([trend], 'this report')}</p>"
    if _no_levels(trend.items):
        body += (f"<p {show.NOCOUNT}>This report records each {what[:-1] if what.endswith('s') else what}'s band, "
                 "not a single level, so the trend shows bands only.</p>")
    body += _figure(trend.items, trend.window, what, {})
    caption = (f"Each {what[:-1] if what.endswith('s') else what} quarter by quarter, "
               f"{quarter_name(trend.window[0])} to {quarter_name(trend.window[-1])}")
    data = table(trend.items, trend.window, policy, caption=caption, uid=f"trend_{trend.framework}")
    return HTML(f'<section {show.NOCOUNT}><h3>Trend over the last {len(trend.window)} quarters</h3>'
                f"{body}<details><summary>The trend as a table</summary>{data.data}</details></section>")


def summary(trends: Sequence[Trend], policy: DisclosurePolicy, titles: Mapping[str, str] | None = None) -> HTML:
    """The cycle summary's trend: every item red this quarter, longest red run first, across frameworks.

    Parameters
    ----------
    trends : sequence of Trend
        :func:`review.results.history.summary_trends`.
    policy : DisclosurePolicy
        The summary's policy.
    titles : mapping, optional
        Framework -> its title; default the registry's (:data:`review.config.frameworks.FRAMEWORKS`).

    Returns
    -------
    IPython.display.HTML
    """
    titles = titles if titles is not None else {n: f.title for n, f in FRAMEWORKS.items()}
    heading = f"<h3 {show.NOCOUNT}>How long each red item has been red: the last eight quarters</h3>"
    if not trends:
        return HTML(heading + show.note("No framework's results were found for this quarter, so there is no trend "
                                        "to show.").data)
    red = sorted((s for t in trends for s in t.items if s.now.band == "red" and not s.now.gap),
                 key=lambda s: -s.red_run)
    body = f"{heading}<p {show.NOCOUNT}>{_coverage(trends, 'the reports')}</p>"
    if not red:
        return HTML(body + show.note("No item is red this quarter.").data)
    window = trends[0].window
    body += _figure(red, window, "items red this quarter", titles)
    labels = {(s.framework, s.item): f"{s.item} ({titles.get(s.framework, s.framework)})" for s in red}
    data = table(red, window, policy, caption=f"Items red this quarter, quarter by quarter, {quarter_name(window[0])} "
                 f"to {quarter_name(window[-1])}", uid="trend_summary", labels=labels)
    return HTML(f"<section {show.NOCOUNT}>{body}<details><summary>The trend as a table</summary>{data.data}</details></section>")
