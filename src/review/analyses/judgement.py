"""The workbook's judgement rules, shared by every framework analysis.

- **Bands.** Red, amber and green are the workbook's own thresholds on a measured level (a
  proportion): green at or above ``green``, red below ``red``, amber between. They are not
  Ofsted grades and are labelled so (:data:`BAND_LABELS`).
- **Firm or uncertain.** A judgement is firm when the whole confidence interval lies inside one
  band. Otherwise the analysis says how many more audits, at the current rate, would settle it
  (:func:`review.stats.sampling.sample_size` with the distance to the nearest threshold as the
  margin).
- **Change.** A change since last cycle is "improved" or "worse" only when Newcombe's interval
  for the difference excludes 0 at the report's confidence level; otherwise "no clear change".
- **Triangulation.** A finding's judgement is the worst band of its independent evidence (audits,
  indicators, multi-agency audits, the schedule of returns, the LSCB's records). A self-assessment
  never makes an item green: alone it gives at most amber. Where sources fall in different bands
  the analysis says so in a sentence.
- **Headlines.** The weakest item is named only when it is lower than another; when every item
  ties, the headline says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from review.protection.units import THINGS
from review.stats.proportion_difference import DifferenceResult, newcombe_difference
from review.stats.sampling import ProportionResult, proportion_ci, sample_size

__all__ = [
    "BAND_LABELS",
    "BANDS",
    "Change",
    "Disagreement",
    "EvidenceLine",
    "Headline",
    "ItemJudgement",
    "RateJudgement",
    "Rates",
    "band_of",
    "classify_change",
    "NOT_PEOPLE_UNITS",
    "SELF_ASSESSED",
    "action_sentence",
    "judge_rate",
    "rag_counts",
    "rag_sentence",
    "triangulate",
    "weakest",
]

BANDS = ("red", "amber", "green")
"""Worst first."""

BAND_LABELS = {
    "red": "red (act: below the workbook's red threshold)",
    "amber": "amber (watch: between the workbook's thresholds)",
    "green": "green (at or above the workbook's green threshold)",
    "grey": "no judgement (no independent evidence)",
    "self-assessed": "self-assessed, not evidenced (no independent evidence; never counted as red, amber or green)",
}
"""How a band is named in reports: the workbook's thresholds, never an Ofsted grade."""

SELF = "self-assessment"
SELF_ASSESSED = "self-assessed"
"""The state of an item that only its own managers or agencies rated: shown apart, never a band."""

NOT_PEOPLE_UNITS = frozenset(THINGS)
"""Units of an evidence line that count no person and no case: agencies, organisations' ratings,
returns (documents), the LSCB's challenges to member agencies, areas an indicator measures, cycles: the
things :mod:`review.protection.units` declares. Every other unit (files, children, audits, staff,
people's ratings, a single post-holder's own performance, one not listed here) counts people
or cases, so a published report applies disclosure control to it (deny by default)."""


def band_of(value: float, *, green: float, red: float) -> str:
    """The band of a level.

    >>> band_of(0.8, green=0.8, red=0.65), band_of(0.649, green=0.8, red=0.65), band_of(0.7, green=0.8, red=0.65)
    ('green', 'red', 'amber')
    """
    return "green" if value >= green else ("red" if value < red else "amber")


@dataclass(frozen=True)
class RateJudgement:
    """A measured level with its band and how sure the band is.

    Attributes
    ----------
    result : ProportionResult
    band : str
    firm : bool
        The whole interval lies inside the band.
    possible : tuple of str
        Every band the interval reaches, worst first.
    audits_needed : int or None
        More audits that, at the current rate, would narrow the interval enough to settle the
        band; None when firm, or when the level sits on a threshold (no sample settles it), or
        when settling it would need more files than the cycle's frame holds.
    beyond_frame : bool
        Settling the band would need more audits than the quarter's frame could give (the
        finite population correction applied): the rate sits on the threshold and more audits
        will not settle it soon.
    """

    result: ProportionResult
    band: str
    firm: bool
    possible: tuple[str, ...]
    audits_needed: int | None
    beyond_frame: bool = False


