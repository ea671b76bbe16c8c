"""The terms and abbreviations a board member meets in a cycle's reports, spelt out once.

The board pack ends with them (:mod:`review.batch.pack`); the symbols of a published table
(``c``, ``z``, ``:``, ``k``) are the disclosure rules' own, ``c`` with the run's range
(``review.protection.disclosure.DisclosurePolicy.symbols``), and are added to these there, so each
meaning is written in one place and no entry here states a range. Each entry is worded as the
reports word it; the sources are those of the domain brief (``/work/shared/domain.md``): the
tiers of the audit programme (section 1), the National Indicator Set (section 2), the frameworks'
context (section 7).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ABBREVIATIONS", "SPELT_OUT", "TERMS", "TIER_NAMES", "Entry", "glossary"]

TIER_NAMES = {"ATM": "Assistant Team Manager", "TM": "Team Manager", "SM": "Service Manager",
              "AD": "Assistant Director", "DCS": "Director of Children's Services"}
"""The audit programme's management tiers spelled out, most junior first (domain brief, section 1)."""


@dataclass(frozen=True)
class Entry:
    """One term of the glossary and what it means.

    Attributes
    ----------
    term : str
        As a page prints it (an abbreviation, a band, a word of the reports).
    meaning : str
        One or two plain sentences.
    """

    term: str
    meaning: str


_SPELT: tuple[tuple[str, str, str], ...] = (
    *((tier, name, f": {'the most senior tier' if tier == list(TIER_NAMES)[-1] else 'a tier'} of the audit "
       "programme.") for tier, name in TIER_NAMES.items()),
    ("CI", "confidence interval", ""),  # among the terms
    ("CIN", "child in need", "."),
    ("CP", "child protection", " (a child protection plan or conference)."),
    ("CSC", "children's social care", "."),
    ("CSCare", "children's social care", "."),
    ("CYPT", "Children and Young People's Trust", ": the council's partnership of children's services."),
    ("DCSF", "Department for Children, Schools and Families", " (the department responsible in 2007 to 2010)."),
    ("DOB", "date of birth", " (as auditors write it; a date is never published)."),
    ("DV", "domestic violence", " (as auditors write it)."),
    ("FTE", "full-time equivalent", " (staff numbers as whole-time posts)."),
    ("GOSE", "Government Office for the South East",
     ": its children's social care performance management framework and its LSCB quality assurance checklist are "
     "two of the frameworks reviewed."),
    ("GP", "general practitioner", "."),
    ("HR", "human resources", "."),
    ("IRO", "Independent Reviewing Officer", ": chairs looked-after children's reviews."),
    ("JAR", "Joint Area Review",
     ": the inspection of a council's services for children by Ofsted with the Healthcare Commission and HM "
     "Inspectorate of Constabulary (Haringey's in 2008)."),
    ("LA", "local authority", "."),
    ("LAC", "looked-after children", ": children in the council's care."),
    ("LADO", "local authority designated officer", ": manages allegations against staff who work with children."),
    ("LSCB", "Local Safeguarding Children Board", "."),
    ("NHS", "National Health Service", "."),
    ("NI", "national indicator", ": NI 59 to NI 68 are the children's social care indicators."),
    ("NIS", "National Indicator Set", " (2008/09)."),
    ("PI", "performance indicator", "."),
    ("QA", "quality assurance", "."),
    ("RAG", "red, amber, green", ""),  # among the terms
    ("SCR", "serious case review",
     ": a review after a child dies or is seriously harmed and abuse or neglect is known or suspected; its action "
     "plan is followed action by action."),
    ("SGO", "special guardianship order", " (as auditors write it)."),
    ("SW", "social worker", " (as auditors write it)."),
    ("URN", "unique reference number", " (Ofsted's number for a regulated service)."),
    ("YP", "young person", " (as auditors write it)."),
)
"""Each abbreviation, its words as they read inside a sentence, and what else the glossary says of it."""

SPELT_OUT: dict[str, str] = {term: words for term, words, _ in _SPELT}
"""Each abbreviation the reports use and its words, as a page spells it out at first use
("Joint Area Review (JAR)", :func:`review.batch.page_hygiene.spell_out`): the one source of both
the pages' expansions and the pack's glossary.

>>> SPELT_OUT["JAR"], SPELT_OUT["LAC"]
('Joint Area Review', 'looked-after children')
"""


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


