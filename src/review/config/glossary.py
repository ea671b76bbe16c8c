"""The terms and abbreviations a board member meets in a cycle's reports, spelt out once.

The board pack ends with them (:mod:`review.batch.pack`); the symbols of a published table
(``c``, ``z``, ``:``, ``k``) are the disclosure rules' own (``review.protection.disclosure.SYMBOLS``)
and are added to these there, so each meaning is written in one place. Each entry is worded as the
reports word it; the sources are those of the domain brief (``/work/shared/domain.md``): the
tiers of the audit programme (section 1), the National Indicator Set (section 2), the frameworks'
context (section 7).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ABBREVIATIONS", "TERMS", "TIER_NAMES", "Entry", "glossary"]

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


TERMS: tuple[Entry, ...] = (
    Entry("Red, amber, green (RAG bands)",
          "The workbook's judgement of an item against its thresholds: green, on track; amber, watch; red, act. "
          "They are the workbook's bands, not Ofsted grades."),
    Entry("Self-assessed, not evidenced",
          "A band the council gave itself where the evidence map names no evidence that tests the item."),
    Entry("No evidence", "The evidence that tests the item was not in this cycle's returns: no band is given."),
    Entry("Small group",
          "A judgement resting on a group too small to publish its figures: the judgement is shown, the figures it "
          "rests on are withheld (shown as c)."),
    Entry("Firm, uncertain",
          "A judgement is firm when the whole confidence interval lies in one band; uncertain when it crosses a "
          "threshold, so more evidence of the same kind is needed to settle it."),
    Entry("Confidence interval (CI)",
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
    Entry("Since last cycle",
          "How the item's band moved since the previous quarter; \"not tested\" where the change was not tested "
          "for chance."),
    Entry("Quarter", "Councils' financial-year quarters: Q1 is April to June, so Q3 2009/10 is October to "
          "December 2009. Files keep the calendar cycle id (2009-Q4)."),
)
"""The words of the reports' judgements, in the order a reader meets them."""

ABBREVIATIONS: tuple[Entry, ...] = tuple(sorted((
    *(Entry(tier, f"{name}: {'the most senior tier' if tier == list(TIER_NAMES)[-1] else 'a tier'} of the "
          "audit programme.") for tier, name in TIER_NAMES.items()),
    Entry("CIN", "Child in need."),
    Entry("CP", "Child protection (a child protection plan or conference)."),
    Entry("CSC, CSCare", "Children's social care."),
    Entry("DCSF", "Department for Children, Schools and Families (the department responsible in 2007 to 2010)."),
    Entry("FTE", "Full-time equivalent (staff numbers as whole-time posts)."),
    Entry("GOSE", "Government Office for the South East: its children's social care performance management "
          "framework and its LSCB quality assurance checklist are two of the frameworks reviewed."),
    Entry("GP", "General practitioner."),
    Entry("HR", "Human resources."),
    Entry("IRO", "Independent Reviewing Officer: chairs looked-after children's reviews."),
    Entry("JAR", "Joint Area Review: the inspection of a council's services for children by Ofsted with the "
          "Healthcare Commission and HMIC (Haringey's in 2008)."),
    Entry("LA", "Local authority."),
    Entry("LAC", "Looked-after children: children in the council's care."),
    Entry("LADO", "Local authority designated officer: manages allegations against staff who work with children."),
    Entry("LSCB", "Local Safeguarding Children Board."),
    Entry("NHS", "National Health Service."),
    Entry("NI, NIS", "National indicator, of the National Indicator Set (2008/09): NI 59 to NI 68 are the "
          "children's social care indicators."),
    Entry("PI", "Performance indicator."),
    Entry("SCR", "Serious case review: a review after a child dies or is seriously harmed and abuse or neglect is "
          "known or suspected; its action plan is followed action by action."),
), key=lambda e: e.term))
"""Abbreviations found in the reports, alphabetical (the tiers' from :data:`TIER_NAMES`)."""


def glossary(symbols: dict[str, str] | None = None) -> tuple[tuple[str, tuple[Entry, ...]], ...]:
    """The glossary as the pack prints it: terms, abbreviations, then the symbols of the tables.

    Parameters
    ----------
    symbols : dict, optional
        Symbol to meaning (the disclosure rules' ``SYMBOLS``, which the config layer cannot import);
        the symbols group is left out when not given.

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
    """
    groups: list[tuple[str, tuple[Entry, ...]]] = [("Terms", TERMS), ("Abbreviations", ABBREVIATIONS)]
    if symbols:
        groups.append(("Symbols in tables", tuple(Entry(k, v) for k, v in symbols.items())))
    return tuple(groups)
