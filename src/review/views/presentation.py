"""Presentation: the only place that rounds, formats and turns results into HTML for reports.

Tables are static HTML with a fixed id (pandas' Styler embeds a random one), every string from
the data is escaped, and the index is hidden. Percentages always come with n; kappa always with
observed agreement and n. In a published report, counts and rates pass through
:mod:`review.protection.disclosure` first.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from IPython.display import HTML

from review.config.cycles import quarter_name
from review.exceptions import ParameterError
from review.protection.disclosure import DisclosurePolicy, footnote, round_half_up, suppressed_rate
from review.protection.nocount import NOCOUNT, NOCOUNT_CLASS, NoCount, nocount
from review.protection.report_check import QUOTE_CLASS, source_spans
from review.protection.units import UNIT_ATTRIBUTE, Counted, protected

__all__ = [
    "CARD_STYLE",
    "NOCOUNT",
    "RAG_COLOURS",
    "QUOTE_CLASS",
    "Joined",
    "NoCount",
    "Quoted",
    "agreement_text",
    "control_charts",
    "figure",
    "headline_cards",
    "item_ids",
    "joined",
    "marked_li",
    "new_figure",
    "nocount",
    "note",
    "pct",
    "plural",
    "quoted",
    "rate_text",
    "source_item",
    "table",
]

class Joined(str):
    """Text joined from parts that each keep their own mark (:class:`NoCount`, a declared unit, or
    none): '<span marked>Establishment: 118.0 FTE</span>; Leavers: 6'.

    >>> j = joined(["a", nocount("b")], "; ")
    >>> j, _escape(j)
    ('a; b', 'a; <span data-review-nocount>b</span>')
    """

    parts: tuple[object, ...]
    sep: str

    def __new__(cls, parts: Sequence[object], sep: str) -> Joined:
        self = super().__new__(cls, sep.join(str(p) for p in parts))
        self.parts, self.sep = tuple(parts), sep
        return self


def joined(parts: Sequence[object], sep: str = "; ") -> Joined:
    """Join parts of text, each keeping its mark (see :class:`Joined`)."""
    return Joined(parts, sep)


class Quoted(str):
    """A source's item in its own words (a JAR finding, a GOSE item): quoted as the source has it,
    abbreviations included, so no later pass rewords it. Its numbers ("at least 6 monthly") are the
    source's, not counts, and the publication check reads them so only where the span's words are
    the source's declared words (:func:`review.protection.report_check.source_texts`): the span
    carries no not-a-count mark of its own, so a count put in one is still found.

    >>> _escape(quoted("report to LSCB"))
    '<span class="review-quote">report to LSCB</span>'
    """


def quoted(text: object) -> Quoted:
    """Mark a source item's text as quoted in the source's words (see :class:`Quoted`)."""
    return Quoted(str(text))


def source_item(item_id: str, text: str, *, sep: str = ". ", before: str = "", after: str = "") -> Quoted:
    """A source's item as a page names it, its id (the source's numbering) then its words, quoted
    (:class:`Quoted`): "J03. The local safeguarding children board (LSCB) fails...". ``before`` and
    ``after`` (an indent, the item's origin as the source gives it) go with them.

    >>> label = source_item("G07", "Private fostering at least annual update (report to LSCB).")
    >>> _escape(label)
    '<span class="review-quote">G07. Private fostering at least annual update (report to LSCB).</span>'
    """
    return quoted(f"{before}{item_id}{sep}{text}{after}")


def _escape(text: object) -> str:
    """Escaped text, wrapped in a marked span when it is :class:`NoCount`, or in a span declaring
    its unit when it is :class:`~review.protection.units.Counted`; the parts of :class:`Joined`
    text each so."""
    if isinstance(text, Joined):
        return html.escape(text.sep).join(_escape(p) for p in text.parts)
    body = html.escape(str(text))
    if isinstance(text, Quoted):
        return f'<span class="{QUOTE_CLASS}">{body}</span>'
    if isinstance(text, Counted):
        return f'<span {UNIT_ATTRIBUTE}="{html.escape(text.unit)}">{body}</span>'
    return f"<span {NOCOUNT}>{body}</span>" if isinstance(text, NoCount) else body


_ITEM_ID = re.compile(r"(?<![A-Za-z0-9])[A-Z]+[0-9]+(?:\.[0-9]+)*(?![A-Za-z0-9])")


def item_ids(text: object) -> str:
    """Escaped HTML of a sentence about items, each item's id (``L4.2``, ``J01``, ``NI67``) marked as
    not a count and the source's own words in it that hold a number (an item's, a framework's title:
    :func:`review.protection.report_check.source_spans`) quoted; every other number in it stays
    subject to the publication check.

    >>> item_ids("L4.2: red on independent evidence")
    '<span data-review-nocount>L4.2</span>: red on independent evidence'
    >>> item_ids("Not one of the 7 headline issues; 3 children")
    'Not one of <span class="review-quote">the 7 headline issues</span>; 3 children'
    """
    if isinstance(text, Quoted):  # the source's words, quoted whole
        return _escape(text)
    text, out, at = str(text), [], 0
    for start, end in source_spans(text):
        out += [_ids(text[at:start]), _escape(quoted(text[start:end]))]
        at = end
    return "".join(out) + _ids(text[at:])


def _ids(text: str) -> str:
    return _ITEM_ID.sub(lambda m: f"<span {NOCOUNT}>{m.group(0)}</span>", html.escape(text))


def marked_li(text: object) -> str:
    """A list item, marked as a whole when the text is :class:`NoCount` (a headline recorded as such),
    else with its item ids marked (:func:`item_ids`)."""
    if isinstance(text, NoCount):
        return f"<li {NOCOUNT}>{html.escape(text)}</li>"
    return f"<li>{item_ids(text)}</li>"


CARD_STYLE = "border-left:6px solid {colour};padding:0.4rem 0.8rem;margin:0.4rem 0;background:#fafafa"
"""A headline card's box (:func:`headline_cards`); the page's last pass
(:mod:`review.batch.page_hygiene`) finds cards by it and makes their titles headings."""


def plural(n: int, noun: str, plural_form: str | None = None) -> str:
    """A count with its noun in the singular or plural, as a sentence writes it.

    Examples
    --------
    >>> plural(1, "disagreement"), plural(3, "disagreement"), plural(2, "query", "queries")
    ('1 disagreement', '3 disagreements', '2 queries')
    """
    return f"{n:,} {noun if n == 1 else (plural_form or noun + 's')}"


RAG_COLOURS = {"green": "#1e7b34", "amber": "#a35f00", "red": "#b3261e", "grey": "#555555",
               "self-assessed": "#4a4a7a"}


def pct(value: float, decimals: int = 1) -> str:
    """A proportion as a percentage rounded half up (0.825 -> '82.5%'); NaN -> ':'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ":"
    return f"{round_half_up(100 * value, decimals):.{decimals}f}%"


