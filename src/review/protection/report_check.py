"""Checking what a run writes before it travels: ``review check-report PATH``.

The check denies by default. In a published page every whole number from 1 to the suppression
threshold is a finding wherever it stands (table cells, text, headings, titles, alt text and
other attributes), because it may count children, cases or staff: ``n=2``, ``(2 of 40
children)``, ``2/5``. Elements whose numbers are something else (grade positions, days, years,
item numbers, percentages, dates, cycle names, the disclosure footnote) are exempt only when the
workbook marked them where it wrote them, with the attribute ``data-review-nocount`` (or the class
``review-nocount``) on the element or an ancestor; :mod:`review.views.presentation` marks what its
helpers write.

In every file a run writes (pages, results JSON, the manifest, executed notebooks) the check also
looks for:

- raw identifiers from the inputs, matched without regard to case, across tags, around
  punctuation and through zero-width and other invisible characters, and after undoing HTML
  entities, JSON escapes and URL escapes;
- the pseudonymisation key, as text, hex or base64;
- any external address, in any form (``src``, ``href``, ``srcset``, ``action``, ``poster``, a meta
  refresh, CSS ``url()`` and ``@import``, ``<base>``, protocol-relative ``//host``, entity- or
  URL-encoded); embedded ``data:`` images and links between the cycle's own pages are allowed;
- code cells (a report shows no code), and code shown inside ``<pre>`` or ``<code>``;
- scripts and event-handler attributes (``onclick``...): a report runs nothing in its reader's browser;
- in a published page, any pseudonym (``S-`` and 12 hex digits): a published report shows
  aggregates only, so a pseudonym there means individual scores, gradings or generosity.

Text a page quotes from its source is declared, never guessed: the source's item words
(:mod:`review.config.framework_items`) and the framework titles (:mod:`review.config.frameworks`,
each whole and each part either side of its colon) are :func:`source_texts`. A view writes a quotation in a
span of class ``review-quote`` (:data:`QUOTE_CLASS`); inside one the check exempts the declared
texts it holds and reads everything else ("G08. " before the item, a count planted beside it), so
wrapping a count in a quote span hides nothing. A page's ``<title>``, which can hold no mark, is read
the same way. :func:`source_spans` finds the declared texts that hold a number, for the writers.

Counts of things are declared, never guessed: an element marked ``data-review-unit="<unit>"``
holds counts in that unit, and the check exempts it only when :mod:`review.protection.units`
declares the unit a thing (actions, returns, agencies...); a unit of people is checked even inside a
marked element, and an undeclared unit is a finding. Besides digits, a published page must not
write a small count in words ("two children") or with a decimal in a count column ("3.0" in a
table of counts or an element of a people unit).

A finding names the file, the line, the channel and the kind of problem, never the value found.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html as htmllib
import json
import re
import unicodedata
import urllib.parse
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from review.config.framework_items import FRAMEWORK_ITEMS, GOSE_PMF, GOSE_PMF_TITLE, SOURCE_TITLE
from review.config.frameworks import FRAMEWORKS
from review.data import load_evidence
from review.protection.disclosure_log import LOG_MIME
from review.protection.nocount import NOCOUNT as NOCOUNT_ATTRIBUTE
from review.protection.nocount import NOCOUNT_CLASS
from review.protection.pseudonym import identifier_values
from review.protection.units import PEOPLE, THINGS, UNIT_ATTRIBUTE, VALUES

__all__ = ["NOCOUNT_ATTRIBUTE", "NOCOUNT_CLASS", "QUOTE_CLASS", "Finding", "IdentifierMatcher", "check_file", "check_report",
           "check_run_folder", "decimal_counts", "looks_like_code", "normalise_text", "raw_identifiers", "readable",
           "small_counts", "source_spans", "source_texts", "word_counts"]


QUOTE_CLASS = "review-quote"
"""The class of the span holding a source's words (:func:`review.views.presentation.quoted`); the
check exempts only the :func:`source_texts` in it, and the page's last pass leaves it as written."""


