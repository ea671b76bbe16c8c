"""Trends: each item's band and level over the last eight quarters, as a picture and as a table.

Formats a :class:`~review.results.history.Trend` (the results layer read the earlier runs and
decided what may be shown); nothing here computes, compares or withholds.

The picture is a band strip: one row per item, one box per quarter, oldest on the left, coloured
and lettered by its band (the letter, so that it does not rest on colour alone). Where the report
records the level the band follows, a line above each row draws it from 0% to 100%, broken at a
quarter that is not known (no run, item not recorded) or whose level is withheld (``c``): never
joined across it. The item's current red run is outlined, heavy from three quarters (the
escalation the key messages name), and said in words under the item's id. To a screen reader the
picture is one image with a text alternative that names items and quarters only (no count of
people); the same data follow as a table, quarters named as councils name them
(:func:`review.config.cycles.quarter_label`). The markup is kept small: a report page has a weight
limit, and the summary may list dozens of red items.

A quarter no earlier run recorded, whose evidence this run judged again
(:mod:`review.results.history`: an earlier run wins, else the evidence, else a gap), is lettered
``R`` or ``N`` (not red) and named "re-judged from the evidence" in the table and the notes. The
table sits in a folded ``<details>`` element: opened, it would print too, but it costs the demo's
board pack two A4 pages over its limit of 25 (the strip and its legend carry the same bands in print).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from IPython.display import HTML

from review.config.cycles import quarter_label, quarter_name
from review.config.frameworks import FRAMEWORKS
from review.protection.disclosure import DisclosurePolicy
from review.results.history import (
    ESCALATE_AT,
    NOT_RED,
    REJUDGED,
    WINDOW,
    ItemSeries,
    Trend,
    TrendPoint,
)
from review.views import presentation as show
from review.views.common import BAND_WORDS

__all__ = ["alt_text", "point_text", "report", "run_text", "strip_svg", "summary", "table"]

LETTERS = {"red": "R", "amber": "A", "green": "G", "self-assessed": "S", "grey": "–", NOT_RED: "N", "withheld": "W"}
"""The letter in a band's box, so the strip does not rest on colour alone."""