TERMS: tuple[Entry, ...] = (
    Entry(f"{_capital(SPELT_OUT['RAG'])} (RAG bands)",
          "The workbook's judgement of an item against its thresholds: green, on track; amber, watch; red, act. "
          "They are the workbook's bands, not Ofsted grades, and the only bands."),
    Entry("Self-assessed, not evidenced",
          "Not a band: the state of an item that only those assessed have rated (a self-assessment), because the "
          "evidence map names no independent evidence that tests it. It is in no red, amber or green total."),
    Entry("No evidence", "The evidence that tests the item was not in this quarter's returns: no band is given."),
    Entry("Small group",
          "A judgement resting on a group of people too small to publish its figures: the judgement is shown, the "
          "small counts of people it rests on and the figures they could be worked out from are withheld "
          "(shown as c: its range is under the symbols in tables). Counts of things (actions, returns, agencies) are shown."),
    Entry("Firm, uncertain",
          "A judgement is firm when the whole confidence interval lies in one band; uncertain when it crosses a "
          "threshold, so more evidence of the same kind is needed to settle it."),
    Entry(f"{_capital(SPELT_OUT['CI'])} (CI)",
          "The range a figure from a sample could truly lie in: \"95% CI 38.0% to 57.0%\" means that intervals made "
          "this way hold the true figure 95 times in 100."),
    Entry("Kappa (κ)",
          "Agreement between two auditors grading the same files, beyond the agreement chance alone would give: "
          "1 is full agreement, 0 no better than chance (Cohen's kappa, Fleiss' kappa for more raters)."),
    Entry("Moderation",
          "A second audit of a file by a more senior tier; where a moderator's grade differs, the moderator's "
          "prevails in the final grades."),
    Entry("Control limits",
          "The range a quarterly figure varies within by chance alone (NHS Making Data Count); a point outside them, "
          "or a long run on one side, is a change beyond chance."),
    Entry("Since last quarter",
          "How the item's band moved since the previous quarter; \"not tested\" where the change was not tested "
          "for chance."),
    Entry("Quarter", "Councils' financial-year quarters: Q1 is April to June, so Q3 2009/10 is October to "
          "December 2009. Files keep the calendar cycle id (2009-Q4)."),
)
"""The words of the reports' judgements, in the order a reader meets them."""

def _entries() -> tuple[Entry, ...]:
    same: dict[str, list[str]] = {}  # abbreviations of the same words share one entry ("CSC, CSCare")
    rests: dict[str, str] = {}
    for term, words, rest in _SPELT:
        if term not in ("CI", "RAG"):
            same.setdefault(words, []).append(term)
            rests.setdefault(words, rest)
    return tuple(sorted((Entry(", ".join(terms), _capital(words) + rests[words]) for words, terms in same.items()),
                        key=lambda e: e.term.lower()))


ABBREVIATIONS: tuple[Entry, ...] = _entries()
"""Abbreviations found in the reports, alphabetical (the tiers' from :data:`TIER_NAMES`), one entry
for abbreviations of the same words; the confidence interval and the bands are among the terms."""


def _used(entry: Entry, text: str) -> bool:
    return any(re.search(rf"(?<![\w'’&/.-]){re.escape(t)}s?(?:['’]s)?(?![\w'’-])", text) for t in entry.term.split(", "))


def glossary(symbols: dict[str, str] | None = None, used: str | None = None) -> tuple[tuple[str, tuple[Entry, ...]], ...]:
    """The glossary as the pack prints it: terms, abbreviations, then the symbols of the tables.

    Parameters
    ----------
    symbols : dict, optional
        Symbol to meaning (the run's policy's ``symbols``, which the config layer cannot import);
        the symbols group is left out when not given.
    used : str, optional
        The text the glossary serves (the pack's pages): only the abbreviations it uses are listed.
        Default: every abbreviation.

    Returns
    -------
    tuple of (str, tuple of Entry)
        Each group's heading and its entries.

    Examples
    --------
    >>> groups = glossary({"c": "confidential"})
    >>> [heading for heading, _ in groups]
    ['Terms', 'Abbreviations', 'Symbols in tables']
    >>> groups[2][1][0]
    Entry(term='c', meaning='confidential')
    >>> [e.meaning for e in ABBREVIATIONS if e.term == "LSCB"]
    ['Local Safeguarding Children Board.']
    >>> [e.term for e in glossary(used="The LSCB and two IROs; CSCare.")[1][1]]
    ['CSC, CSCare', 'IRO', 'LSCB']
    """
    abbreviations = ABBREVIATIONS if used is None else tuple(e for e in ABBREVIATIONS if _used(e, used))
    groups: list[tuple[str, tuple[Entry, ...]]] = [("Terms", TERMS), ("Abbreviations", abbreviations)]
    if symbols:
        groups.append(("Symbols in tables", tuple(Entry(k, v) for k, v in symbols.items())))
    return tuple(groups)