@lru_cache(maxsize=1)
def source_texts() -> tuple[str, ...]:
    """The texts the workbook quotes from its sources, longest first: each framework item's words,
    the source's titles and each framework's title, whole and each part either side of its colon
    ("the 7 headline issues": seven items, not people).

    These are fixed declarations (:mod:`review.config.framework_items`, :mod:`review.config.frameworks`);
    a council's data cannot add to them.

    >>> "the 7 headline issues" in source_texts(), "Governance" in source_texts()
    (True, True)
    """
    texts = {SOURCE_TITLE, GOSE_PMF_TITLE, *(text for _, text, _ in GOSE_PMF),
             *(i.text for items in FRAMEWORK_ITEMS.values() for i in items)}
    for fw in FRAMEWORKS.values():
        texts |= {fw.title, *(part.strip() for part in fw.title.split(": ")[1:]), fw.title.split(": ")[0]}
    return tuple(sorted((" ".join(t.split()) for t in texts if t.strip()), key=lambda t: (-len(t), t)))


@lru_cache(maxsize=1)
def _source_pattern() -> re.Pattern[str]:
    numbered = [t for t in source_texts() if re.search(r"\d", t)]
    return re.compile(r"(?<![\w])(?:" + "|".join(r"\s+".join(map(re.escape, t.split())) for t in numbered) + r")(?![\w])",
                      re.I)


def source_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds a declared source text that has a number in it (:func:`source_texts`),
    as ``(start, end)``: what a writer wraps in a quote span.

    >>> t = "G08: red: Inspections of all regulated services (i.e. adoptions & fostering, children's homes which " \\
    ...     "are the responsibility of the LA) – at least 6 monthly."
    >>> source_spans(t) == [(10, len(t))], source_spans("The 7 headline issues and 3 children")
    (True, [(0, 21)])
    """
    return [m.span() for m in _source_pattern().finditer(text)]


@lru_cache(maxsize=1)
def _source_ids() -> re.Pattern[str]:
    """The sources' own numbering of their items (``L4.2``, ``G08``), which a quotation puts before an item's words."""
    ids = {i.item_id for items in FRAMEWORK_ITEMS.values() for i in items} | {item_id for item_id, _, _ in GOSE_PMF}
    return re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, sorted(ids, key=len, reverse=True))) + r")(?![\w])")


def _unquoted(text: str, *, ids: bool = False) -> str:
    """``text`` less the declared source texts in it (what a ``<title>`` leaves to check) and, in a
    quote span, the source's numbering of the item quoted."""
    text = _source_pattern().sub(" ", " ".join(text.split()))
    return _source_ids().sub(" ", text) if ids else text


# Characters that render as nothing (or as a soft break) and could split an identifier unseen.
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e0fff]")
_TAG = re.compile(r"<[^>]*>")
_INLINE_TAG = re.compile(r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|strong|"
                         r"sub|sup|time|u|var|wbr)\b[^>]*>", re.I)
_PSEUDONYM = re.compile(r"(?<![a-z0-9])[csa]-[0-9a-f]{12}(?![a-z0-9])")
_NUMBER = re.compile(r"(?<![A-Za-z0-9_])\d+(?:[.,]\d+)*(?![A-Za-z0-9_])")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
_CODE = re.compile(r'class\s*=\s*["\']?[^"\'>]*\b(?:jp-InputArea-editor|jp-InputPrompt|highlight|jp-CodeMirrorEditor|'
                   r'input_area)\b', re.I)
_SCHEME = re.compile(r"(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*)\s*:", re.I)
_URL_ATTRIBUTES = {"src", "href", "srcset", "action", "formaction", "poster", "background", "cite", "ping", "data",
                   "manifest", "codebase", "longdesc", "lowsrc", "dynsrc", "icon", "xlink:href", "imagesrcset",
                   "archive", "classid", "usemap", "profile"}
_EXTERNAL_TEXT = [
    re.compile(r"\b(?:https?|ftps?|wss?|file|gopher|smb|sftp)\s*:\s*[/\\]\s*[/\\]", re.I),
    re.compile(r"url\s*\(\s*[\"']?\s*(?!data:|#|[\"']?\s*\))", re.I),
    re.compile(r"@import", re.I),
    re.compile(r"<\s*base[\s>]", re.I),
    re.compile(r"http-equiv\s*=\s*[\"']?\s*refresh", re.I),
    re.compile(r"\bimage-set\s*\(", re.I),
]
# Attributes whose value is structure, not text a reader sees (numbers in them are not counts).
_STRUCTURAL = {"class", "id", "style", "rel", "type", "charset", "lang", "width", "height", "colspan", "rowspan",
               "name", "role", "headers", "scope", "dir", "tabindex", "loading", "decoding", "xmlns", "crossorigin",
               "integrity", "media", "sizes", "target", "for", "http-equiv", "hidden", "viewbox",
               "d", "transform", "points", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "fill",
               "stroke", "stroke-width", "version", "xmlns:xlink", "preserveaspectratio", "aria-hidden",
               NOCOUNT_ATTRIBUTE} | _URL_ATTRIBUTES
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}