def currency(value: float) -> str:
    """Pounds as a report prints them: whole pounds, thousands separated, a true minus sign.

    Examples
    --------
    >>> currency(-115684.4)
    '−£115,684'
    >>> currency(2500)
    '£2,500'
    >>> currency(float("nan"))
    ':'
    """
    if value is None or value != value:
        return ":"
    pounds = int(round_half_up(abs(value)))
    return f"{'−' if value < 0 and pounds else ''}£{pounds:,}"


def level_text(level: float) -> str:
    """A confidence level as a report names it.

    Examples
    --------
    >>> level_text(0.95), level_text(0.9), level_text(0.998)
    ('95%', '90%', '99.8%')
    """
    return f"{float(round_half_up(level * 100, 3)):g}%"


def rate_text(k: int, n: int, policy: DisclosurePolicy, *, interval: tuple[float, float] | None = None,
              level: float | None = None, unit: str = "") -> str:
    """'82.0% (41 of 50; 95% CI 68.6% to 90.2%)', or the disclosure symbol when it must be withheld.

    ``unit`` names what is counted when it is not children's files ("ratings", "returns", "staff"):
    "(3 of 5 ratings)". ``review check-report`` treats a rate without a unit as a count of children.
    An interval always names its confidence ``level``.

    Examples
    --------
    >>> rate_text(41, 50, DisclosurePolicy("internal"), interval=(0.686, 0.902), level=0.95)
    '82.0% (41 of 50; 95% CI 68.6% to 90.2%)'
    """
    if interval is not None and level is None:
        raise ParameterError("an interval must name its confidence level (`level`)")
    symbol = suppressed_rate(int(k), int(n), policy)
    if symbol:
        return symbol
    if n == 0:
        return "z"
    text = f"{pct(k / n, policy.percent_decimals)} ({int(k):,} of {int(n):,}" + (f" {unit}" if unit else "")
    if interval is not None and level is not None:
        text += (f"; {level_text(level)} CI {pct(interval[0], policy.percent_decimals)} to "
                 f"{pct(interval[1], policy.percent_decimals)}")
    return text + ")"


