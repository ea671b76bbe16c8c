"""Views shared by the judged frameworks: evidence lines, bands, uncertainty and change, formatted only."""

from __future__ import annotations

import html
from collections.abc import Sequence

from IPython.display import HTML

from review.analyses.judgement import SELF, EvidenceLine, ItemJudgement, action_sentence
from review.analyses.shown_bands import (
    NO_CHILDREN,
    SMALL_GROUP,
    WITHHELD,
    deciding_lines,
    line_policy,
    shown_band,
    small_group,
    withheld,
)
from review.protection.disclosure import DisclosurePolicy, withhold_change
from review.protection.disclosure_log import lines_log
from review.protection.units import counted, internal_only
from review.results.judgements import BANDS, needs_action
from review.views import presentation as show

__all__ = ["BAND_LABELS", "NO_CHILDREN", "SMALL_GROUP", "WITHHELD", "change_text", "deciding_lines", "disagreements",
           "evidence_rows", "judgement_text", "line_level", "line_policy", "rag_legend", "shown_band",
           "evidence_record", "shown_disagreements", "shown_record", "small_group", "uncertainty_text", "withheld"]


BAND_WORDS = {"red": "Red", "amber": "Amber", "green": "Green", "grey": "No judgement",
              "self-assessed": "Self-assessed, not evidenced"}
BAND_LABELS = {"red": "red band: act", "amber": "amber band: watch", "green": "green band: not an Ofsted grade",
               "grey": "no judgement", "self-assessed": "self-assessed, not evidenced: no band"}
"""Card labels: never a word an Ofsted grade uses."""


WITHHELD_DISAGREEMENTS = ("Where a source's figure is withheld (small numbers), whether it falls in another band "
                          "is stated in the internal report only.")


def rag_legend(green: float, red: float) -> HTML:
    """What the bands mean: the workbook's thresholds, not Ofsted grades."""
    return show.note(show.nocount(
        f"Red, amber and green are this workbook's own thresholds on a measured level, not Ofsted grades "
        f"(Outstanding, Good, Adequate, Inadequate): green means at least {show.pct(green, 0)}, red below "
        f"{show.pct(red, 0)}, amber between. A finding takes the worst band of its independent evidence; a "
        "self-assessment alone never makes it green (at most amber). A judgement is firm when every confidence "
        "interval (CI) that decides it lies inside one band; otherwise it is uncertain, and the report says how many more audits at the "
        "current rate would settle it. A change is called improved or worse only when Newcombe's interval for the "
        "difference excludes zero; otherwise it is 'no clear change'. A judgement is never withheld: in a published "
        "report one resting on a small group is shown, marked 'small group', with the figures it rests on as c."))


def line_level(line: EvidenceLine, policy: DisclosurePolicy) -> str:
    """'56.0% (34 of 61; 95% CI 43.6% to 67.7%)', the line's note, or a disclosure symbol.

    A line that counts things (challenges, agencies' ratings, returns, areas) is
    :class:`~review.protection.units.Counted` text in its declared unit.
    """
    if line.forced_band:
        return line.note
    if line.judgement is None:
        return ":"
    ci = line.judgement.result.confidence_interval
    unit = line.unit if line.unit == "audits" or not line.counts_children else ""  # "34 of 61 audits"
    census = ci.low == ci.high
    text = show.rate_text(line.k, line.n, line_policy(line, policy), interval=None if census else (ci.low, ci.high),
                          level=line.judgement.result.confidence_level, unit=unit)
    text += f"; {line.note}" if line.note else ""
    return text if line.counts_people else counted(text, line.unit)


