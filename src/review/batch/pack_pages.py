"""The board pack's own pages: the front sheet (cover and contents), the key messages and the glossary.

Each is a small HTML document with the reports' stylesheet and the pack's (``templates/pack.css``);
:mod:`review.batch.pack` prints them with the reports. Nothing here computes a figure: the cover
prints the params file's ``report:`` section, the key messages are the run's own (taken from its
index or summary page, :func:`key_messages`), the glossary is :mod:`review.config.glossary`'s.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import PurePath
from typing import Any

from review.batch.html_export import stylesheet
from review.batch.page_hygiene import SYNTHETIC_RUNNING, css_string
from review.config.glossary import glossary
from review.config.report_meta import ReportMeta

__all__ = ["CONTENTS_LINK", "KEY_MESSAGES_ID", "KEY_MESSAGES_TARGET", "META_CLASS", "Entry", "PageFrame", "front_page",
           "glossary_page", "head_styles", "key_messages", "pack_stylesheet"]

KEY_MESSAGES_ID = "key-messages"
"""The id of the element that holds a run's key messages on its index (or cycle summary) page."""

CONTENTS_LINK = "pack-section-"
"""The contents' links are named this and the section's number: the printed PDF's link to the name is
pointed at the section's first page when the sections are joined (:func:`review.batch.pack_engine.join_pdfs`)."""

META_CLASS = "review-report-meta"
"""The class of the key messages' line of author, approver, date and version
(:func:`review.views.key_messages.meta_line`): the front sheet's cover prints them once."""

KEY_MESSAGES_TARGET = "pack-key-messages"
"""The id of the key messages on the front sheet: the contents link to it, and its page is read from
the printed front sheet's named destination of that name."""

@lru_cache(maxsize=1)
def pack_stylesheet() -> str:
    """The pack's print stylesheet (``templates/pack.css``), added after a page's own."""
    return (resources.files("review.batch") / "templates" / "pack.css").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Entry:
    """One line of the contents: a section's title, the page it starts on (None: not yet known) and,
    for a section on the front sheet itself, the id its line links to."""

    title: str
    page: int | None
    target: str | None = None


@dataclass(frozen=True)
class PageFrame:
    """What every page of the pack prints around its content.

    Attributes
    ----------
    title : str
        The running title (top left), e.g. ``Board pack, Q3 2009/10``.
    audience : str
        ``published`` or ``internal`` (top right: the audience mark).
    synthetic : bool
        Whether the evidence is the synthetic demo (bottom left: the label).
    """

    title: str
    audience: str
    synthetic: bool

    @property
    def mark(self) -> str:
        """The audience mark of the top right corner.

        >>> PageFrame("Board pack", "internal", False).mark
        'INTERNAL, not for circulation'
        """
        return "INTERNAL, not for circulation" if self.audience == "internal" else "Published audience"

    def page(self, body: str, *, title: str, css_class: str, styles: str = "") -> str:
        """A complete pack page holding ``body``, with the reports' stylesheet, ``styles`` after it, and
        the running texts (the pack's stylesheet is added after all of them when it is printed).

        >>> "SYNTHETIC DEMO DATA" in PageFrame("Pack", "published", True).page("<p>x</p>", title="T", css_class="c")
        True
        >>> "SYNTHETIC" in PageFrame("Pack", "published", False).page("<p>x</p>", title="T", css_class="c").upper()
        False
        """
        e = html.escape
        mark = ' <span class="review-mark">SYNTHETIC DEMO DATA</span>' if self.synthetic else ""
        internal = ' <span class="review-mark">INTERNAL, not for circulation</span>' if self.audience == "internal" else ""
        colour = "#8a1c1c" if self.audience == "internal" else "#333"
        return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>