@dataclass(frozen=True)
class Finding:
    """One thing that must not be in what a run writes; it names where, never the value found.

    Attributes
    ----------
    kind : str
        ``raw identifier``, ``pseudonymisation key``, ``small count``, ``pseudonym``, ``external URL`` or
        ``code cell``.
    detail : str
        Where: file, line and channel (``text``, ``alt``, ``title``, a JSON path...).
    """

    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


def raw_identifiers(data_dir: str | Path) -> set[str]:
    """Every raw reference to a case, audit or person in a data folder (before pseudonymisation).

    The fields are those :data:`review.protection.pseudonym.IDENTIFIERS` declares, whatever the
    row's labels say (a rater is a person unless the row names an agency).
    """
    return identifier_values(load_evidence(data_dir))


def normalise_text(text: str) -> str:
    """Text as a reader would see it, for matching: entities undone, invisible characters removed,
    compatibility forms folded (NFKC) and case folded.

    >>> normalise_text("C1&#8203;00123&amp;")
    'c100123&'
    """
    previous = None
    while previous != text:  # double-encoded entities too
        previous, text = text, htmllib.unescape(text)
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    return _INVISIBLE.sub("", text).casefold()


def _variants(content: str) -> Iterator[str]:
    """The forms in which an identifier could be read from a file's content."""
    base = normalise_text(content)
    yield base
    yield normalise_text(_TAG.sub(" ", _INLINE_TAG.sub("", content)))  # split by inline tags: C10<b></b>0123
    yield normalise_text(_TAG.sub(" ", content))
    decoded = urllib.parse.unquote(base)
    if decoded != base:
        yield normalise_text(decoded)
    if content.lstrip().startswith(("{", "[")):
        try:
            strings = list(_json_strings(json.loads(content)))
        except ValueError:
            strings = []
        if strings:
            joined = "\n".join(strings)
            yield normalise_text(joined)
            yield normalise_text(_TAG.sub(" ", _INLINE_TAG.sub("", joined)))
            yield normalise_text(_TAG.sub(" ", joined))


def _json_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _json_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_strings(v)


_WORD = re.compile(r"[a-z0-9]+")


class IdentifierMatcher:
    """Whether normalised text holds any of many identifiers as a whole word.

    It finds exactly what the alternation ``(?<![a-z0-9])(?:id1|id2|...)(?![a-z0-9])`` finds, but
    in one pass over the text's words with a set lookup each, where the regular expression tries
    every identifier at every character (20 s of the demo cycle's 42 s with 3,974 identifiers).
    An identifier that is one word (``c100123``) matches a maximal run of ``[a-z0-9]``; one of
    several words (``lado-0003``, ``area manager n``) starts and ends at word boundaries and is
    looked for only where its first word occurs; the rare one starting or ending with another
    character is left to the regular expression.

    Parameters
    ----------
    identifiers : iterable of str
        Identifiers already normalised (:func:`normalise_text`), none empty.

    Examples
    --------
    >>> m = IdentifierMatcher(["c100123", "lado-0003", "#7"])
    >>> [m.search(t) for t in ["ref c100123.", "xc100123", "lado-0003", "lado-00031", "no #7"]]
    [True, False, True, False, True]
    """

    def __init__(self, identifiers: Iterable[str]) -> None:
        self.words: set[str] = set()
        self.phrases: dict[str, list[str]] = {}
        rest = []
        for w in identifiers:
            first = _WORD.match(w)
            if first is not None and first.end() == len(w):
                self.words.add(w)
            elif first is not None and _WORD.fullmatch(w[-1]):
                self.phrases.setdefault(first.group(0), []).append(w)
            else:
                rest.append(w)
        self.rest = re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(w) for w in sorted(rest, key=len, reverse=True))
                               + r")(?![a-z0-9])") if rest else None

    def search(self, text: str) -> bool:
        """Whether ``text`` holds one of the identifiers as a whole word."""
        found = set(_WORD.findall(text))
        if not found.isdisjoint(self.words):
            return True
        for first in found.intersection(self.phrases):
            for w in self.phrases[first]:
                at = text.find(w)
                while at >= 0:
                    end = at + len(w)
                    if (at == 0 or not _WORD.match(text[at - 1])) and (end == len(text) or not _WORD.match(text[end])):
                        return True
                    at = text.find(w, at + 1)
        return self.rest is not None and self.rest.search(text) is not None


