"""The last pass over every page a run writes: what a reader needs whatever view built the HTML.

Views format results into tables, cards and notes; this pass makes the page read well on a
phone, on paper and to a screen reader, in one place for every report and the index:

- every table's column headings carry ``scope="col"`` (row headings ``scope="row"``), and the
  table sits in a named region (``role="region"`` labelled by its caption) that can scroll;
- a table of four or more columns is marked ``review-stack``: on a phone each row becomes a
  block of labelled lines (the labels are the column headings, written into the page's style,
  so no heading text is copied into an attribute);
- a row that continues an item (its first cell empty under the item's first row) repeats the
  item, and each item's rows form one ``<tbody>`` that print keeps on one page where it fits;
- headline cards' titles are headings, not bold text;
- the source's own words that hold a number (a framework's title, "the 7 headline issues", an item's
  "at least 6 monthly"), written in a notebook's headings or a recorded sentence, are quoted as the
  views quote them (:func:`quote_sources`), so the publication check reads them as declared;
- each abbreviation of the glossary is spelt out at its first use on the page ("Joint Area
  Review (JAR)"), from :data:`review.config.glossary.SPELT_OUT`;
- a date or cycle name is never broken at its hyphens, and a line may break after a slash
  between words;
- a disclosure symbol (``c``, ``z``, ``:``, ``k``) is an ``<abbr>`` whose title says what it means,
  ``c`` with the run's range (:attr:`review.protection.disclosure.DisclosurePolicy.symbols`, the one
  source of those texts);
- the disclosure footnote appears once per page;
- what a report never shows is left out: the code-highlighting stylesheet, empty collapser boxes;
- a page of synthetic demo data says so in its banner and on every printed page.

Every number copied (an item's name repeated, a symbol's meaning) keeps or carries the
``data-review-nocount`` mark of where it came from, so ``review check-report`` reads the page as
before.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from functools import lru_cache

from review.config.glossary import SPELT_OUT
from review.protection.disclosure import SYMBOLS, DisclosurePolicy
from review.protection.nocount import NOCOUNT, NOCOUNT_CLASS
from review.protection.report_check import source_spans
from review.protection.units import UNIT_ATTRIBUTE
from review.views.presentation import CARD_STYLE, QUOTE_CLASS

__all__ = ["SYNTHETIC_MARK", "SYNTHETIC_RUNNING", "STACK_MIN_COLUMNS", "abbreviate_symbols", "card_headings",
           "css_string", "finish_page", "label_synthetic", "lean", "one_footnote", "quote_sources", "slash_breaks",
           "spell_out",
           "tidy_tables", "whole_dates"]

SYNTHETIC_MARK = "SYNTHETIC DEMO DATA"
"""The banner's mark on a page of synthetic demo data."""
SYNTHETIC_RUNNING = "Synthetic demo data: no real child, case or worker"
"""The running footer of every printed page of synthetic demo data."""
STACK_MIN_COLUMNS = 4
"""Tables of this many columns or more become stacked rows on a phone."""

_TABLE = re.compile(r'(?P<wrap><div class="review-table-wrap"(?P<done> role="region")?[^>]*>\s*)?'
                    r"<table\b(?P<attrs>[^>]*)>(?P<body>.*?)</table>", re.S)
_ROW = re.compile(r"<tr\b[^>]*>.*?</tr>", re.S)
_CELL = re.compile(r"<(?P<tag>t[dh])\b(?P<attrs>[^>]*)>(?P<body>.*?)</(?P=tag)>", re.S)
_TAG = re.compile(r"<[^>]+>")
_ITEM_ID = re.compile(r"^\s*(?P<id>[A-Z]+[0-9]+(?:\.[0-9]+)*)(?![A-Za-z0-9])")
_FOOTNOTE = re.compile(r'<p class="review-footnote"[^>]*>.*?</p>', re.S)


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def css_string(text: str) -> str:
    """Text made safe inside a double-quoted CSS string in a ``<style>`` element.

    Examples
    --------
    >>> print(css_string('JAR "stocktake" </style>'))
    JAR \\"stocktake\\" \\3C /style>
    """
    text = " ".join(str(text).split())
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")


def _marked(attrs: str) -> bool:
    return NOCOUNT in attrs or re.search(rf'class="[^"]*\b{NOCOUNT_CLASS}\b', attrs) is not None