<style>
{stylesheet()}
{styles}
@page {{ size: A4;
  @top-left {{ content: "{css_string(self.title)}"; font: 8pt system-ui, Arial, sans-serif; color: #333; }}
  @top-right {{ content: "{self.mark}"; font: 700 9pt system-ui, Arial, sans-serif; color: {colour}; }}
  @bottom-left {{ content: "{SYNTHETIC_RUNNING if self.synthetic else ''}"; font: 8pt system-ui, Arial, sans-serif; color: #333; }} }}
</style></head>
<body class="review-report pack-page {e(css_class)} audience-{e(self.audience)}">
<header class="review-header" data-review-nocount><div class="review-banner audience-{e(self.audience)}">
{e(self.title)} &middot; audience: {e(self.audience)}{internal}{mark}</div></header>
<main>
{body}
</main>
</body></html>
"""


def front_page(frame: PageFrame, *, authority: str, quarter: str, cycle: str, meta: ReportMeta,
               contents: Sequence[Entry], messages: str = "", styles: str = "") -> str:
    """The pack's front sheet: the cover (authority, quarter, author, approver, date, version), the
    contents with the page each section starts on, then the key messages (from the first page on,
    with the id :data:`KEY_MESSAGES_TARGET`).

    Parameters
    ----------
    frame : PageFrame
    authority : str
        The local authority, as the params file names it.
    quarter : str
        The cycle as councils name it (:func:`review.config.cycles.quarter_name`).
    cycle : str
        The cycle id (``2009-Q4``), which names the files.
    meta : ReportMeta
        The params file's ``report:`` section.
    contents : sequence of Entry
        Each section; a page of None prints as a blank of the same width.
    messages : str, optional
        The run's key messages (:func:`key_messages`), printed without their line of author, approver,
        date and version (:data:`META_CLASS`), which the cover prints.
    styles : str, optional
        The rules of the page they came from (:func:`head_styles`).

    Returns
    -------
    str
        The HTML document.

    Examples
    --------
    >>> page = front_page(PageFrame("Board pack", "published", False), authority="Council", quarter="Q3 2009/10",
    ...                   cycle="2009-Q4", meta=ReportMeta(author="Head of QA"), contents=[Entry("Glossary", 9)])
    >>> "Head of QA" in page, 'class="pack-number">9<' in page
    (True, True)
    """
    e = html.escape
    rows = "".join(f'<tr><th scope="row">{e(label)}</th><td>{e(text)}</td></tr>' for label, text in meta.lines())
    lines = "".join(
        (f'<li><a class="pack-title" href="#{entry.target}">' if entry.target else
         f'<li><a class="pack-title" href="#{CONTENTS_LINK}{i}" id="{CONTENTS_LINK}{i}">') + e(entry.title) + "</a>"
        '<span class="pack-dots" aria-hidden="true"></span>'
        f'<span class="pack-number">{entry.page if entry.page is not None else "&numsp;&numsp;"}</span></li>'
        for i, entry in enumerate(contents))
    labels = []
    if frame.synthetic:
        labels.append(f'<p><span class="pack-synthetic">{SYNTHETIC_RUNNING}</span></p>')
    if frame.audience == "internal":
        labels.append('<p class="pack-internal"><span class="pack-synthetic">INTERNAL, not for circulation: '
                      "figures are not suppressed</span></p>")
    body = f"""<section class="pack-cover" aria-labelledby="pack-title" data-review-nocount>
<p class="pack-authority">{e(authority)}</p>
<h1 id="pack-title">Safeguarding quality assurance: board pack</h1>
<p class="pack-quarter">{e(quarter)} <small>(cycle {e(cycle)})</small></p>
<table class="pack-meta"><caption>About this pack</caption><tbody>{rows}</tbody></table>
{''.join(labels)}
</section>
<nav class="pack-contents" aria-labelledby="pack-contents" data-review-nocount>
<h2 id="pack-contents">Contents</h2>
<ol>{lines}</ol>
<p>Page numbers are those printed at the foot of each page. Red, amber and green are the workbook's
bands, not Ofsted grades; the glossary at the end explains every term, abbreviation and symbol.</p>
</nav>"""
    if messages:
        messages = re.sub(rf'<p class="{META_CLASS}"[^>]*>.*?</p>\s*', "", messages, flags=re.S)  # on the cover
        body += f'\n<div class="pack-key-messages" id="{KEY_MESSAGES_TARGET}">\n{messages}\n</div>'
    return frame.page(body, title=f"Board pack, {quarter}", css_class="pack-front", styles=styles)


def key_messages(page: str) -> str | None:
    """The element holding a page's key messages, as the page has it; None when the page has none.

    The element is the one labelled ``key-messages`` (``aria-labelledby``), else the one with that id
    (the section around it when the id is its heading's), else the one of class
    ``review-key-messages`` (as a notebook's view prints them), else the section whose heading reads
    "Key messages".

    Parameters
    ----------
    page : str
        An HTML page of the run (its index or cycle summary).

    Returns
    -------
    str or None
        The element's HTML, from its start tag to its end tag.

    Examples
    --------
    >>> key_messages('<main><section id="key-messages"><h2>Key messages</h2><section>x</section></section>'
    ...              '<p>after</p></main>')
    '<section id="key-messages"><h2>Key messages</h2><section>x</section></section>'
    >>> key_messages('<section aria-labelledby="key-messages"><h2 id="key-messages">Key messages</h2>'
    ...              '<p>x</p></section><p>after</p>')
    '<section aria-labelledby="key-messages"><h2 id="key-messages">Key messages</h2><p>x</p></section>'
    >>> key_messages('<div><section><h2 id="km">Key messages</h2><p>x</p></section></div>')
    '<section><h2 id="km">Key messages</h2><p>x</p></section>'
    >>> key_messages('<div class="x review-key-messages"><p>x</p></div><p>after</p>')
    '<div class="x review-key-messages"><p>x</p></div>'
    >>> key_messages("<main><p>none</p></main>") is None
    True
    """
    name = KEY_MESSAGES_ID
    labelled = re.search(rf"<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*\baria-labelledby=[\"']{name}[\"'][^>]*>", page)
    if labelled:
        return _element(page, labelled)
    with_id = re.search(rf"<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*\bid=[\"']{name}[\"'][^>]*>", page)
    if with_id and not re.fullmatch(r"h[1-6]", with_id.group(1).lower()):
        return _element(page, with_id)
    marked = re.search(rf"<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*\bclass=[\"'](?:[^\"']* )?review-{name}[\"' ][^>]*>", page)
    if marked and not with_id:
        return _element(page, marked)
    heading = with_id or re.search(r"<h[1-6]\b[^>]*>\s*Key messages\s*</h[1-6]>", page, flags=re.IGNORECASE)
    return _enclosing_section(page, heading.start()) if heading else None


def _element(page: str, start: re.Match[str]) -> str | None:
    """The element whose start tag ``start`` matched, to its end tag (None if it is not closed)."""
    tag = start.group(1)
    depth, position = 1, start.end()
    nested = re.compile(rf"<(/?){tag}\b[^>]*>", re.IGNORECASE)
    while depth:
        found = nested.search(page, position)
        if found is None:
            return None  # not closed: not a page the batch wrote
        depth += -1 if found.group(1) else 1
        position = found.end()
    return page[start.start():position]


def _enclosing_section(page: str, position: int) -> str | None:
    """The innermost ``<section>`` element around ``position``."""
    for start in reversed(list(re.finditer(r"<(section)\b[^>]*>", page[:position], flags=re.IGNORECASE))):
        element = _element(page, start)
        if element is not None and start.start() + len(element) > position:
            return element
    return None


def head_styles(page: str) -> str:
    """The rules of a page's ``<style>`` elements in its ``<head>``, ``@page`` rules left out (the pack
    prints its own running texts).

    Examples
    --------
    >>> head_styles("<html><head><style>.k { color: red; } @page { size: A4; }</style></head><body>"
    ...             "<style>.b {}</style></body></html>")
    '.k { color: red; } '
    """
    head = page.split("</head>", 1)[0] if "</head>" in page else ""
    rules = "\n".join(re.findall(r"<style[^>]*>(.*?)</style>", head, flags=re.DOTALL | re.IGNORECASE))
    return _without_page_rules(rules)


def _without_page_rules(css: str) -> str:
    """CSS with its ``@page`` rules (and their nested margin boxes) removed."""
    out, position = [], 0
    for found in re.finditer(r"@page\b[^{]*\{", css):
        if found.start() < position:
            continue
        out.append(css[position:found.start()])
        depth, i = 1, found.end()
        while depth and i < len(css):
            depth += {"{": 1, "}": -1}.get(css[i], 0)
            i += 1
        position = i
    out.append(css[position:])
    return "".join(out)


def glossary_page(frame: PageFrame, symbols: Mapping[str, str], manifest: Mapping[str, Any],
                  used: str | None = None) -> str:
    """The pack's last section: the glossary of terms, abbreviations and symbols, then the run's provenance.

    Parameters
    ----------
    frame : PageFrame
    symbols : mapping
        The symbols of the published tables and their meanings (the disclosure rules').
    manifest : mapping
        The run's ``manifest.json``: when it was produced, by which version and commit, from which inputs.
    used : str, optional
        The pack's pages (HTML): only the abbreviations they use are listed. Default: every one.

    Returns
    -------
    str
        The HTML document.

    Examples
    --------
    >>> page = glossary_page(PageFrame("Pack", "published", False), {"c": "confidential"},
    ...                      {"produced": "2026-01-01T00:00:00+00:00", "inputs": [], "git": {}})
    >>> "<dt><abbr>c</abbr></dt>" in page, "LSCB" in page
    (True, True)
    """
    e = html.escape
    parts = ['<h1 id="glossary">Glossary of terms and symbols</h1>', '<div class="pack-glossary">']
    text = None if used is None else html.unescape(re.sub(r"<(style|script)\b.*?</\1>|<[^>]+>", " ", used, flags=re.S))
    for heading, entries in glossary(dict(symbols), used=text):
        symbol = heading.startswith("Symbols")
        items = "".join(f"<dt>{f'<abbr>{e(x.term)}</abbr>' if symbol else e(x.term)}</dt><dd>{e(x.meaning)}</dd>"
                        for x in entries)
        parts.append(f"<h2>{e(heading)}</h2><dl>{items}</dl>")
    parts.append("</div>")
    git = manifest.get("git") or {}
    commit = f", commit {str(git['commit'])[:12]}" if git.get("commit") else ""
    dirty = " (uncommitted changes)" if git.get("dirty") else ""
    versions = manifest.get("packages") or {}
    version = f" by review {e(str(versions['review']))}" if "review" in versions else ""
    inputs = "; ".join(f"{e(str(i.get('path', '')))} {e(str(i.get('sha256', ''))[:12])}"
                       for i in manifest.get("inputs") or [])
    parts.append(f'<section class="pack-about" data-review-nocount aria-label="Provenance"><p><strong>Provenance.'
                 f"</strong> The reports of this pack were produced {e(str(manifest.get('produced', '')))}{version}"
                 f"{e(commit)}{dirty}, from the params file {e(PurePath(str(manifest.get('params_file', ''))).name)}. Every detail "
                 "of the run (parameters, package versions) is in <code>manifest.json</code> beside the reports."
                 "</p>" + (f"<p>Input data (SHA-256, first 12 characters): {inputs}.</p>" if inputs else "")
                 + "</section>")
    return frame.page("\n".join(parts), title="Glossary of terms and symbols", css_class="pack-glossary-page")
