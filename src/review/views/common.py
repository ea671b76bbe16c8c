"""Views shared by several frameworks: criterion rates, grade tables, moderation, control charts."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import pandas as pd
from IPython.display import HTML

from review.analyses.audits import CriterionRate
from review.analyses.judgement import SELF, EvidenceLine, ItemJudgement, action_sentence
from review.protection.disclosure import DisclosurePolicy, suppress_table, withhold_change
from review.protection.disclosure_log import rate_rows
from review.protection.units import counted, internal_only
from review.views import presentation as show

__all__ = ["change_text", "counts_table", "criteria_table", "deciding_lines", "disagreements", "evidence_rows",
           "BAND_LABELS", "NO_CHILDREN", "SMALL_GROUP", "judgement_text", "line_level", "moderation_table", "rag_legend",
           "rate_cell", "shown_band", "shown_disagreements", "shown_record", "small_group", "uncertainty_text", "withheld"]


def rate_cell(rate: CriterionRate, policy: DisclosurePolicy) -> str:
    """'82.0% (41 of 50; 95% CI 68.6% to 90.2%)' or the disclosure symbol."""
    if rate.result is None:
        return ":"
    ci = rate.result.confidence_interval
    return show.rate_text(rate.k, rate.n, policy, interval=(ci.low, ci.high), level=rate.result.confidence_level)


def criteria_table(rates: Sequence[CriterionRate], policy: DisclosurePolicy, *, caption: str, uid: str,
                   previous: Sequence[CriterionRate] = ()) -> HTML:
    """One row per criterion: its question, this cycle's rate with n and interval, last cycle's rate."""
    before = {r.criterion: r for r in previous}
    rows = [{"Criterion": r.label, "This cycle": rate_cell(r, policy),
             "Last cycle": rate_cell(before[r.criterion], policy) if r.criterion in before else ":"} for r in rates]
    return show.table(pd.DataFrame(rows, columns=["Criterion", "This cycle", "Last cycle"]), caption=caption,
                      uid=uid, policy=policy)


def counts_table(counts: pd.DataFrame, policy: DisclosurePolicy, *, caption: str, uid: str) -> HTML:
    """A cross-table of counts with totals, suppressed for a published report."""
    return show.table(suppress_table(counts, policy), caption=caption, uid=uid, policy=policy, index=True, counts=True)


def moderation_table(agreements: Sequence, policy: DisclosurePolicy, *, uid: str) -> HTML:
    """Agreement per tier pair: n, exact and within-one agreement, generosity, kappa and AC, side by side."""
    rows = []
    for a in agreements:
        small = policy.is_small(a.n_pairs) or (policy.suppress and a.n_pairs < policy.min_group)
        diff = ("c" if small else f"{a.mean_difference:+.2f} ({a.difference_ci.low:+.2f} to {a.difference_ci.high:+.2f})"
                if not math.isnan(a.difference_ci.low) else f"{a.mean_difference:+.2f}")
        rows.append({
            "Audited by": a.auditor_tier,
            "Moderated by": a.moderator_tier,
            "Pairs": "c" if policy.is_small(a.n_pairs) else str(a.n_pairs),
            "Same grade": "c" if small else show.pct(a.exact_agreement),
            "Within one grade": "c" if small else show.pct(a.within_one),
            "Auditor more generous by (grades)": diff,
            "Weighted kappa": show.agreement_text(a.weighted_kappa, policy),
            a.ac.method: show.agreement_text(a.ac, policy),
        })
    frame = pd.DataFrame(rows)
    return show.table(frame, caption="Moderation: agreement between each tier and the tier that re-audited its files",
                      uid=uid, policy=policy, counts=True)


# --- Judgements (issue 12): evidence lines, bands, uncertainty and change, formatted only. ---

NO_CHILDREN = DisclosurePolicy(audience="internal")
"""For levels that count no person and no case (organisations' ratings, returns, challenges, areas):
nothing to suppress."""

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
        "self-assessment alone never makes it green (at most amber). A judgement is firm when every interval that "
        "decides it lies inside one band; otherwise it is uncertain, and the report says how many more audits at the "
        "current rate would settle it. A change is called improved or worse only when Newcombe's interval for the "
        "difference excludes zero; otherwise it is 'no clear change'. A judgement is never withheld: in a published "
        "report one resting on a small group is shown, marked 'small group', with the figures it rests on as c."))


def line_policy(line: EvidenceLine, policy: DisclosurePolicy) -> DisclosurePolicy:
    """The report's policy for a line that counts people or cases, else no suppression."""
    return policy if line.counts_people else NO_CHILDREN


def withheld(line: EvidenceLine, policy: DisclosurePolicy) -> bool:
    """Whether a published report withholds the line's level (and so its band and change).

    >>> from review.analyses.judgement import Change
    >>> none = Change("no comparison", None)
    >>> pub = DisclosurePolicy()
    >>> withheld(EvidenceLine("self-assessment", "managers", 4, 5, "ratings", None, none), pub)
    True
    >>> withheld(EvidenceLine("self-assessment", "agencies", 4, 5, "agency ratings", None, none), pub)
    False
    """
    if line.forced_band or not line.n:
        return False
    if internal_only(line.unit):
        return policy.suppress
    return line_policy(line, policy).withhold(line.k, of=line.n) is not None


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
    judgement is still shown)."""
    if line.context:
        return "context: not judged"
    if policy.suppress and internal_only(line.unit):
        return "c"
    return f"{BAND_WORDS[line.band]} ({SMALL_GROUP})" if withheld(line, policy) else BAND_WORDS[line.band]


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


def deciding_lines(j: ItemJudgement | None, lines: Sequence[EvidenceLine]) -> list[EvidenceLine]:
    """The lines a judgement follows: the independent ones, or the self-assessment when it stands alone."""
    if j is None:
        return []
    if j.basis == "self-assessment only":
        return [ln for ln in lines if ln.kind == SELF and ln.band != "grey"]
    return [ln for ln in lines if ln.kind != SELF and ln.band != "grey"]


def small_group(j: ItemJudgement | None, lines: Sequence[EvidenceLine], policy: DisclosurePolicy) -> bool:
    """Whether a judgement rests on a line whose figures a published report withholds (a small
    group): the judgement is still shown, marked "small group", with those figures as ``c``."""
    return j is not None and any(withheld(ln, policy) for ln in deciding_lines(j, lines))


def shown_band(j: ItemJudgement | None, lines: Sequence[EvidenceLine], policy: DisclosurePolicy) -> str | None:
    """The judgement's band as every report shows it: a judgement is never withheld (a board must
    see its reds); one resting on a small group is marked so (:func:`small_group`)."""
    return None if j is None else j.band


SMALL_GROUP = "small group"
"""The mark beside a band or judgement that rests on figures withheld as small numbers."""


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
    """One row per evidence line under an item's label; the judgement on the item's first row.

    ``shown``: the lines a published page shows in place of ``lines`` (small groups published at
    their next level up); the judgement and its "small group" mark are those of ``lines``."""
    rows = []
    band = shown_band(j, lines, policy)
    for i, line in enumerate((lines if shown is None else tuple(shown)) or (None,)):
        first = i == 0
        rows.append({
            "Item": show.nocount(label) if first else "",
            "Evidence": "none in the data" if line is None else f"{line.kind}: {line.source}",
            "Level": "" if line is None else line_level(line, policy),
            "Band": "" if line is None else line_band(line, policy),
            "Change since last cycle": "" if line is None else change_text(line, policy),
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
    return HTML((f"<ul>{''.join(lines)}</ul>" if lines else "<p>No source disagrees with another this cycle.</p>")
                + after)


def log_rows(page: str, items: Sequence[tuple[str, Sequence[EvidenceLine], object]],
             policy: DisclosurePolicy) -> list[dict[str, str]]:
    """The page's withheld figures for the run's disclosure log: each evidence line's level and
    change, by the rules of :func:`review.protection.disclosure_log.rate_rows`."""
    return [row for item, lines, _ in items for ln in lines if not ln.forced_band
            for row in rate_rows(page, f"{item} {ln.kind}: {ln.source}", ln.k, ln.n, ln.unit, ln.change.before, policy)]


def shown_record(items: Sequence[tuple[str, tuple[EvidenceLine, ...], ItemJudgement | None]],
                 policy: DisclosurePolicy) -> dict:
    """The results contract as a report publishes it: every judgement counts (one on a small group
    as any other), and no change is recorded on a withheld line.

    Returns
    -------
    dict
        ``rag_counts`` (red, amber, green, grey), ``withheld`` (0: no judgement is withheld),
        ``small_group`` (how many judgements rest on a small group), ``needs_action`` and ``changes``.
    """
    bands = {i: shown_band(j, lines, policy) for i, lines, j in items if j is not None}
    counts = {b: sum(v == b for v in bands.values()) for b in ("red", "amber", "green", "grey", "self-assessed")}
    return {"rag_counts": counts, "withheld": 0,
            "small_group": sum(small_group(j, lines, policy) for _, lines, j in items),
            "needs_action": [action_sentence(i, j) for i, _, j in items if j is not None and bands[i] == "red"],
            "changes": [ln.change_sentence(i) for i, lines, j in items if j is not None for ln in lines
                        if ln.change.label in ("improved", "worse") and change_text(ln, policy) != "c"]}