def _add_class(attrs: str, name: str) -> str:
    if re.search(r'\bclass="', attrs):
        return re.sub(r'\bclass="([^"]*)"', lambda m: f'class="{m.group(1)} {name}"'.replace('=" ', '="'), attrs,
                      count=1)
    return f'{attrs} class="{name}"'


_STYLER_ID = re.compile(r' id="T_\w*?_(?:row\d+_col\d+|level\d+_col\d+|level\d+_row\d+)"')
_STYLER_CLASSES = re.compile(r"^(?:data|row\d+|col\d+|level\d+|col_heading|row_heading|index_name|blank)$")


def _plain(body: str) -> str:
    """Without pandas' per-cell ids and position classes ("data row0 col0"), which nothing on a
    page reads (a fifth of a long page's bytes), nor its line breaks between tags; the workbook's
    own classes stay."""
    def classes(m: re.Match[str]) -> str:
        kept = [c for c in m.group(1).split() if not _STYLER_CLASSES.match(c)]
        return f' class="{" ".join(kept)}"' if kept else ""

    return re.sub(r">\n+<", "><", re.sub(r' class="([^"]*)"', classes, _STYLER_ID.sub("", body)))


def _scoped(fragment: str, scope: str) -> str:
    return re.sub(r"<th\b(?![^>]*\bscope=)", f'<th scope="{scope}"', fragment)


def _headings(thead: str) -> list[str]:
    rows = _ROW.findall(thead)
    if not rows:
        return []
    out: list[str] = []
    for m in _CELL.finditer(rows[-1]):
        span = re.search(r'colspan="?(\d+)', m.group("attrs"))
        out += [_text(m.group("body"))] * (int(span.group(1)) if span else 1)
    return out


def _continued(first: str, attrs: str) -> str:
    """A continuation row's first cell: the item's id (or its whole name) and "continued", with the
    first cell's mark (no count, or its declared unit), or the id's own where a span in the cell
    marks it or quotes the source (an id before a source's words, :func:`review.views.presentation.source_item`):
    the id alone is repeated, the source's numbering, not a count."""
    ident = _ITEM_ID.match(_text(first))
    name = html.escape(ident.group("id")) if ident else first
    unit = re.search(rf'\b{UNIT_ATTRIBUTE}="[^"]*"', attrs)
    opening = re.match(r"\s*<span\b[^>]*>", first)
    marked = _marked(attrs) or bool(ident and opening and (_marked(opening.group(0)) or QUOTE_CLASS in opening.group(0)))
    mark = (f" {NOCOUNT}" if marked else "") + (f" {unit.group(0)}" if unit else "")
    return f'<span class="review-continued"{mark}>{name} <span class="review-cont-word">(continued)</span></span>'


def _grouped(tbody: str) -> str:
    """Rows under one item (first cell empty below its first row) in one ``<tbody>`` each, the item repeated."""
    rows = _ROW.findall(tbody)
    groups: list[list[str]] = []
    item: tuple[str, str] | None = None
    continued = False
    for row in rows:
        first = _CELL.search(row)
        if first is None:
            groups.append([row])
            continue
        if _text(first.group("body")) or item is None:
            item = (first.group("body"), first.group("attrs"))
            groups.append([row])
            continue
        continued = True
        cell = (f'<{first.group("tag")}{_add_class(first.group("attrs"), "review-cont")}>'
                f"{_continued(*item)}</{first.group('tag')}>")
        groups[-1].append(row[:first.start()] + cell + row[first.end():])
    if not continued:
        return f"<tbody>{tbody}</tbody>"
    return "".join(f'<tbody class="review-group">{"".join(g)}</tbody>' for g in groups)