def agreement_text(result: Any, policy: DisclosurePolicy, *, decimals: int = 2) -> str:
    """A coefficient never without observed agreement and n: '0.58 (95% CI 0.41 to 0.75); agreement 95.0%; n 46'."""
    n = int(result.n_units)
    if policy.is_small(n) or (policy.suppress and n < policy.min_group):
        return "c"
    if math.isnan(result.statistic):
        return f"undefined (every rating in one category); agreement {pct(result.observed_agreement)}; n {n}"
    ci = result.confidence_interval
    kind = "agreement" if getattr(result, "weights", "unweighted") == "unweighted" else "weighted agreement"
    level = getattr(result, "confidence_level", None)
    named = f"{level_text(level)} CI " if level is not None else ""
    return (f"{round_half_up(result.statistic, decimals):.{decimals}f} "
            f"({named}{round_half_up(ci.low, decimals):.{decimals}f} to {round_half_up(ci.high, decimals):.{decimals}f}); "
            f"{kind} {pct(result.observed_agreement)}; n {n}")


def table(frame: pd.DataFrame, *, caption: str, uid: str, formats: Mapping[str, str] | None = None,
          policy: DisclosurePolicy | None = None, index: bool = False, counts: bool = False,
          nocount: Sequence[str] = (), unit: str | None = None, cross: bool = False) -> HTML:
    """Render a small table as static, escaped HTML with a stable id and, if given, the disclosure footnote.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to show (values already formatted or numbers with ``formats``).
    caption : str
        The table's caption.
    uid : str
        A stable id, so the HTML is identical between runs (nbval compares it).
    formats : mapping, optional
        Column name to a format string.
    policy : DisclosurePolicy, optional
        Adds the footnote explaining suppression symbols.
    index : bool, default: ``False``
        Whether to show the index (for cross-tables).
    counts : bool, default: ``False``
        Marks a table of counts about children (class ``review-counts``).
    nocount : sequence of str, default: ``()``
        Columns whose numbers are not counts (dates, days late, grade positions, percentages):
        their cells are marked :data:`NOCOUNT`, as is any cell holding :class:`NoCount` text.
        ``review check-report`` flags every other number from 1 to the threshold in a published
        page, so a column of counts is never listed here. A column *heading* that is
        :class:`NoCount` text (an age band, "2 cycles") is marked in the same way.
    unit : str, optional
        The declared unit of the table's counts (:mod:`review.protection.units`), written on the
        table as ``data-review-unit``; a cell holding :class:`~review.protection.units.Counted`
        text declares its own.
    cross : bool, default: ``False``
        A cross-table of short figures under many long column headings (class ``review-cross``):
        printed, its column headings run up the page, so it fits A4 without breaking a word.

    Returns
    -------
    IPython.display.HTML
    """
    body = _styled(frame, caption=caption, uid=uid, formats=formats, index=index, counts=counts, nocount=nocount,
                   unit=unit, cross=cross)
    body = _marked_cells(body, frame, uid)
    if isinstance(caption, NoCount):
        body = body.replace("<caption>", f"<caption {NOCOUNT}>", 1)
    if policy is not None:
        body += f'<p class="review-footnote" {NOCOUNT}><small>{html.escape(footnote(policy))}</small></p>'
    return HTML(body)