def _identifier_matcher(identifiers: Iterable[str]) -> IdentifierMatcher | None:
    wanted = {normalise_text(str(i)).strip() for i in identifiers} - {""}
    return IdentifierMatcher(wanted) if wanted else None


def _key_forms(key: bytes) -> list[str]:
    forms = {key.hex(), base64.b64encode(key).decode("ascii").rstrip("=")}
    with contextlib.suppress(UnicodeDecodeError):
        forms.add(key.decode("utf-8"))
    return sorted({normalise_text(f) for f in forms if len(f.strip()) >= 8})


def _line(content: str, position: int) -> int:
    return content.count("\n", 0, position) + 1


_DATA_URI = re.compile(r"data:([a-z0-9.+-]+/[a-z0-9.+-]+)?((?:;[a-z0-9.+-]+=[^;,\s\"']*)*);base64,([A-Za-z0-9+/=\s]*)", re.I)
_TEXT_MEDIA = re.compile(r"text/|[a-z0-9.-]+/(?:[a-z0-9.-]+\+)?(?:xml|json)$", re.I)


def readable(content: str) -> str:
    """``content`` with each base64 ``data:`` URI as a reader could read it: a textual payload (text,
    SVG, XML, JSON) decoded, a binary one (a chart's PNG, a font) dropped.

    A binary payload is not text: read as text it is random letters and digits, in which a short
    identifier turns up by chance (a chart's PNG held ``+W07D+``, a worker's reference, on one
    page in twelve of a synthetic region). A textual one is searched in the words it encodes.

    >>> svg = base64.b64encode(b"<svg><text>C100123</text></svg>").decode()
    >>> readable(f'<img src="data:image/svg+xml;base64,{svg}"> and <img src="data:image/png;base64,iVBORw0+W07D+">')
    '<img src="<svg><text>C100123</text></svg>"> and <img src="">'
    """

    def payload(m: re.Match[str]) -> str:
        if not _TEXT_MEDIA.match(m.group(1) or "text/plain"):
            return ""
        try:
            return base64.b64decode("".join(m.group(3).split()) + "==").decode("utf-8", errors="replace")
        except ValueError:
            return m.group(0)  # not base64 after all: searched as it is

    return _DATA_URI.sub(payload, content)


def _secrets(content: str, name: str, matcher: IdentifierMatcher | None, key_forms: list[str]) -> list[Finding]:
    findings: list[Finding] = []
    seen_ids = seen_key = False
    for text in _variants(readable(content)):
        if matcher is not None and not seen_ids and matcher.search(text):
            findings.append(Finding("raw identifier", f"{name}: a raw case, audit or staff reference"))
            seen_ids = True
    for text in _variants(content):  # the key's forms are long: searched in binary payloads too
        if key_forms and not seen_key and any(f in text for f in key_forms):
            findings.append(Finding("pseudonymisation key", f"{name}: the key (or its hex or base64 form)"))
            seen_key = True
    return findings


def small_counts(text: str, threshold: int) -> list[int]:
    """Whole numbers from 1 to ``threshold`` in a piece of text, in the forms a count can take.

    Decimals ("0.58", "2.5%") are not counts; a thousands-separated number is one number; digits
    glued to letters (``Q4``, ``NI61``) are part of a name.

    >>> small_counts("n=2; (3 of 40 children); 2/5; kappa 0.58; 1,234; Q4", 5)
    [2, 3, 2, 5]
    """
    found = []
    for m in _NUMBER.finditer(unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))):
        token = m.group(0)
        if _THOUSANDS.fullmatch(token):
            parts = [token.replace(",", "")]
        elif "." in token:
            continue
        else:
            parts = token.split(",")
        found += [int(p) for p in parts if 1 <= int(p) <= threshold]
    return found


_NUMBER_WORDS = {w: i for i, w in enumerate(
    ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
     "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"], start=1)}