def line_band(line: EvidenceLine, policy: DisclosurePolicy) -> str:
    """A line's band: 'Red', 'Red (small group)' where its figures are withheld, or ``c`` for a
    single post-holder's own figures in a published report (they are internal only; the item's
    judgement is still shown).

    A self-assessment whose figures are withheld (people's own ratings in a small group) shows its
    band as ``c (small group)``: a self-assessment never makes a judgement's band (alone it is
    "self-assessed, not evidenced"), and its band would narrow the withheld count (green on five
    area managers: 4 or 5 of them rated it 7 or more, two possible counts where ``c`` leaves six).
    An independent line's band may be the item's judgement, which is never withheld: it is shown,
    marked "small group" (:mod:`review.protection.disclosure`, "Bands on small groups").

    Examples
    --------
    >>> from review.analyses.judgement import Rates
    >>> rates = Rates(confidence_level=0.95, green=0.8, red=0.65)
    >>> pub = DisclosurePolicy()
    >>> line_band(rates.line("self-assessment", "managers rating it 7+", (4, 5), None, "ratings"), pub)
    'c (small group)'
    >>> line_band(rates.line("audit", "plans in time", (2, 4), None, "audits"), pub)
    'Red (small group)'
    """
    if line.context:
        return "context: not judged"
    if policy.suppress and internal_only(line.unit):
        return "c"
    if not withheld(line, policy):
        return BAND_WORDS[line.band]
    return f"c ({SMALL_GROUP})" if line.kind == SELF else f"{BAND_WORDS[line.band]} ({SMALL_GROUP})"


def change_text(line: EvidenceLine, policy: DisclosurePolicy) -> str:
    """'+5.2 points (-3.0 to +13.1): no clear change', the label alone when there is no difference,
    or ``c`` where the change could give back a withheld figure of either cycle
    (:func:`~review.protection.disclosure.withhold_change`)."""
    d = line.change.difference
    if d is None:
        return line.change.label
    if withheld(line, policy) or line_level(line, policy).split(";")[0] in ("c", ":", "z"):
        return "c"
    if withhold_change(line_policy(line, policy), (line.k, line.n), line.change.before):
        return "c"
    ci = d.confidence_interval
    return (f"{100 * d.statistic:+.1f} points ({100 * ci.low:+.1f} to {100 * ci.high:+.1f}): {line.change.label}")


def uncertainty_text(j: ItemJudgement, lines: Sequence[EvidenceLine] = (),
                     policy: DisclosurePolicy = NO_CHILDREN) -> str:
    """Firm, or uncertain with the audits that would settle it (a projection, not a count); for a
    judgement on a small group, that it rests on withheld figures (how sure it is would narrow them)."""
    if small_group(j, lines, policy):
        return "small group: the figures it rests on are withheld (c)"
    if j.band == "grey":
        return "no evidence"
    if j.basis == "self-assessment only":
        return "self-assessed, not evidenced (no independent evidence)"
    if j.firm:
        return "firm"
    if j.beyond_frame:
        return ("uncertain: the rate sits on the threshold; more audits than this quarter's files could give "
                "would be needed, so more audits will not settle it soon")
    if j.audits_needed:
        return show.nocount(f"uncertain: about {j.audits_needed:,} more audits at the current rate would settle it")
    return "uncertain: more evidence of the same kind is needed to settle it"


def judgement_text(j: ItemJudgement | None, band: str | None = None, *, small: bool = False) -> str:
    """'Red (independent evidence)', or 'Red (independent evidence; small group)'."""
    if j is None:
        return "not judged"
    band = band or j.band
    return f"{BAND_WORDS[band]} ({j.basis}{'; ' + SMALL_GROUP if small else ''})"


def shown_disagreements(j: ItemJudgement | None, policy: DisclosurePolicy) -> list:
    """The disagreements a report may state: none that involves a withheld line."""
    if j is None:
        return []
    return [d for d in j.disagreements if not (withheld(d.first, policy) or withheld(d.second, policy))]


def evidence_rows(label: str, lines: tuple[EvidenceLine, ...], j: ItemJudgement | None,
                  policy: DisclosurePolicy, shown: Sequence[EvidenceLine] | None = None) -> list[dict[str, str]]:
    """One row per evidence line under an item's label (its source's words quoted:
    :func:`review.views.presentation.source_item`); the judgement on the item's first row.

    ``shown``: the lines a published page shows in place of ``lines`` (small groups published at
    their next level up); the judgement and its "small group" mark are those of ``lines``."""
    rows = []
    band = shown_band(j, lines, policy)
    for i, line in enumerate((lines if shown is None else tuple(shown)) or (None,)):
        first = i == 0
        rows.append({
            "Item": (label if isinstance(label, show.Quoted) else show.nocount(label)) if first else "",
            # the line's label: the council's name for its evidence or the workbook's ("rating it 7 or more out of 10")
            "Evidence": "none in the data" if line is None else show.joined([f"{line.kind}:", show.nocount(line.source)], " "),
            "Level": "" if line is None else line_level(line, policy),
            "Band": "" if line is None else line_band(line, policy),
            "Since last quarter": "" if line is None else change_text(line, policy),
            "Judgement": judgement_text(j, band, small=small_group(j, lines, policy)) if first else "",
            "Uncertainty": (uncertainty_text(j, lines, policy) if j else "") if first else "",
        })
    return rows