def judge_rate(k: int, n: int, *, green: float, red: float, confidence_level: float,
               population: int | None = None, frame: int | None = None) -> RateJudgement | None:
    """Band, firmness and audits needed for ``k`` of ``n`` (None when ``n`` is 0).

    ``population`` is the frame a random sample was drawn from: the interval takes the finite
    population correction, and audits needed are capped by it. ``frame`` caps audits needed only
    (files not drawn at random from the frame, e.g. with themed audits among them, whose interval
    takes no correction, though more audits would still come from the frame); it defaults to
    ``population``.

    Examples
    --------
    28 of 40 is 70%: amber; its Wilson 95% interval (54.6% to 81.9%) reaches both thresholds, so
    it is uncertain; the nearer threshold is 65% (5 points away), and
    1.96^2 * 0.7 * 0.3 / 0.05^2 = 322.7, so 323 audits in all, 283 more.

    >>> j = judge_rate(28, 40, green=0.8, red=0.65, confidence_level=0.95)
    >>> j.band, j.firm, j.possible, j.audits_needed
    ('amber', False, ('red', 'amber', 'green'), 283)
    """
    if n == 0:
        return None
    result = proportion_ci(k, n, method="wilson", confidence_level=confidence_level,
                           population=population if population and population >= n else None)
    p, ci = result.statistic, result.confidence_interval
    band = band_of(p, green=green, red=red)
    possible = tuple(b for b in BANDS if b in {band_of(ci.low, green=green, red=red), band,
                                               band_of(min(ci.high, 1.0), green=green, red=red)})
    if "red" in possible and "green" in possible:
        possible = BANDS
    firm = possible == (band,)
    needed, beyond = None, False
    if not firm:
        crossed = [t for t in (red, green) if ci.low < t <= ci.high]
        distance = min(abs(p - t) for t in crossed) if crossed else 0.0
        corrected = population if population and population >= n else None  # the interval's correction
        cap = frame if frame is not None else population
        frame = cap if cap and cap >= n else None
        if distance > 0 and 0 < p < 1:
            total = sample_size(margin=distance, confidence_level=confidence_level, expected_proportion=p,
                                population=corrected)
            if frame is not None and total >= frame:
                beyond = True  # only a census of the frame would settle it
            else:
                needed = max(total - n, 1)
        elif frame is not None:
            beyond = True
    return RateJudgement(result, band, firm, possible, needed, beyond)


@dataclass(frozen=True)
class Change:
    """The change of a level since last cycle.

    Attributes
    ----------
    label : str
        ``improved``, ``worse``, ``no clear change`` or ``no comparison`` (nothing last cycle).
    difference : DifferenceResult or None
        This cycle minus last, with Newcombe's interval.
    before : tuple of int or None
        Last cycle's ``(k, n)``: a change printed with this cycle's level can give it back, so a
        published report shows the change only when last cycle's figure may be shown
        (:func:`review.protection.disclosure.withhold_change`).
    """

    label: str
    difference: DifferenceResult | None
    before: tuple[int, int] | None = None


def classify_change(k_now: int, n_now: int, k_before: int | None, n_before: int | None, *,
                    confidence_level: float) -> Change:
    """Improved or worse only when the interval for the difference excludes 0.

    Examples
    --------
    56/70 against 48/80 (Newcombe 1998, example a): 0.0524 to 0.3339 excludes 0.

    >>> classify_change(56, 70, 48, 80, confidence_level=0.95).label
    'improved'
    >>> classify_change(4, 5, 2, 5, confidence_level=0.95).label  # 80% vs 40% on five ratings each
    'no clear change'
    """
    if not n_now or not n_before or k_before is None:
        return Change("no comparison", None)
    d = newcombe_difference(k_now, n_now, k_before, n_before, confidence_level=confidence_level)
    before = (int(k_before), int(n_before))
    if d.confidence_interval.low > 0:
        return Change("improved", d, before)
    if d.confidence_interval.high < 0:
        return Change("worse", d, before)
    return Change("no clear change", d, before)