_PEOPLE_NOUNS = ("child|children|young (?:people|persons?)|famil(?:y|ies)|carers?|staff|people|persons?|files?|cases?|"
                 "audits?|managers?|workers?|officers?|parents?|girls?|boys?|bab(?:y|ies)|referrals?|complaints?|"
                 "compliments?|allegations?|reviews?|plans?|leavers?|starters?|posts?|post-holders?|raters?|auditors?|"
                 "notifications?|conferences?|assessments?|placements?|adopters?|victims?|pupils?|students?")
_WORD_COUNT = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b(?:[\s-]+[a-z][a-z'-]*)?[\s-]+(" + _PEOPLE_NOUNS + r")\b"
                         # "two files a month": a rate of work, not a count
                         r"(?!\s+(?:a|an|per|each|every)\s+(?:day|week|fortnight|month|quarter|year|cycle)\b)", re.I)
_DECIMAL_COUNT = re.compile(r"(?<![\d.,])(\d+)\.0+(?![\d.])")
_CODE_TEXT = re.compile(r"(?m)^\s*(?:>>>|\$ |In \[\d*\]:|(?:import|from|def|class|return|for|while|with|if)\s+\S)|"
                        r"[A-Za-z_][\w.]*\s*\([^()]*\)|[A-Za-z_]\w*\s*=[^=]|[;{}]")


def word_counts(text: str, threshold: int) -> list[int]:
    """Counts of people from 1 to ``threshold`` written in words ("two children", "three more files").

    >>> word_counts("Two children and three looked-after young people; one of the two axes; within one grade", 5)
    [2, 3]
    >>> word_counts("three more files, five staff; sample two files a month", 5)
    [3, 5]
    """
    return [n for m in _WORD_COUNT.finditer(text) if 1 <= (n := _NUMBER_WORDS[m.group(1).lower()]) <= threshold]


def decimal_counts(text: str, threshold: int) -> list[int]:
    """Whole numbers from 1 to ``threshold`` written with a decimal ("3.0"), as in a count column.

    >>> decimal_counts("3.0 | 2.00 | 2.5 | 12.0 | 0.0", 5)
    [3, 2]
    """
    return [n for m in _DECIMAL_COUNT.finditer(text) if 1 <= (n := int(m.group(1))) <= threshold]


def looks_like_code(text: str) -> bool:
    """Whether text inside ``<pre>`` or ``<code>`` is code (a call, an assignment, a statement),
    rather than a file or column name.

    >>> looks_like_code("actions"), looks_like_code("docs/data.md"), looks_like_code("df = load(path)")
    (False, False, True)
    >>> looks_like_code(">>> run()"), looks_like_code("import review")
    (True, True)
    """
    return bool(_CODE_TEXT.search(text))


def _external_attribute(name: str, value: str) -> bool:
    value = normalise_text(urllib.parse.unquote(value)).strip()
    if name in ("srcset", "imagesrcset"):
        return any(_external_attribute("src", part.strip().split(" ")[0]) for part in value.split(",")
                   if part.strip() and not part.strip().startswith("data:"))
    if not value or value.startswith(("#", "data:image/", "data:font/")):
        return False
    if value.startswith(("//", "\\\\", "/\\", "\\/")):
        return True
    scheme = _SCHEME.match(value)
    return bool(scheme) and not value.startswith("data:")


class _Page(HTMLParser):
    """Walks a page: text nodes and attribute values, each with whether it is exempt (marked
    no-count, or a declared unit of things) and whether it stands in a count column."""

    def __init__(self, threshold: int) -> None:
        super().__init__(convert_charrefs=True)
        self.threshold = threshold
        # tag, mark ("exempt", "people" or None: inherit), hidden from reader (style/script), in a count column
        self.stack: list[tuple[str, str | None, bool, bool]] = []
        self.findings: list[tuple[str, int]] = []  # (channel, line)
        self.urls: list[tuple[str, int]] = []
        self.scripts: list[tuple[str, int]] = []
        self.undeclared: list[int] = []
        self.code_text: list[tuple[int, list[str]]] = []  # open <pre>/<code>: (depth, text)
        self.code_lines: list[int] = []
        self.quotes: list[tuple[int, list[str], int]] = []  # open quote spans: (depth, text, line)

    @property
    def marked(self) -> bool:
        for _, mark, _, _ in reversed(self.stack):
            if mark is not None:
                return mark == "exempt"
        return False

    @property
    def code(self) -> bool:
        return any(h for _, _, h, _ in self.stack)

    @property
    def counts(self) -> bool:
        return any(c for _, _, _, c in self.stack)

    def _mark(self, attributes: dict[str, str], line: int) -> str | None:
        classes = attributes.get("class", "").split()
        unit = attributes.get(UNIT_ATTRIBUTE)
        if unit is not None:
            if unit in THINGS or unit in VALUES:
                return "exempt"
            if unit in PEOPLE:
                return "people"
            self.undeclared.append(line)
            return None
        return "exempt" if NOCOUNT_ATTRIBUTE in attributes or NOCOUNT_CLASS in classes else None

    def _small(self, text: str, counts: bool) -> bool:
        return bool(small_counts(text, self.threshold) or word_counts(text, self.threshold)
                    or (counts and decimal_counts(text, self.threshold)))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        attributes = {k.lower(): (v or "") for k, v in attrs}
        line = self.getpos()[0]
        mark = self._mark(attributes, line)
        counts = "review-counts" in attributes.get("class", "").split() or mark == "people"
        if tag == "script":
            self.scripts.append(("a script", line))
        for name, value in attributes.items():
            if name in _URL_ATTRIBUTES and _external_attribute(name, value):
                self.urls.append((f"attribute {name}", line))
            if name == "content" and re.search(r"\burl\s*=", value, re.I):
                self.urls.append(("meta refresh", line))
            if name.startswith("on"):
                self.scripts.append((f"event handler {name}", line))
                if re.search(r"(?:https?|ftp)\s*:|//", value, re.I):
                    self.urls.append((f"attribute {name}", line))
            exempt = mark == "exempt" or (mark is None and self.marked)
            if name in _STRUCTURAL or name == UNIT_ATTRIBUTE or name.startswith(("data-jp-", "data-mime")) or exempt:
                continue
            if self._small(htmllib.unescape(value), counts or self.counts):
                self.findings.append((f"attribute {name} of <{tag}>", line))
        if tag in ("pre", "code"):
            self.code_text.append((len(self.stack), []))
        if (tag not in _VOID and not self.quotes and QUOTE_CLASS in attributes.get("class", "").split()
                and not (mark == "exempt" or (mark is None and self.marked))):
            self.quotes.append((len(self.stack), [], line))
        if tag not in _VOID:
            self.stack.append((tag, mark, tag in ("style", "script"), counts))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag.lower() not in _VOID and self.stack and self.stack[-1][0] == tag.lower():
            self.stack.pop()
            if tag.lower() in ("pre", "code") and self.code_text:
                self.code_text.pop()
            self._end_quotes(len(self.stack))

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                while self.code_text and self.code_text[-1][0] >= i:
                    _, text = self.code_text.pop()
                    if looks_like_code("".join(text)):
                        self.code_lines.append(self.getpos()[0])
                del self.stack[i:]
                self._end_quotes(i)
                return

    def _end_quotes(self, depth: int) -> None:
        """Check the quote spans that end here: their text less the declared source texts."""
        while self.quotes and self.quotes[-1][0] >= depth:
            _, text, line = self.quotes.pop()
            if self._small(_unquoted("".join(text), ids=True), self.counts):
                self.findings.append(("text in a quotation that is not the source's", line))

    def handle_data(self, data: str) -> None:
        for _, text in self.code_text:
            text.append(data)
        if self.code or self.marked:
            return
        if self.quotes:
            self.quotes[-1][1].append(data)
            return
        if self.stack and self.stack[-1][0] == "title":
            data = _unquoted(data)  # a framework's title, declared; the rest is read
        if self._small(data, self.counts):
            where = self.stack[-1][0] if self.stack else "document"
            self.findings.append((f"text in <{where}>", self.getpos()[0]))


def _is_internal(page: str) -> bool:
    return bool(re.search(r"audience:\s*internal\b", _TAG.sub(" ", page)))


def check_file(path: str | Path, *, identifiers: Iterable[str] = (), threshold: int = 5,
               audience: str | None = None, key: bytes | None = None,
               _matcher: IdentifierMatcher | None = None) -> list[Finding]:
    """Scan one file a run wrote; return what must not be in it (empty when it is clean).

    Parameters
    ----------
    path : str or pathlib.Path
        An HTML page, results JSON, manifest or executed notebook (any text file).
    identifiers : iterable of str
        Raw references from the inputs (see :func:`raw_identifiers`).
    threshold : int, default: ``5``
        Counts from 1 to this must not be shown in a published page (the run's
        ``suppression_threshold``).
    audience : str, optional
        ``published`` or ``internal``; default read from the page (published unless the page says
        ``audience: internal``). Small counts are looked for in published HTML pages only.
    key : bytes, optional
        The pseudonymisation key, which must appear nowhere.

    Returns
    -------
    list of Finding
    """
    path = Path(path)
    content = path.read_bytes().decode("utf-8", errors="replace")
    matcher = _matcher if _matcher is not None else _identifier_matcher(identifiers)
    findings = _secrets(content, path.name, matcher, _key_forms(key) if key else [])
    if LOG_MIME in content:
        findings.append(Finding("disclosure log", f"{path.name}: the run's disclosure log (internal only)"))
    if path.suffix.lower() not in (".html", ".htm"):
        return findings
    page = _Page(threshold)
    page.feed(content)
    page.close()
    urls = {(channel, line) for channel, line in page.urls}
    normalised = _TAG.sub(" ", normalise_text(re.sub(r"data:[a-z/+.-]+;base64,[A-Za-z0-9+/=\s]+", "", content)))
    for rx in _EXTERNAL_TEXT:
        for m in rx.finditer(normalised):
            urls.add(("text or style", 0 * m.start()))
    findings += [Finding("external URL", f"{path.name}: line {line}, {channel}" if line else f"{path.name}: {channel}")
                 for channel, line in sorted(urls)]
    if _CODE.search(content) or page.code_lines:
        findings.append(Finding("code cell", f"{path.name}: the page shows code"))
    findings += [Finding("script", f"{path.name}: line {line}, {what}: a report runs nothing in its reader's browser")
                 for what, line in page.scripts]
    findings += [Finding("undeclared unit", f"{path.name}: line {line}: a count's unit that "
                         "review.protection.units does not declare") for line in page.undeclared]
    published = (audience or ("internal" if _is_internal(content) else "published")) == "published"
    if published and any(_PSEUDONYM.search(normalise_text(v)) for v in (readable(content), _INLINE_TAG.sub("", readable(content)))):
        findings.append(Finding("pseudonym", f"{path.name}: a person's or case's pseudonym (individual-level "
                                "figures belong in the internal report only)"))
    if published:
        findings += [Finding("small count", f"{path.name}: line {line}, {channel}: a number from 1 to {threshold} "
                             "not marked as other than a count")
                     for channel, line in page.findings]
    return findings


def check_report(path: str | Path, *, identifiers: Iterable[str] = (), threshold: int = 5,
                 audience: str | None = None, key: bytes | None = None) -> list[Finding]:
    """Scan one report page (see :func:`check_file`); kept for the ``check-report`` command's callers."""
    return check_file(path, identifiers=identifiers, threshold=threshold, audience=audience, key=key)


def check_run_folder(folder: str | Path, *, identifiers: Iterable[str] = (), threshold: int = 5,
                     audience: str | None = None, key: bytes | None = None,
                     memo: dict[tuple[str, str], list[Finding]] | None = None,
                     stems: Collection[str] | None = None) -> dict[Path, list[Finding]]:
    """Scan every file in a run's folder (pages, results, manifest, executed notebooks).

    Parameters
    ----------
    memo : dict, optional
        Findings of files already scanned with the same identifiers, threshold, audience and key,
        by file name and SHA-256 of the content: a file whose name and bytes are unchanged is not
        scanned again (the publish gate's second pass re-scans only the index, the manifest and
        what the first pass replaced). Filled as files are scanned.
    stems : collection of str, optional
        Scan only the files whose name, up to its first dot, is one of these (a framework's page,
        results and executed notebook); default every file.

    Returns
    -------
    dict
        File to its findings (every file, clean ones with an empty list).
    """
    matcher = _identifier_matcher(identifiers)
    out = {}
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        if stems is not None and path.name.split(".")[0] not in stems:
            continue
        seen = ("", "")
        if memo is not None:
            seen = (str(path.relative_to(folder)), hashlib.sha256(path.read_bytes()).hexdigest())
            if seen in memo:
                out[path] = list(memo[seen])
                continue
        out[path] = check_file(path, identifiers=(), threshold=threshold, audience=audience, key=key,
                               _matcher=matcher)
        if memo is not None:
            memo[seen] = list(out[path])
    return out