X0, STEP, BOX, BOX_H = 74, 34, 32, 18
"""The strip's geometry: the label column's width, a quarter's step, a box's width and height."""
GAP_COLOUR = "#e4e4e4"
"""A quarter that is not known: a pale box without a letter."""
HEAD, GROUP_H = 22, 16
"""The quarters' labels at the top; a framework's title row (in the summary)."""
ROW_LEVELS, ROW_BANDS = 46, 30
"""An item's row with its level line (panel from y + 3 to y + 21, strip from y + 24), and without
(strip from y + 6)."""


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
    >>> point_text(TrendPoint("2009-Q2", "re-judged", "not red", None, "not recorded"))
    'Not red (no run: re-judged from the evidence)'
    """
    if point.gap:
        return "No run" if point.state == "no run" else "Not recorded"
    if point.state == REJUDGED:
        words = {"red": "Red", NOT_RED: "Not red", "withheld": "Withheld"}.get(point.band or "", str(point.band))
        return f"{words} (no run: re-judged from the evidence)"
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
    if series.earlier_withheld:
        return f"red for {n} or more quarters running (the band before is withheld)"
    if n == 1:
        return "red this quarter"
    return f"red for {n} quarters running, since {quarter_label(series.points[-n].cycle)}"


def strip_svg(items: Sequence[ItemSeries], window: Sequence[str], *, levels: bool = True,
              titles: Mapping[str, str] | None = None, policy: DisclosurePolicy | None = None) -> str:
    """The band strip of several items: a row each, the level line above it, the red run outlined.

    Parameters
    ----------
    items : sequence of ItemSeries
        Each with one point per quarter of ``window``.
    window : sequence of str
        The quarters, oldest first.
    levels : bool, default: ``True``
        Draw the level line above the rows whose report records a level; False for none (a report
        that records bands only). A row without a level is drawn short.
    titles : mapping, optional
        Framework -> title: a title row is drawn wherever the framework changes (the summary).
    policy : DisclosurePolicy, optional
        The report's: a withheld level's ``c`` is explained with its range (default 1 to 5).

    Returns
    -------
    str
        An ``<svg>`` element, hidden from screen readers (the figure's text alternative and table
        say what it shows).

    Examples
    --------
    >>> q = [TrendPoint(c, "reported", "red", 0.5, "shown") for c in ("2009-Q3", "2009-Q4")]
    >>> s = ItemSeries("f", "J02", (TrendPoint("2009-Q2", "no run", None, None, "not recorded"), *q))
    >>> svg = strip_svg([s], ("2009-Q2", "2009-Q3", "2009-Q4"))
    >>> svg.count("<polyline"), svg.count("<circle"), f'stroke="{GAP_COLOUR}" d="M74 55h32"' in svg
    (1, 2, True)
    >>> 'viewBox="0 0 176 68"' in svg  # 74 + 3 x 34; 22 + 46
    True
    """
    boxes: dict[str, list[str]] = {}
    letters: list[str] = []
    cs: list[str] = []
    dots: list[str] = []
    lines: list[str] = []
    ids: list[str] = []
    runs: list[str] = []
    outlines: list[str] = []
    rules: list[str] = []
    groups: list[str] = []
    y, last = HEAD, None
    for s in items:
        if titles is not None and s.framework != last:
            groups.append(f'<text x="2" y="{y + 12}">{html.escape(titles.get(s.framework, s.framework))}</text>')
            y += GROUP_H
        last = s.framework
        row_levels = levels and not _no_levels([s])  # a row without any level recorded is drawn short
        strip_y = y + (24 if row_levels else 6)
        _levels(s, y, row_levels, dots, lines, cs)
        xs = [str(X0 + i * STEP + BOX // 2) for i, p in enumerate(s.points) if not p.gap]
        i = 0
        while i < len(s.points):  # a run of boxes of one band is one dashed stroke: "32 2", restarted per run
            key = "gap" if s.points[i].gap else (s.points[i].band or "grey")
            j = i
            while j + 1 < len(s.points) and ("gap" if s.points[j + 1].gap else (s.points[j + 1].band or "grey")) == key:
                j += 1
            boxes.setdefault(key, []).append(f"M{X0 + i * STEP} {strip_y + BOX_H // 2}h{(j - i + 1) * STEP - 2}")
            i = j + 1
        if xs:
            marks = "".join(LETTERS.get(p.band or "grey", "?") for p in s.points if not p.gap)
            letters.append(f'<text x="{" ".join(xs)}" y="{strip_y + 13}">{marks}</text>')
        if row_levels:
            rules.append(f"M{X0} {y + 21}h{len(s.points) * STEP - 2}")
        ids.append(f'<text x="2" y="{y + (30 if row_levels else 12)}">{html.escape(s.item)}</text>')
        run = s.red_run
        if run >= 2:
            heavy = s.escalated
            outlines.append(f'<rect x="{X0 + (len(s.points) - run) * STEP - 2}" y="{strip_y - 2}" '
                            f'width="{run * STEP}" height="{BOX_H + 4}"' + (' stroke-width="3"' if heavy else "") + "/>")
            bold = ' font-weight="bold"' if heavy else ""
            runs.append(f'<text x="2" y="{y + (41 if row_levels else 25)}"{bold}>{html.escape(_short_run(s))}</text>')
        y += ROW_LEVELS if row_levels else ROW_BANDS
    width = X0 + len(window) * STEP
    explained = _c_title(cs, policy or DisclosurePolicy())
    heads = "".join(f'<text x="{X0 + i * STEP + BOX // 2}" y="9">{html.escape(q)}</text>'  # "Q3" over "09/10"
                    f'<text x="{X0 + i * STEP + BOX // 2}" y="19">{html.escape(year[2:])}</text>'
                    for i, (q, year) in enumerate(quarter_label(c).split(" ", 1) for c in window))
    colours = show.RAG_COLOURS | {"gap": GAP_COLOUR, NOT_RED: "#767676"}
    strips = "".join(f'<path stroke="{colours.get(b, show.RAG_COLOURS["grey"])}" d="{"".join(d)}"/>'
                     for b, d in boxes.items())
    return (f'<svg viewBox="0 0 {width} {y}" width="{width}" height="{y}" style="max-width:100%;height:auto" '
            f'aria-hidden="true" focusable="false" font-family="sans-serif">'
            f'<g font-size="8.5" text-anchor="middle" fill="#333">{heads}</g>'
            f'<g font-size="10" font-weight="bold" fill="#1a1a1a">{"".join(groups)}</g>'
            f'<path stroke="#ccc" d="{"".join(rules)}"/>'
            f'<g stroke-width="{BOX_H}" stroke-dasharray="{BOX} {STEP - BOX}">{strips}</g>'
            f'<g font-size="11" font-weight="bold" fill="#fff" text-anchor="middle">{"".join(letters)}</g>'
            f'<g font-size="10" fill="#555" text-anchor="middle">{explained}{"".join(cs)}</g>'
            f'<g fill="none" stroke="#1a1a1a" stroke-width="1.5">{"".join(lines)}{"".join(outlines)}</g>'
            f'<g fill="#1a1a1a">{"".join(dots)}</g>'
            f'<g font-size="11" font-weight="bold" fill="#1a1a1a">{"".join(ids)}</g>'
            f'<g font-size="8.5" fill="#1a1a1a">{"".join(runs)}</g></svg>')


def _levels(s: ItemSeries, y: int, levels: bool, dots: list[str], lines: list[str], cs: list[str]) -> None:
    """One row's level line: a dot per shown level, a polyline per run of them (never across a quarter
    whose level is not shown), and ``c`` where a level is withheld."""
    if not levels:
        return
    segment: list[str] = []
    c_xs = []
    for i, p in enumerate(s.points):
        cx = X0 + i * STEP + BOX // 2
        if p.level is not None and p.level_state == "shown":
            cy = f"{y + 21 - 18 * min(max(p.level, 0.0), 1.0):.1f}"
            segment.append(f"{cx},{cy}")
            dots.append(f'<circle cx="{cx}" cy="{cy}" r="2"/>')
            continue
        if p.level_state == "c" and not p.gap:
            c_xs.append(str(cx))
        if len(segment) > 1:
            lines.append(f'<polyline points="{" ".join(segment)}"/>')
        segment = []
    if len(segment) > 1:
        lines.append(f'<polyline points="{" ".join(segment)}"/>')
    if c_xs:
        cs.append(f'<text x="{" ".join(c_xs)}" y="{y + 15}">{"c" * len(c_xs)}</text>')


def _c_title(cs: Sequence[str], policy: DisclosurePolicy) -> str:
    """What a withheld level's ``c`` means, with the policy's range, as the tooltip of the strip's ``c``
    marks (an SVG ``<title>``: the page's ``<abbr>`` has no meaning inside an ``<svg>``)."""
    return f"<title>c: {html.escape(policy.symbols['c'])}</title>" if cs else ""


def _short_run(series: ItemSeries) -> str:
    more = "+" if series.run_may_be_longer or series.earlier_withheld else ""
    return f"{'▲ ' if series.escalated else ''}red {series.red_run}{more} quarters"


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
    escalated = [s.item for s in items if s.escalated]
    tail = " The data are in the table below."
    named = (f" Red for {ESCALATE_AT} or more quarters running: {', '.join(escalated)}." if escalated
             else f" None red for {ESCALATE_AT} or more quarters running.")
    if len(head + named + tail) > show.MAX_ALT:
        named = f" Red for {ESCALATE_AT} or more quarters running: {len(escalated)} {what}, named in the table."
    return head + named + tail


def table(items: Sequence[ItemSeries], window: Sequence[str], *, caption: str,
          labels: Mapping[tuple[str, str], str] | None = None, decimals: int = 1) -> str:
    """The trend as a table: a row per item (its id a row header), a column per quarter, and its red run.

    Quarters before the first one known for any item are left out (the page says there was no
    run before it); a gap quarter after it stays, as "No run".

    Parameters
    ----------
    items : sequence of ItemSeries
    window : sequence of str
        The quarters, oldest first.
    caption : str
        The table's caption.
    labels : mapping, optional
        ``(framework, item)`` -> the row's label (default the item's id).
    decimals : int, default: ``1``
        Decimals of the levels' percentages (the policy's ``percent_decimals``).

    Returns
    -------
    str
        A ``<table>`` with header scope, marked as holding no count of people.

    Examples
    --------
    >>> s = ItemSeries("f", "J02", (TrendPoint("2009-Q3", "no run", None, None, "not recorded"),
    ...                             TrendPoint("2009-Q4", "reported", "red", 0.5, "shown")))
    >>> print(table([s], ("2009-Q3", "2009-Q4"), caption="J02"))  # doctest: +NORMALIZE_WHITESPACE
    <table class="review-trend" data-review-nocount><caption>J02</caption><thead><tr><th scope="col">Item</th><th
    scope="col">Q3 2009/10</th><th scope="col">Red run</th></tr></thead><tbody><tr><th scope="row">J02</th><td>Red;
    level 50.0%</td><td>red this quarter</td></tr></tbody></table>
    """
    known = [i for i in range(len(window)) if any(not s.points[i].gap for s in items)]
    first = known[0] if known else len(window) - 1
    shown = range(first, len(window))
    head = "".join(f'<th scope="col">{html.escape(quarter_label(window[i]))}</th>' for i in shown)
    rows = "".join(
        f'<tr><th scope="row">{html.escape((labels or {}).get((s.framework, s.item), s.item))}</th>'
        + "".join(f"<td>{html.escape(point_text(s.points[i], decimals))}</td>" for i in shown)
        + f"<td>{html.escape(run_text(s) or 'not red this quarter')}</td></tr>" for s in items)
    return (f'<table class="review-trend" {show.NOCOUNT}><caption>{html.escape(caption)}</caption><thead><tr>'
            f'<th scope="col">Item</th>{head}<th scope="col">Red run</th></tr></thead><tbody>{rows}</tbody></table>')


def _legend(levels: bool) -> str:
    line = ("The line above a row is the level its band follows, from 0% to 100%; it breaks where a quarter is "
            "not known or its level is withheld (c). " if levels else "")
    return (f"<small>Each box is a quarter, oldest on the left: R red, A amber, G green, S self-assessed (not "
            "evidenced), – no judgement, N not red (a quarter without a run, re-judged from the evidence: amber or "
            "green); a pale box without a letter is a quarter that is not known (no run of the "
            f"report and no evidence, or the item not recorded). {line}An outline marks the item's current red run, heavy (▲) from {ESCALATE_AT} "
            "quarters. A band moving is not itself a change beyond chance: the report's tables say which changes "
            "are.</small>")


def _coverage(trends: Sequence[Trend], what: str) -> str:
    """What the earlier runs gave: plainly none, or which quarters are missing; and the quarters re-judged."""
    window = trends[0].window
    again = sorted({c for t in trends for c in t.rejudged})
    rejudged = (f" {_quarters_text(again)} had no run: {'its' if len(again) == 1 else 'their'} evidence, in this "
                "run's data folder, is judged again as the report judges it (red or not red, no level)."
                if again else "")
    return _runs_coverage(trends, what, window, again) + rejudged


def _quarters_text(quarters: Sequence[str]) -> str:
    return ", ".join(quarter_label(c) for c in quarters)


def _runs_coverage(trends: Sequence[Trend], what: str, window: Sequence[str], again: Sequence[str]) -> str:
    runs = sorted({c for t in trends for c in t.earlier_runs})
    if not runs and again:
        return f"No earlier run of {what} for the {trends[0].audience} audience was found."
    if not runs:
        return (f"There is no earlier quarter: no run of {what} for the {trends[0].audience} audience "
                f"was found for {quarter_label(window[0])} to {quarter_label(window[-2])}, so the trend starts this "
                f"quarter, {quarter_name(window[-1])}. Earlier quarters appear here once their runs' folders are "
                "kept beside this one.") if len(window) > 1 else ""
    first = window.index(runs[0])
    text = (f"Earlier quarters are read from the results of earlier runs, {quarter_label(runs[0])} to "
            f"{quarter_label(runs[-1])}." if len(runs) > 1 else
            f"The earlier quarter is read from the results of the earlier run of {quarter_label(runs[0])}.")
    if first:
        text += f" There is no run before {quarter_label(runs[0])}."
    missing = [c for c in window[first:-1] if c not in runs and c not in again]
    if missing:
        text += (f" No run for {', '.join(quarter_label(c) for c in missing)}: a gap, and the line is not joined "
                 "across it.")
    return text


def _no_levels(items: Sequence[ItemSeries]) -> bool:
    return all(p.level_state == "not recorded" for s in items for p in s.points)


def _section(heading: str, notes: Sequence[str], items: Sequence[ItemSeries], window: Sequence[str], what: str,
             caption: str, *, policy: DisclosurePolicy, titles: Mapping[str, str] | None = None,
             labels: Mapping[tuple[str, str], str] | None = None) -> HTML:
    levels = not _no_levels(items)
    alt = alt_text(items, window, what)
    paragraphs = "".join(f"<p>{html.escape(n)}</p>" for n in notes if n)
    return HTML(f"<section {show.NOCOUNT}><h3>{html.escape(heading)}</h3>{paragraphs}"
                f'<figure style="margin:0.5rem 0"><div role="img" aria-label="{html.escape(alt)}">'
                f"{strip_svg(items, window, levels=levels, titles=titles, policy=policy)}</div>"
                f"<figcaption>{_legend(levels)}</figcaption></figure>"
                f"<details><summary>The trend as a table</summary>"
                f"{table(items, window, caption=caption, labels=labels, decimals=policy.percent_decimals)}</details></section>")


def report(trend: Trend, policy: DisclosurePolicy, *, what: str = "items") -> HTML:
    """A framework's trend section: how far back it reaches, the band strip and the table.

    Parameters
    ----------
    trend : Trend
        :func:`review.results.history.trend_for`.
    policy : DisclosurePolicy
        The report's policy (the levels' decimals, the range a withheld level's ``c`` stands for; the
        levels were decided in the results layer).
    what : str, default: ``"items"``
        What the framework's items are called ("findings").

    Returns
    -------
    IPython.display.HTML
    """
    heading = f"Trend over the last {len(trend.window)} quarters"
    if not trend.items:
        return HTML(f"<h3 {show.NOCOUNT}>{heading}</h3>"
                    + show.note(f"The report recorded no {what} this quarter, so there is no trend to show.").data)
    one = what[:-1] if what.endswith("s") else what
    notes = [_coverage([trend], "this report"),
             f"This report records each {one}'s band, not a single level, so the trend shows bands only."
             if _no_levels(trend.items) else ""]
    caption = f"Each {one} quarter by quarter, to {quarter_name(trend.window[-1])}"
    return _section(heading, notes, trend.items, trend.window, what, caption, policy=policy)


def summary(trends: Sequence[Trend], policy: DisclosurePolicy, titles: Mapping[str, str] | None = None) -> HTML:
    """The cycle summary's trend: every item red this quarter, by framework, longest red run first.

    Only the source's items are listed: a heading summarised from its sub-items is left out (its
    sub-items are listed), so the count agrees with the reports' and the key messages' red items.

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
    heading = f"How long each red item has been red: the last {WINDOW} quarters"
    if not trends:
        return HTML(f"<h3 {show.NOCOUNT}>{heading}</h3>" + show.note(
            "No framework's results were found for this quarter, so there is no trend to show.").data)
    order = {t.framework: k for k, t in enumerate(trends)}
    red = sorted((s for t in trends for s in t.items if s.now.band == "red" and not s.now.gap and not s.heading),
                 key=lambda s: (order[s.framework], -s.red_run))
    coverage = _coverage(trends, "the reports")
    if not red:
        return HTML(f"<h3 {show.NOCOUNT}>{heading}</h3><p {show.NOCOUNT}>{html.escape(coverage)}</p>"
                    + show.note("No item is red this quarter.").data)
    labels = {(s.framework, s.item): f"{s.item} ({titles.get(s.framework, s.framework)})" for s in red}
    caption = f"Items red this quarter, quarter by quarter, to {quarter_name(trends[0].window[-1])}"
    return _section(heading, [coverage], red, trends[0].window, "items red this quarter", caption,
                    policy=policy, titles=titles, labels=labels)