@dataclass(frozen=True)
class EvidenceLine:
    """One source of evidence on an item.

    Attributes
    ----------
    kind : str
        ``audit``, ``multi-agency audit``, ``indicator``, ``schedule``, ``LSCB records``,
        ``coverage`` or ``self-assessment``.
    source : str
        What it is, in words (the criterion's question, the indicator, the agency).
    k, n : int
        Level as k of n (n = 0: no evidence this cycle).
    unit : str
        What n counts: ``audits`` (audited files: "met in k of n audits"), ``files`` (children's files), ``children``, ``audits due``, ``staff``,
        ``ratings`` (by people), ``agencies``, ``agency ratings`` (by organisations), ``returns``,
        ``challenges``, ``areas``, ``cycles``.
    judgement : RateJudgement or None
    change : Change
    note : str
        A sentence that qualifies the line (e.g. "the chair is not independent").
    forced_band : str
        A band the evidence sets regardless of a rate ("red" when the LSCB has no independent chair).
    context : bool
        Shown beside the item with its level, never judged (the evidence map's ``context`` role):
        its band is ``grey`` and it takes no part in the item's judgement.
    """

    kind: str
    source: str
    k: int
    n: int
    unit: str
    judgement: RateJudgement | None
    change: Change
    note: str = ""
    forced_band: str = ""
    context: bool = False

    @property
    def band(self) -> str:
        """The line's band (``grey`` when it has no evidence, or is context: shown, never judged)."""
        if self.context:
            return "grey"
        if self.forced_band:
            return self.forced_band
        return self.judgement.band if self.judgement else "grey"

    @property
    def counts_children(self) -> bool:
        """Whether n counts children or their files (then disclosure control applies)."""
        return self.unit in ("files", "audits", "children")

    @property
    def counts_people(self) -> bool:
        """Whether n counts people or cases (children, files, audits, staff, people's ratings): then
        a published report withholds small numbers. False only for :data:`NOT_PEOPLE_UNITS`.

        >>> none = Change("no comparison", None)
        >>> EvidenceLine(SELF, "managers", 4, 5, "ratings", None, none).counts_people
        True
        >>> EvidenceLine(SELF, "agencies", 4, 5, "agency ratings", None, none).counts_people
        False
        """
        return self.unit not in NOT_PEOPLE_UNITS

    def change_sentence(self, item_id: str) -> str:
        """The line's change beyond chance as the results record it.

        >>> none = Change("worse", None)
        >>> EvidenceLine("audit", "plans", 28, 50, "files", None, none).change_sentence("J07")
        'J07 audit (plans): worse'
        """
        return f"{item_id} {self.kind} ({self.source}): {self.change.label}"


class Rates:
    """Builds evidence lines with their judgement and change (this cycle against the last).

    >>> line = Rates(confidence_level=0.95, green=0.8, red=0.65).line("audit", "plans", (28, 50), (30, 50), "files")
    >>> line.band, line.change.label
    ('red', 'no clear change')
    """

    def __init__(self, *, confidence_level: float, green: float, red: float) -> None:
        self.level, self.green, self.red = confidence_level, green, red

    def line(self, kind: str, source: str, now: tuple[int, int], before: tuple[int, int] | None, unit: str,
             *, census: bool = False, note: str = "", forced_band: str = "",
             population: int | None = None, frame: int | None = None) -> EvidenceLine:
        """One line: ``now`` and ``before`` are (k, n); ``population`` is the frame a random sample was
        drawn from (the finite population correction, and the cap on audits needed); ``frame`` caps
        audits needed only (:func:`judge_rate`)."""
        k, n = now
        judgement = judge_rate(k, n, green=self.green, red=self.red, confidence_level=self.level,
                               population=n if census else population, frame=frame) if n else None
        change = classify_change(k, n, before[0] if before else None, before[1] if before else None,
                                 confidence_level=self.level) if not census else Change("no comparison", None)
        return EvidenceLine(kind, source, k, n, unit, judgement, change, note, forced_band)


@dataclass(frozen=True)
class ItemJudgement:
    """A source item's judgement from its triangulated evidence.

    Attributes
    ----------
    band : str
        ``red``, ``amber``, ``green``, ``self-assessed`` (rated by its own managers or agencies only:
        not evidenced, never counted as a band) or ``grey`` (no evidence at all).
    firm : bool
        No independent line's interval reaches a worse band than ``band``.
    basis : str
        ``independent evidence``, ``self-assessment only`` or ``no evidence``.
    disagreements : tuple of Disagreement
        Each self-assessment against the deciding line, and the best independent line against it,
        when they fall in different bands.
    audits_needed : int or None
        For an uncertain judgement: the most audits any deciding line needs to settle.
    beyond_frame : bool
        Settling it would need more audits than the quarter's frame could give: the rate sits on
        the threshold and more audits will not settle it soon.
    """

    band: str
    firm: bool
    basis: str
    disagreements: tuple[Disagreement, ...]
    audits_needed: int | None
    beyond_frame: bool = False