def tidy_tables(page: str) -> tuple[str, str]:
    """Every table given header scope, a named scrolling region, stacked rows on a phone and
    repeated items; returns the page and the style of its phone labels.

    Parameters
    ----------
    page : str
        HTML holding tables (Styler's or hand-written ones).

    Returns
    -------
    tuple of str
        The page, and CSS rules labelling each stacked table's cells with their column headings
        (to be placed in the page's ``<style>``).

    Examples
    --------
    >>> page, css = tidy_tables('<table id="T_x"><caption>Items</caption><thead><tr><th>Item</th>'
    ...     '<th>Evidence</th><th>Band</th><th>Change</th></tr></thead><tbody>'
    ...     '<tr><td>J01. Leadership</td><td>audit</td><td>Red</td><td>none</td></tr>'
    ...     '<tr><td></td><td>survey</td><td>Amber</td><td>none</td></tr></tbody></table>')
    >>> 'role="region" aria-labelledby="T_x_caption" tabindex="0"' in page, page.count('scope="col"')
    (True, 4)
    >>> '<span class="review-continued">J01 <span class="review-cont-word">(continued)</span>' in page
    True
    >>> print(css.splitlines()[2])
    #T_x>tbody>tr>:nth-child(2)::before{content:"Evidence"}
    """
    rules: list[str] = []
    count = 0

    def one(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        if m.group("done"):  # a page finished already (the board pack reads the reports)
            return m.group(0)
        attrs, body = m.group("attrs"), _plain(m.group("body"))
        ident = re.search(r'\bid="([^"]+)"', attrs)
        tid = ident.group(1) if ident else f"review_table{count}"
        if not ident:
            attrs += f' id="{tid}"'
        caption = re.search(r"<caption\b([^>]*)>", body)
        name = 'aria-label="Table"'
        if caption:
            cid = re.search(r'\bid="([^"]+)"', caption.group(1))
            if cid is None:
                body = body.replace(caption.group(0), f'<caption id="{tid}_caption"{caption.group(1)}>', 1)
            name = f'aria-labelledby="{cid.group(1) if cid else tid + "_caption"}"'
        head = re.search(r"<thead\b.*?</thead>", body, re.S)
        headings: list[str] = []
        if head:
            headings = _headings(head.group(0))
            body = body[:head.start()] + _scoped(head.group(0), "col") + body[head.end():]
        else:
            first = _ROW.search(body)
            if first and "<td" not in first.group(0):
                headings = _headings(first.group(0))
                body = body[:first.start()] + _scoped(first.group(0), "col") + body[first.end():]
        tbody = re.search(r"<tbody\b[^>]*>(.*?)</tbody>", body, re.S)
        if tbody:
            body = body[:tbody.start()] + _scoped(_grouped(tbody.group(1)), "row") + body[tbody.end():]
        if len(headings) >= STACK_MIN_COLUMNS:
            attrs = _add_class(attrs, "review-stack")
            rules.extend([f'#{tid}>tbody>tr>:nth-child({i})::before{{content:"{css_string(h)}"}}'
                      for i, h in enumerate(headings, start=1) if h])
        table = f"<table{attrs}>{body}</table>"  # a wrapper already there keeps its own closing tag
        return (f'<div class="review-table-wrap" role="region" {name} tabindex="0">{table}'
                + ("" if m.group("wrap") else "</div>"))

    page = _TABLE.sub(one, page.replace('<style type="text/css">\n</style>\n', ""))  # pandas' empty styles
    css = "@media (max-width: 40rem) {\n" + "\n".join(rules) + "\n}" if rules else ""
    return page, css


def card_headings(page: str) -> str:
    """Headline cards' titles as headings (``<h3>``), their band label inside the heading; each card
    is classed ``review-card`` (print sets them two abreast).

    Examples
    --------
    >>> card = CARD_STYLE.format(colour="#b3261e")
    >>> card_headings(f'<div style="{card}"><strong>G01: feedback</strong> '
    ...               '<span style="color:#b3261e;font-weight:600">[Act]</span><br/>63.0%</div>')[-98:]
    '<h3 class="review-card-title">G01: feedback <span class="review-band">[Act]</span></h3>63.0%</div>'
    """
    style = re.escape(CARD_STYLE).replace(re.escape("{colour}"), "#[0-9a-fA-F]{6}")
    pattern = re.compile(rf'(<div style="{style}">)<strong>(.*?)</strong>\s*'
                         r'<span style="color:#[0-9a-fA-F]{6};font-weight:600">(\[[^\]<]*\])</span><br\s*/?>', re.S)
    return pattern.sub(lambda m: (f'{m.group(1)[:-1]} class="review-card"><h3 class="review-card-title">{m.group(2)} '
                                  f'<span class="review-band">{m.group(3)}</span></h3>'), page)


_SKIP = ("style", "script", "abbr", "code", "pre", "title", "svg")
"""Left as they are: an ``<abbr>`` inside an ``<svg>`` is no HTML abbreviation (it has no title there);
a chart explains its own symbols with an SVG ``<title>``."""
_LETTERS = "".join(s for s in SYMBOLS if s.isalpha())
_LETTER = re.compile(rf"(?<![\w'’.&;#/-])([{_LETTERS}])(?![\w'’-])")


_SIGNS = "".join(re.escape(s) for s in SYMBOLS if not s.isalpha())
_ALONE = re.compile(rf"(?P<open><(?P<tag>td|th|span|li|p|div)\b[^>]*>)\s*(?P<symbol>[{_SIGNS}])\s*(?P<close></(?P=tag)>)")
"""A sign symbol (``:``) that is all of an element's text; elsewhere ":" is punctuation."""


def _abbr(symbol: str, symbols: Mapping[str, str]) -> str:
    return f'<abbr title="{html.escape(symbols[symbol])}" {NOCOUNT}>{html.escape(symbol)}</abbr>'


_KEPT_WHOLE = "review-footnote|review-nowrap"
"""Classes whose text no pass changes: the disclosure footnote and what is kept whole already."""
_QUOTED_OR_KEPT = f"{_KEPT_WHOLE}|{QUOTE_CLASS}"
"""Besides :data:`_KEPT_WHOLE`, a quotation, which the word passes leave as written."""


def _each_text(page: str, change: Callable[[str], str], *, skip_tags: tuple[str, ...] = _SKIP,
               skip_classes: str = _KEPT_WHOLE, on_tag: Callable[[str], None] | None = None) -> str:
    """``change`` applied to each run of the page's text outside tags, in the page's order, except in
    ``skip_tags`` (style, script, code, abbreviations, the title, inline SVG) and elements of
    ``skip_classes`` (the disclosure footnote and what is kept whole already); ``on_tag`` is told of
    each tag outside them."""
    out: list[str] = []
    skip: str | None = None
    kept_class = re.compile(rf'class="[^"]*\b(?:{skip_classes})\b')
    for part in re.split(r"(<[^>]+>)", page):
        if part.startswith("<"):
            tag = re.match(r"</?([a-zA-Z0-9]+)", part)
            name = tag.group(1).lower() if tag else ""
            if skip is None and not part.startswith("</"):
                kept = kept_class.search(part)
                if (name in skip_tags and not part.endswith("/>")) or kept:
                    skip = name
            elif skip is not None and part.startswith("</") and name == skip:
                skip = None
            elif skip is None and on_tag is not None:
                on_tag(part)
            out.append(part)
        else:
            out.append(part if skip is not None or not part.strip() else change(part))
    return "".join(out)


def abbreviate_symbols(page: str, policy: DisclosurePolicy | None = None) -> str:
    """Each disclosure symbol in the page's text an ``<abbr>`` naming what it means.

    A letter symbol standing alone (``c``, ``z``, ``k``) anywhere in the text, and ``:`` when it
    is all of a cell's or element's text; the disclosure footnote, which explains them, is left
    as it is. The meaning comes from the run's policy (:attr:`DisclosurePolicy.symbols`: ``c``
    says the policy's range, "1 to 9" for a threshold of 9) and is marked as holding no count.

    Parameters
    ----------
    page : str
    policy : DisclosurePolicy, optional
        The run's; default the default policy's (1 to 5).

    Examples
    --------
    >>> print(abbreviate_symbols('<td>c</td><td>:</td><td>CIN: positive: c; seen</td>'))  # doctest: +ELLIPSIS
    <td><abbr title="confidential: ..." data-review-nocount>c</abbr></td><td><abbr title="not available" ...
    >>> abbreviate_symbols('<p class="review-footnote">shown as c</p><p>Cycle 2009-Q4: a cat</p>')
    '<p class="review-footnote">shown as c</p><p>Cycle 2009-Q4: a cat</p>'
    >>> abbreviate_symbols('<li><strong>GOSE</strong>: <span>G04</span>: red</li>')
    '<li><strong>GOSE</strong>: <span>G04</span>: red</li>'
    >>> abbreviate_symbols('<svg><text x="1">c</text></svg>')  # a chart's own text is left to the chart
    '<svg><text x="1">c</text></svg>'
    >>> print(abbreviate_symbols('<td>c</td>', DisclosurePolicy(high=9)))  # doctest: +ELLIPSIS
    <td><abbr title="confidential: a count of people from 1 to 9, or ..." data-review-nocount>c</abbr></td>
    """
    symbols = (policy or DisclosurePolicy()).symbols
    page = _each_text(page, lambda text: _LETTER.sub(lambda m: _abbr(m.group(1), symbols), text))
    return _ALONE.sub(lambda m: f"{m.group('open')}{_abbr(m.group('symbol'), symbols)}{m.group('close')}", page)


_WORDS_SKIP = (*_SKIP, "header", "nav")
"""Where an abbreviation is left as it is: besides :data:`_SKIP`, the running banner and the
navigation (a page's first use is in its title and text)."""
_BLOCK = frozenset({"p", "div", "li", "td", "th", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "br",
                    "section", "main", "tr", "table", "ul", "ol", "dl", "figcaption", "summary"})
"""Tags that start or end a block of text: the words after one begin with a capital."""


@lru_cache(maxsize=64)
def _abbreviations(terms: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w'’&;#/.-])(?P<term>{'|'.join(map(re.escape, terms))})(?P<plural>s?)"
                      r"(?P<possessive>(?:'|’|&#x27;|&#39;|&apos;|&rsquo;)s)?(?![\w'’-])")


class _FirstUses:
    """The state of :func:`spell_out` along a page: the abbreviations met, whether the text is
    inside quotation marks, and the end of the text read so far (to see a first use spelt out
    already, and whether a sentence or a block starts)."""

    def __init__(self, spelt: dict[str, str]) -> None:
        self.spelt, self.met, self.quoted, self.said = spelt, set[str](), False, "\n"

    def tag(self, tag: str) -> None:
        name = re.match(r"</?([a-zA-Z0-9]+)", tag)
        if name and name.group(1).lower() in _BLOCK:
            self.said += "\n"

    def text(self, text: str) -> str:
        out: list[str] = []
        for piece in re.split(r"([“”])", text):
            if piece in ("“", "”"):
                self.quoted = piece == "“"
            elif not self.quoted and len(self.met) < len(self.spelt):
                piece = self._piece(piece)
            out.append(piece)
            self.said = (self.said + html.unescape(piece))[-300:]
        return "".join(out)

    def _piece(self, piece: str) -> str:
        pattern = _abbreviations(tuple(sorted(set(self.spelt) - self.met, key=len, reverse=True)))
        at, parts = 0, []
        for m in pattern.finditer(piece):
            term = m.group("term")
            if term in self.met:
                continue
            self.met.add(term)
            possessive = html.unescape(m.group("possessive") or "")  # "the LSCB's": "the ... Board's (LSCB's)"
            words = self.spelt[term] + m.group("plural") + possessive
            said = self.said + html.unescape(piece[:m.start()])
            if (re.search(rf"{re.escape(words)}\s*[(\[]\s*$", said, re.I)
                    or re.match(rf"\s*[(\[]\s*{re.escape(words)}", html.unescape(piece[m.end():]), re.I)):
                continue  # spelt out already ("Team Manager (TM)")
            if re.search(r"[.!?\n]\s*$", said):
                words = words[:1].upper() + words[1:]
            block = said[said.rfind("\n") + 1:]
            opened, closed = ("[", "]") if block.count("(") > block.count(")") else ("(", ")")  # nested: square
            parts.append(piece[at:m.start()] + f"{html.escape(words, quote=False)} {opened}{m.group(0)}{closed}")
            at = m.end()
        return "".join(parts) + piece[at:]


def spell_out(page: str, spelt: dict[str, str] | None = None) -> str:
    """Each abbreviation of the glossary spelt out at its first use on the page: "Joint Area Review (JAR)".

    The first use is the first in the page's text, its headings included, outside the running
    banner, the navigation, the title, charts, code, the disclosure footnote and quotations: an
    auditor's words, between “ and ”, and a source's item in its words (a view marks it,
    :func:`review.views.presentation.quoted`) are quoted as written, and an abbreviation they hold
    is spelt out at its first use outside them. A first use spelt out already, as
    "Team Manager (TM)" or "TM (Team Manager)", is left as it is, so a finished page is unchanged
    by a second pass; a plural ("IROs") is spelt out in the plural; inside brackets the
    abbreviation goes in square ones ("(95% confidence interval [CI] 38.0% to 57.0%)"). The words are
    :data:`review.config.glossary.SPELT_OUT`'s, the glossary's own, and hold no number.

    Parameters
    ----------
    page : str
        An HTML page or fragment.
    spelt : dict, optional
        Abbreviation to its words; default :data:`review.config.glossary.SPELT_OUT`.

    Returns
    -------
    str

    Examples
    --------
    >>> print(spell_out("<h1>JAR findings</h1><p>The JAR and the LSCB; IROs met.</p>"))
    <h1>Joint Area Review (JAR) findings</h1><p>The JAR and the Local Safeguarding Children Board (LSCB); \
Independent Reviewing Officers (IROs) met.</p>
    >>> print(spell_out("<p>for LAC, CP, CIN.</p><p>“YP wants contact” said the YP</p>"))
    <p>for looked-after children (LAC), child protection (CP), child in need (CIN).</p><p>“YP wants contact” \
said the young person (YP)</p>
    >>> print(spell_out("<td>42.0% (21 of 50; 95% CI 28.5% to 56.7%)</td><td>CI</td>"))
    <td>42.0% (21 of 50; 95% confidence interval [CI] 28.5% to 56.7%)</td><td>CI</td>
    >>> print(spell_out('<td><span class="review-quote">Annual update (report to LSCB).</span></td><p>The LSCB</p>'))
    <td><span class="review-quote">Annual update (report to LSCB).</span></td><p>The Local Safeguarding Children \
Board (LSCB)</p>
    >>> print(spell_out("<p>the LSCB&#x27;s records; the LSCB</p>"))
    <p>the Local Safeguarding Children Board's (LSCB&#x27;s) records; the LSCB</p>
    >>> once = spell_out("<p>Team Manager (TM) and TM; NI61 is not NI</p>")
    >>> print(once)
    <p>Team Manager (TM) and TM; NI61 is not national indicator (NI)</p>
    >>> spell_out(once) == once
    True
    """
    state = _FirstUses(SPELT_OUT if spelt is None else spelt)
    return _each_text(page, state.text, skip_tags=_WORDS_SKIP, skip_classes=_QUOTED_OR_KEPT,
                      on_tag=state.tag)


def quote_sources(page: str) -> str:
    """The source's declared words that hold a number, wherever the page's text has them unquoted (a
    notebook's heading, a sentence a report recorded), in a quote span as a view writes them
    (:func:`review.views.presentation.quoted`): the publication check exempts a quote span's
    words only where they are the source's (:func:`review.protection.report_check.source_texts`).

    >>> print(quote_sources("<h1>Healthcare Commission review: the 7 headline issues</h1><h2>The 7 headline issues "
    ...                     "and 3 children</h2>"))
    <h1><span class="review-quote">Healthcare Commission review: the 7 headline issues</span></h1><h2><span \
class="review-quote">The 7 headline issues</span> and 3 children</h2>
    >>> once = quote_sources("<p>the 7 headline issues</p>")
    >>> quote_sources(once) == once
    True
    """

    def change(text: str) -> str:
        plain = html.unescape(text)
        spans = source_spans(plain)
        if not spans:
            return text
        out, at = [], 0
        for start, end in spans:
            out += [html.escape(plain[at:start], quote=False),
                    f'<span class="{QUOTE_CLASS}">{html.escape(plain[start:end], quote=False)}</span>']
            at = end
        return "".join(out) + html.escape(plain[at:], quote=False)

    return _each_text(page, change, skip_tags=_WORDS_SKIP, skip_classes=_QUOTED_OR_KEPT)


_WHOLE = re.compile(r"(?<![\w-])(\d{4}-\d{2}-\d{2}|\d{4}-Q[1-4])(?![\w-])")
"""A date or a cycle name: never broken at its hyphens ("2010-11-" above "01")."""


def whole_dates(page: str) -> str:
    """Each date (``2010-11-01``) and cycle name (``2009-Q4``) kept on one line.

    Examples
    --------
    >>> whole_dates("<td>due 2010-11-01, cycle 2009-Q4</td>")
    '<td>due <span class="review-nowrap">2010-11-01</span>, cycle <span class="review-nowrap">2009-Q4</span></td>'
    """
    return _each_text(page, lambda text: _WHOLE.sub(r'<span class="review-nowrap">\1</span>', text))


def slash_breaks(page: str) -> str:
    """A line may break after a slash between words ("Adequate/<wbr>Inadequate"), so a narrow
    column wraps there rather than widening its table or breaking a word.

    Examples
    --------
    >>> slash_breaks("<td>Same side of Adequate/Inadequate in 2009/10</td>")
    '<td>Same side of Adequate/<wbr>Inadequate in 2009/10</td>'
    """
    return _each_text(page, lambda text: re.sub(r"(?<=[A-Za-z])/(?=[A-Za-z])", "/<wbr>", text))


def one_footnote(page: str) -> str:
    """The disclosure footnote once per page: later copies of the same footnote are dropped.

    Examples
    --------
    >>> one_footnote('<p class="review-footnote">c: small</p><table></table><p class="review-footnote">c: small</p>')
    '<p class="review-footnote">c: small</p><table></table>'
    """
    seen: set[str] = set()

    def keep(m: re.Match[str]) -> str:
        text = _text(m.group(0))
        if text in seen:
            return ""
        seen.add(text)
        return m.group(0)

    return _FOOTNOTE.sub(keep, page)


def label_synthetic(page: str) -> str:
    """The synthetic-data mark in the page's banner and a running footer on every printed page,
    where the page does not carry them already.

    Examples
    --------
    >>> page = label_synthetic('<head><style></style></head><div class="review-banner">Index</div>')
    >>> SYNTHETIC_MARK in page, SYNTHETIC_RUNNING in page
    (True, True)
    >>> label_synthetic(page) == page
    True
    """
    if SYNTHETIC_MARK not in page:
        page = re.sub(r'(<div class="review-banner[^"]*"[^>]*>.*?)(</div>)',
                      lambda m: f'{m.group(1)} <span class="review-mark">{SYNTHETIC_MARK}</span>{m.group(2)}',
                      page, count=1, flags=re.S)
    if SYNTHETIC_RUNNING not in page:
        rule = (f'<style>@page {{ @bottom-left {{ content: "{SYNTHETIC_RUNNING}"; '
                "font: 8pt system-ui, Arial, sans-serif; color: #333; } }</style>")
        page = page.replace("</head>", rule + "</head>", 1) if "</head>" in page else rule + page
    return page


_HIGHLIGHT = re.compile(r'<style type="text/css">\s*pre \{ line-height: 125%; \}.*?</style>\s*', re.S)
_COLLAPSER = re.compile(r'<div class="jp-Collapser\b[^"]*">\s*</div>\s*')


def lean(page: str) -> str:
    r"""Without what a report never shows: nbconvert's code-highlighting stylesheet (a report has
    no code cells; it is a twentieth of a long page) and the notebook's empty collapser boxes.

    Examples
    --------
    >>> lean('<style type="text/css">\npre { line-height: 125%; }\n.highlight .k { color: #008000 }\n</style>\n'
    ...      '<div class="jp-Collapser jp-OutputCollapser">\n</div>\n<p>kept</p>')
    '<p>kept</p>'
    """
    return _COLLAPSER.sub("", _HIGHLIGHT.sub("", page))


def finish_page(page: str, *, synthetic: bool = False, policy: DisclosurePolicy | None = None) -> str:
    """A page as it is written: lean, tables, cards, abbreviations spelt out at first use, symbols, one
    footnote and, for demo data, the mark.

    Parameters
    ----------
    page : str
        A whole HTML document (a report, the index, a failure page).
    synthetic : bool, default: ``False``
        Whether the page shows the synthetic demo data.
    policy : DisclosurePolicy, optional
        The run's: its symbols explain the page's (``c`` with the run's range). Default the default
        policy's (1 to 5); a run always passes its own.

    Returns
    -------
    str

    Examples
    --------
    >>> page = finish_page('<html><head><style></style></head><body><div class="review-banner">x</div><main>'
    ...                    '<table><thead><tr><th>A</th></tr></thead><tbody><tr><td>c</td></tr></tbody></table>'
    ...                    '</main></body></html>', synthetic=True)
    >>> '<th scope="col">A</th>' in page, '>c</abbr>' in page, SYNTHETIC_MARK in page
    (True, True, True)
    >>> finish_page(page, synthetic=True) == page  # a finished page is left as it is
    True
    """
    page = one_footnote(card_headings(lean(page)))
    page, css = tidy_tables(page)
    page = spell_out(quote_sources(page))
    page = whole_dates(slash_breaks(abbreviate_symbols(page, policy)))
    if css:
        style = f"<style>\n{css}\n</style>"
        page = page.replace("</head>", style + "</head>", 1) if "</head>" in page else style + page
    return label_synthetic(page) if synthetic else page