def _styled(frame: pd.DataFrame, *, caption: str, uid: str, formats: Mapping[str, str] | None, index: bool,
            counts: bool, nocount: Sequence[str], unit: str | None, cross: bool) -> str:
    """The table as pandas' Styler writes it: escaped, with its caption, id, classes, declared unit and
    the not-a-count class on the cells of ``nocount`` columns and on :class:`NoCount` cells."""
    styler = frame.style.format(escape="html", na_rep=":")
    if formats:
        styler = styler.format(formats, escape="html", na_rep=":")
    if not index:
        styler = styler.hide(axis="index")
    else:
        styler = styler.format_index(escape="html").format_index(escape="html", axis=1)
    marks = pd.DataFrame([[(NOCOUNT_CLASS if (column in nocount or isinstance(v, NoCount)) else "")
                           for column, v in zip(frame.columns, row, strict=True)] for row in frame.itertuples(index=False)],
                         index=frame.index, columns=frame.columns)
    if marks.ne("").any().any():
        styler = styler.set_td_classes(marks)
    styler = styler.set_caption(html.escape(caption)).set_uuid(uid)
    attributes = []
    classes = " ".join(c for c, on in (("review-counts", counts), ("review-cross", cross)) if on)
    if classes:
        attributes.append(f'class="{classes}"')
    if unit is not None:
        protected(unit)  # a declared unit, or UndeclaredUnit
        attributes.append(f'{UNIT_ATTRIBUTE}="{html.escape(unit)}"')
    if attributes:
        styler = styler.set_table_attributes(" ".join(attributes))
    return styler.to_html()


def _marked_cells(body: str, frame: pd.DataFrame, uid: str) -> str:
    """The cells that declare their unit (:class:`Counted`) or hold marked parts (:class:`Joined`,
    :class:`Quoted`) written as they declare; a heading that is :class:`NoCount` ("2 cycles") marked."""
    for r, row in enumerate(frame.itertuples(index=False)):
        for c, v in enumerate(row):
            cell = f'id="T_{uid}_row{r}_col{c}"'
            if isinstance(v, Counted):
                body = body.replace(cell, f'{cell} {UNIT_ATTRIBUTE}="{html.escape(v.unit)}"', 1)
            elif isinstance(v, (Joined, Quoted)):
                start = body.index(cell)
                opened = body.index(">", start) + 1
                body = body[:opened] + _escape(v) + body[body.index("</td>", opened):]
    for i, column in enumerate(frame.columns):  # a heading such as "2 cycles" names an age, not a count
        if isinstance(column, NoCount):
            heading = f'id="T_{uid}_level0_col{i}"'
            body = body.replace(heading, f"{heading} {NOCOUNT}", 1)
    return body


def note(text: str) -> HTML:
    """A short escaped paragraph (for data-dependent sentences in a report); :class:`NoCount` text is marked."""
    return HTML(f"<p>{_escape(text)}</p>")


def headline_cards(cards: Sequence[Mapping[str, str]], *, cycle: str, audience: str) -> HTML:
    """The summary a manager reads first: each card a judgement, its status and one line of evidence.

    Parameters
    ----------
    cards : sequence of mapping
        ``title``, ``status`` (``green``, ``amber``, ``red`` or ``grey``), ``value`` and ``detail``;
        optionally ``label``, the word shown beside the status (default: Good, Watch, Act).
        text whose numbers are not counts is passed as :class:`NoCount` (see :func:`nocount`). A
        card's status is the judgement's band, shown even beside a withheld rate (a judgement is
        never withheld; the card says "small group").
    cycle, audience : str
        The cycle (named on the card as councils name the quarter) and the page's audience.

    Returns
    -------
    IPython.display.HTML
    """
    items = []
    for card in cards:
        colour = RAG_COLOURS.get(card.get("status", "grey"), RAG_COLOURS["grey"])
        label = card.get("label") or {"green": "Good", "amber": "Watch", "red": "Act", "grey": "No judgement",
                                  "self-assessed": "Self-assessed, not evidenced"}.get(
            card.get("status", "grey"), "")
        items.append(
            f'<div style="{CARD_STYLE.format(colour=colour)}">'
            f'<strong>{_escape(card["title"])}</strong> '
            f'<span style="color:{colour};font-weight:600">[{html.escape(label)}]</span><br>'
            f'<span style="font-size:1.15em">{_escape(card.get("value", ""))}</span><br>'
            f'<small>{_escape(card.get("detail", ""))}</small></div>'
        )
    head = f"<p {NOCOUNT}><strong>{html.escape(quarter_name(cycle))}</strong> &middot; audience: {html.escape(audience)}</p>"
    return HTML(head + "".join(items))