def _percent(line: EvidenceLine) -> str | None:
    """The line's level as '56%' (None when it has no level of its own)."""
    if line.forced_band:
        return line.note
    return f"{100 * line.k / line.n:.0f}%" if line.n else None


@dataclass(frozen=True)
class Disagreement:
    """Two sources on one item that fall in different bands.

    Attributes
    ----------
    first, second : EvidenceLine
        ``second`` is the line the item's judgement follows (the worst independent line).
    """

    first: EvidenceLine
    second: EvidenceLine

    def sentence(self, level: Callable[[EvidenceLine], str | None] = _percent) -> str:
        """The disagreement in a sentence; ``level`` gives a line's level, or None when it is withheld.

        A withheld level (small numbers in a published report) is not shown, nor is its band.
        """
        order = {b: i for i, b in enumerate(BANDS)}
        parts = []
        for line in (self.first, self.second):
            shown = level(line)
            parts.append((f"the {line.kind} ({line.source})" + (f" {shown}" if shown else ""), shown is not None))
        if parts[0][1] and parts[1][1]:
            return (f"Sources disagree: {parts[0][0]} is {self.first.band} but {parts[1][0]} is "
                    f"{self.second.band}.")
        lower = order[self.second.band] < order[self.first.band]
        return (f"Sources disagree: {parts[0][0]} and {parts[1][0]} fall in different bands, the latter "
                f"{'lower' if lower else 'higher'} (figures withheld: small numbers).")


def triangulate(lines: Sequence[EvidenceLine]) -> ItemJudgement:
    """Combine an item's evidence: worst band of the independent lines; self-assessment alone is no band.

    Examples
    --------
    Managers all rate Good (5 of 5 Good or better: green on its own) but audits find 28 of 50
    (56%, red): the item is red, and the disagreement is stated.

    >>> from review.analyses.judgement import EvidenceLine, Change, judge_rate
    >>> none = Change("no comparison", None)
    >>> audit = EvidenceLine("audit", "plans", 28, 50, "files",
    ...                      judge_rate(28, 50, green=0.8, red=0.65, confidence_level=0.95), none)
    >>> rated = EvidenceLine("self-assessment", "managers", 5, 5, "ratings",
    ...                      judge_rate(5, 5, green=0.8, red=0.65, confidence_level=0.95), none)
    >>> j = triangulate([audit, rated])
    >>> j.band, j.basis, len(j.disagreements)
    ('red', 'independent evidence', 1)

    The managers' ratings alone: self-assessed, not evidenced (never green, amber or red).

    >>> triangulate([rated]).band
    'self-assessed'
    """
    independent = [ln for ln in lines if ln.kind != SELF and ln.band != "grey"]
    own = [ln for ln in lines if ln.kind == SELF and ln.band != "grey"]
    order = {b: i for i, b in enumerate(BANDS)}
    if independent:
        band = min((ln.band for ln in independent), key=order.__getitem__)
        worst_possible = min((ln.judgement.possible[0] if ln.judgement and not ln.forced_band else ln.band
                              for ln in independent), key=order.__getitem__)
        # firm: no line could be worse than the band, and some line at the band cannot be better
        firm = worst_possible == band and any(
            ln.forced_band or (ln.judgement is not None and ln.judgement.possible[-1] == band)
            for ln in independent if ln.band == band)
        basis = "independent evidence"
    elif own:
        return ItemJudgement(SELF_ASSESSED, False, "self-assessment only", (), None)
    else:
        return ItemJudgement("grey", False, "no evidence", (), None)
    needed = None if firm else _audits_to_settle(independent, band, order)
    beyond = not firm and needed is None and any(ln.judgement is not None and ln.judgement.beyond_frame
                                                 for ln in independent)
    found: list[Disagreement] = []
    if not independent:
        return ItemJudgement(band, firm, basis, (), None)
    worst = min(independent, key=lambda ln: order[ln.band])
    best = max(independent, key=lambda ln: order[ln.band])
    found += [Disagreement(ln, worst) for ln in own if ln.band != worst.band]
    if best.band != worst.band:
        found.append(Disagreement(best, worst))
    return ItemJudgement(band, firm, basis, tuple(found), needed, beyond)