def disagreements(items: list[tuple[str, ItemJudgement | None]], policy: DisclosurePolicy) -> HTML:
    """Every sentence where sources disagree, under the item's id (marked: an id, not a count).

    In a published report a disagreement that involves a withheld line is not stated (even "in
    another band" would narrow the hidden value); a fixed sentence says so.
    """
    def level(line: EvidenceLine) -> str | None:
        text = line_level(line, policy).split(";")[0]
        return None if text in ("c", "z", ":") else (text if line.forced_band else text.split(" (")[0])

    lines = [f"<li><strong {show.NOCOUNT}>{html.escape(i)}</strong>: {html.escape(d.sentence(level))}</li>"
             for i, j in items for d in shown_disagreements(j, policy)]
    after = show.note(WITHHELD_DISAGREEMENTS).data if policy.suppress else ""
    return HTML((f"<ul>{''.join(lines)}</ul>" if lines else "<p>No source disagrees with another this quarter.</p>")
                + after)


def log_rows(page: str, items: Sequence[tuple[str, Sequence[EvidenceLine], object]],
             policy: DisclosurePolicy) -> list[dict[str, str]]:
    """The page's withheld figures for the run's disclosure log: each evidence line's level and
    change, by the rules of :func:`review.protection.disclosure_log.rate_rows`."""
    return lines_log(page, [(item, ln) for item, lines, _ in items for ln in lines], policy)  # with its registry


def shown_record(items: Sequence[tuple[str, tuple[EvidenceLine, ...], ItemJudgement | None]],
                 policy: DisclosurePolicy) -> dict:
    """The results contract as a report publishes it: every judgement counts (one on a small group
    as any other), and no change is recorded on a withheld line.

    Returns
    -------
    dict
        ``rag_counts`` (red, amber, green, grey), ``small_group`` (how many judgements rest on a small
        group), ``needs_action`` (the red items: the one counting rule,
        :func:`review.results.judgements.needs_action`), ``changes`` and ``bands`` (item id to its shown
        band or state, for the key messages). No judgement is withheld, so none is counted as withheld.
    """
    bands = {i: shown_band(j, lines, policy) for i, lines, j in items if j is not None}
    counts = {b: sum(v == b for v in bands.values()) for b in BANDS}
    return {"rag_counts": counts,  # no count of withheld judgements: none is withheld (shown_band)
            "small_group": sum(small_group(j, lines, policy) for _, lines, j in items),
            "needs_action": [action_sentence(i, j) for i, _, j in items if j is not None and needs_action(bands[i])],
            "bands": bands,
            "changes": [ln.change_sentence(i) for i, lines, j in items if j is not None for ln in lines
                        if ln.change.label in ("improved", "worse") and change_text(ln, policy) != "c"]}


def evidence_record(lines: Sequence[EvidenceLine], policy: DisclosurePolicy) -> list[dict]:
    """An item's evidence lines for its results record, as the page shows them: a withheld line
    says so and carries no figure (the trends read an item's level from these).

    Examples
    --------
    >>> from review.analyses.judgement import Rates
    >>> rates = Rates(confidence_level=0.95, green=0.8, red=0.65)
    >>> lines = [rates.line("audit", "plan", (30, 40), None, "audits"), rates.line("audit", "seen", (2, 3), None, "audits")]
    >>> [sorted(r) for r in evidence_record(lines, DisclosurePolicy())]
    [['band', 'change', 'k', 'kind', 'n', 'source', 'unit'], ['kind', 'source', 'unit', 'withheld']]
    """
    return [{"kind": ln.kind, "source": ln.source, "unit": ln.unit}
            | ({"withheld": True} if withheld(ln, policy) else
               {"k": ln.k, "n": ln.n, "band": ln.band, "change": ln.change.label})
            for ln in lines]