def new_figure(**kwargs: Any) -> Any:
    """A matplotlib Figure outside pyplot (no global state, no GUI backend, faster to import)."""
    from matplotlib.figure import Figure

    return Figure(layout="constrained", **kwargs)


def _png(fig: Any, *, dpi: float) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


PHONE_FIGURE_INCHES = 4.2
"""Width of a chart drawn for a phone (about 380 px at 90 dpi, the width of a phone's page)."""
PHONE_FONT_SCALE = 1.25
"""How much larger a phone's chart writes its text, so a title is about 11 px high on the screen."""


def _phone_png(fig: Any) -> str | None:
    """Small multiples (two or more columns of axes) drawn again in one column, narrower and with
    larger text, for a phone; None for a figure of one column. Changes ``fig`` (after the desktop
    image was saved).

    Examples
    --------
    >>> fig = new_figure(figsize=(10.8, 3.0))
    >>> for ax, title in zip(fig.subplots(1, 2), ["NI59: initial assessments", "NI60: core assessments"]):
    ...     _ = ax.set_title(title, fontsize=8)
    >>> phone = _phone_png(fig)
    >>> [round(float(x), 1) for x in fig.get_size_inches()], fig.axes[1].title.get_fontsize()
    ([4.2, 6.0], 10.0)
    >>> _phone_png(new_figure(figsize=(6.4, 4.2))) is None
    True
    """
    from matplotlib.text import Text

    shown = [ax for ax in fig.axes if ax.axison and ax.get_subplotspec() is not None]
    if len(shown) < 2:
        return None
    nrows, ncols = shown[0].get_subplotspec().get_gridspec().get_geometry()
    if ncols < 2:
        return None
    panel_height = fig.get_size_inches()[1] / nrows
    grid = fig.add_gridspec(len(shown), 1)
    for i, ax in enumerate(shown):
        ax.set_subplotspec(grid[i, 0])
    for ax in fig.axes:
        ax.set_visible(ax in shown)
    for text in fig.findobj(Text):
        text.set_fontsize(text.get_fontsize() * PHONE_FONT_SCALE)
    for ax in shown:  # a title wrapped again to the narrower panel
        size = ax.title.get_fontsize()
        width = max(20, int(PHONE_FIGURE_INCHES * 72 * 0.85 / (0.62 * size)))  # the axes' share, a glyph's width
        ax.title.set_text("\n".join(textwrap.wrap(ax.title.get_text().replace("\n", " "), width)))
    fig.set_size_inches(PHONE_FIGURE_INCHES, panel_height * len(shown))
    return _png(fig, dpi=135)


MAX_ALT = 250
"""Longest text alternative, in characters: a screen reader reads it whole, so the detail of a
chart goes in its data table instead."""


def figure(fig: Any, *, alt: str, caption: str, data: pd.DataFrame | None = None, uid: str = "figure") -> HTML:
    """Embed a matplotlib figure as a PNG with a short text alternative, a caption and its data.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    alt : str
        What the chart shows, in at most :data:`MAX_ALT` characters; :class:`NoCount` text when
        its numbers are not counts (money, percentages, cycle names), as for any text of a page.
    caption : str
        Shown under the chart.
    data : pandas.DataFrame, optional
        The values drawn, as text already formatted (and disclosure-checked) by the caller; shown
        as a table under the chart so nothing in it is known only from the picture.
    uid : str, default: ``"figure"``
        A stable id for the data table.

    Returns
    -------
    IPython.display.HTML

    Raises
    ------
    ParameterError
        If ``alt`` is empty or longer than :data:`MAX_ALT` characters.
    """
    if not alt.strip() or len(alt) > MAX_ALT:
        raise ParameterError(f"a chart's text alternative must have 1 to {MAX_ALT} characters; got {len(alt)}")
    encoded = _png(fig, dpi=90)
    phone = _phone_png(fig)
    img_mark = f" {NOCOUNT}" if isinstance(alt, NoCount) else ""
    img = (f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(alt)}"{img_mark} '
           f'style="max-width:100%">')
    if phone:  # small multiples in one column on a phone, so their titles stay legible
        img = f'<picture><source media="(max-width: 40rem)" srcset="data:image/png;base64,{phone}">{img}</picture>'
    body = f"<figure>{img}<figcaption>{_escape(caption)}</figcaption></figure>"
    if data is not None:
        heading = f"The data of the chart above: {caption}"
        body += table(data, caption=NoCount(heading) if isinstance(caption, NoCount) else heading, uid=uid).data
    return HTML(body)