def _audits_to_settle(lines: Sequence[EvidenceLine], band: str, order: dict[str, int]) -> int | None:
    """Audits that would settle an item: every line that could fall below the band settled, and one
    line at the band settled (the cheapest). Only audit lines (files) can be extended by auditing."""
    def need(ln: EvidenceLine) -> int | None:
        return ln.judgement.audits_needed if ln.judgement and ln.unit in ("files", "audits") else None

    at_band = [ln for ln in lines if ln.band == band]
    anchored = any(ln.forced_band or (ln.judgement and ln.judgement.possible[-1] == band) for ln in at_band)
    upward = 0 if anchored else min((n for ln in at_band if (n := need(ln))), default=None)
    below = [ln for ln in lines if ln.judgement and not ln.forced_band and order[ln.judgement.possible[0]] < order[band]]
    downward = [need(ln) for ln in below]
    if upward is None or any(n is None for n in downward):
        return None
    return max([upward, *(n for n in downward if n is not None)])


@dataclass(frozen=True)
class Headline:
    """The weakest item(s), honestly.

    Attributes
    ----------
    kind : str
        ``weakest``, ``tied`` (several items share the lowest value), ``all equal`` or ``none``.
    items : tuple of str
        The item ids at the lowest value (every item when all are equal).
    value : float
    """

    kind: str
    items: tuple[str, ...]
    value: float


def weakest(values: Sequence[tuple[str, float]]) -> Headline:
    """The item with the lowest value, or the tie.

    >>> weakest([("H1", 1.0), ("H2", 1.0)]).kind
    'all equal'
    >>> weakest([("H1", 0.5), ("H2", 0.5), ("H3", 0.9)]).items
    ('H1', 'H2')
    """
    known = [(i, v) for i, v in values if not math.isnan(v)]
    if not known:
        return Headline("none", (), float("nan"))
    low = min(v for _, v in known)
    at_low = tuple(i for i, v in known if v == low)
    if len(at_low) == len(known):
        return Headline("all equal" if len(known) > 1 else "weakest", at_low, low)
    return Headline("weakest" if len(at_low) == 1 else "tied", at_low, low)


def rag_sentence(counts: dict[str, int], *, withheld: int = 0) -> str:
    """Items per band in words; ``withheld`` of the grey ones are judgements withheld (small numbers).

    >>> rag_sentence({"red": 2, "amber": 1, "green": 0, "grey": 1})
    '2 red, 1 amber, 0 green, 1 without evidence'
    >>> rag_sentence({"red": 2, "amber": 1, "green": 0, "grey": 3}, withheld=2)
    '2 red, 1 amber, 0 green, 1 without evidence, 2 withheld (small numbers)'
    """
    grey = counts.get("grey", 0) - withheld
    own = counts.get(SELF_ASSESSED, 0)
    return (f"{counts['red']} red, {counts['amber']} amber, {counts['green']} green"
            + (f", {own} self-assessed, not evidenced" if own else "")
            + (f", {grey} without evidence" if grey else "")
            + (f", {withheld} withheld (small numbers)" if withheld else ""))


def action_sentence(item_id: str, judgement: ItemJudgement) -> str:
    """An item needing action as the results contract records it (``"J02: red on independent evidence"``)."""
    return f"{item_id}: {judgement.band} on {judgement.basis}"


def rag_counts(bands: Sequence[str]) -> dict[str, int]:
    """Counts of red, amber, green, grey and self-assessed items (every key present).

    >>> rag_counts(["red", "green", "red", "self-assessed"])
    {'red': 2, 'amber': 0, 'green': 1, 'grey': 0, 'self-assessed': 1}
    """
    return {b: sum(x == b for x in bands) for b in ("red", "amber", "green", "grey", SELF_ASSESSED)}