def control_charts(charts: Mapping[str, Any], policy: DisclosurePolicy, *, titles: Mapping[str, str],
                   ncols: int = 2) -> HTML:
    """Small multiples of P or XmR control charts, signals marked, with a text alternative.

    A point whose count is withheld (:meth:`DisclosurePolicy.withhold` of the point's ``k`` of
    ``n``, when the chart carries them) is neither drawn nor described: it is left out of the
    line, its signal is not marked, and the alt text says "withheld" instead of its value. The
    limits and centre line (aggregates over every period) are drawn.

    Parameters
    ----------
    charts : mapping of str to ControlChart
    policy : DisclosurePolicy
    titles : mapping of str to str
    ncols : int, default: ``2``

    Returns
    -------
    IPython.display.HTML
    """
    names = list(charts)
    nrows = max(1, math.ceil(len(names) / ncols))
    fig = new_figure(figsize=(5.2 * ncols, 2.6 * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    lines = []
    for ax, name in zip(axes.flat, names, strict=False):
        c = charts[name]
        pts = c.points
        x = list(range(len(pts)))
        if {"k", "n"} <= set(pts.columns):
            shown = [policy.withhold(int(k), of=int(n)) is None for k, n in zip(pts["k"], pts["n"], strict=True)]
        else:
            shown = [True] * len(pts)
        values = [v * 100 if ok else float("nan") for v, ok in zip(pts["value"], shown, strict=True)]
        ax.plot(x, values, marker="o", color="#333333", lw=1)
        ax.plot(x, pts["centre"] * 100, color="#1f5fa8", lw=1)
        ax.plot(x, pts["upper"] * 100, color="#999999", lw=1, ls="--")
        ax.plot(x, pts["lower"] * 100, color="#999999", lw=1, ls="--")
        for i, sig in enumerate(pts["signal"]):
            if sig and shown[i]:  # shape as well as colour
                shape, colour = SIGNAL_MARKS.get(sig, ("s", "#a35f00"))
                ax.plot(i, pts["value"].iloc[i] * 100, shape, ms=8, color=colour)
        ax.set_title("\n".join(textwrap.wrap(f"{name}: {titles.get(name, '')}" + (" (trial limits)" if c.trial else ""),
                                             58)), fontsize=8)
        ax.set_xticks(x[::2], pts["label"].iloc[::2], rotation=45, fontsize=7)
        ax.set_ylabel("%", fontsize=8)
        flagged = [r for i, r in enumerate(pts.itertuples()) if r.signal and shown[i]]
        latest = pct(pts["value"].iloc[-1]) if shown[-1] else "withheld (small numbers)"
        lines.append({"Chart": f"{name}: {titles.get(name, '')}".rstrip(": "), "Latest": latest,
                      "Centre line": pct(c.centre),
                      "Signals": "; ".join(f"{r.label} {r.signal}" for r in flagged) or "none shown"})
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    return figure(fig, alt=nocount(f"Control charts of {len(names)} measures by quarter; the latest values, centre "
                                   "lines and signals are in the table below."),
                  caption=nocount("Control charts (P charts): dashed lines are the process limits; signals are "
                                  "marked by shape and colour (triangle up, green: improvement; triangle down, red: "
                                  "concern; square: other); points resting on small numbers are withheld and not "
                                  "drawn."),
                  data=pd.DataFrame(lines), uid="control_chart_data")


SIGNAL_MARKS = {"improvement": ("^", "#1e7b34"), "concern": ("v", "#b3261e")}
"""Marker shape and colour of a control-chart signal (shape, so colour is never the only cue)."""
