"""Report sections of the GOSE performance management framework: they format a ``GoseResult``.

Every function receives the result and the disclosure policy and computes nothing. What a
published page prints is decided once for the page (:func:`review.analyses.gose_figures.decide`:
every count with its unit and links); a judgement is never withheld: one resting on figures the
page withholds is shown with its band, marked "small group".
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Sequence
from typing import Any

import pandas as pd
from IPython.display import HTML

from review.analyses import gose_figures as page_figures
from review.analyses.actions import ActionsResult
from review.analyses.gose import FRAMEWORK, MODERATED, AuditGroup, GoseResult, ItemResult, Measure
from review.analyses.gose_audits import BoundaryAgreement, CriterionCounts, TierResult
from review.analyses.judgement import BANDS, SELF, SELF_ASSESSED, EvidenceLine
from review.analyses.kappa_reading import KAPPA_RULE
from review.analyses.shown_bands import rests_on_hidden
from review.config.cycles import is_cycle, quarter_label
from review.config.framework_items import GOSE_PMF_TITLE
from review.config.glossary import TIER_NAMES
from review.config.thresholds import own_lines
from review.protection.disclosure import DisclosurePolicy, suppressed_rate
from review.protection.disclosure_log import with_log
from review.protection.identifiers import service_labels
from review.protection.linked import Decision
from review.protection.units import THINGS, counted
from review.results.figures import record as _record
from review.results.judgements import ACTION_KEY, RAG_KEY, needs_action
from review.views import common, learning
from review.views import presentation as show
from review.views.actions import history_figures
from review.views.common import (
    BAND_WORDS,
    SMALL_GROUP,
    line_level,
    shown_band,
    uncertainty_text,
    withheld,
)
from review.views.key_messages import rule_note

__all__ = ["audit_programme", "cp_lac", "criteria", "finance", "framework_items", "headlines", "indicator_charts",
           "indicators", "inspections", "iro", "measure_text", "period", "record", "shown_judgement", "small_group",
           "supervision", "workforce"]

_RAG = {"green": "Green", "amber": "Amber", "red": "Red", "grey": "No evidence",
        SELF_ASSESSED: "Self-assessed, not evidenced"}
_RAG_KEYS = ("red", "amber", "green", "grey", SELF_ASSESSED)


def _count(n: int, unit: str, pol: DisclosurePolicy) -> str:
    """A count of a value only the page's own rule protects (no link to another printed figure)."""
    return f"{n:,}" if unit in THINGS or not pol.is_small(n) else "c"


def _interval(est: Any) -> dict[str, Any]:
    """The interval of an estimate and its level, as keywords of ``show.rate_text``."""
    if est is None:
        return {}
    return {"interval": (est.confidence_interval.low, est.confidence_interval.high), "level": est.confidence_level}


def _rag(result: GoseResult, policy: DisclosurePolicy) -> dict[str, int]:
    """Items per band, as every report shows them (no judgement is withheld)."""
    shown = [shown_judgement(i, policy) for i in result.items]
    return {k: shown.count(k) for k in _RAG_KEYS}


def _decision(result: GoseResult, policy: DisclosurePolicy) -> Decision:
    return page_figures.decide(result, policy)


def measure_text(m: Measure, pol: DisclosurePolicy, decision: Decision | None = None, item: str = "") -> object:
    """One measure as text, as the page's :class:`~review.protection.linked.Decision` allows
    (without one, by the policy's own rule): a count of things is
    :class:`~review.protection.units.Counted` text in its unit; a value (money, FTE, days, a
    share) is :class:`~review.views.presentation.NoCount` text."""
    unit = page_figures.count_unit(m)
    shown = decision is None or page_figures.measure_shown(decision, item, m)
    if m.unit == MODERATED:
        if not shown:
            return f"{m.label}: c of c files moderated"
        return f"{m.label}: {_count(m.count or 0, 'audits', pol)} of {_count(m.of or 0, 'audits', pol)} files moderated"
    if unit in THINGS and m.count is not None:
        return counted(f"{m.label}: {m.count:,}" + (f" of {m.of:,}" if m.of is not None else ""), unit)
    if m.of is not None:
        text = show.rate_text(m.count or 0, m.of, pol, **_interval(m.estimate), unit=m.unit) if shown else "c"
        return f"{m.label}: {text}"
    if m.count is not None:
        return f"{m.label}: {_count(m.count, unit or '', pol) if shown else 'c'}"
    if m.value is None:
        return f"{m.label}: :"
    if not shown:  # a value linked to a withheld count (a turnover rate)
        return f"{m.label}: c"
    v = m.value
    text = {"share": lambda: show.pct(v), "FTE": lambda: f"{v:,.1f} FTE", "days": lambda: f"{v:,.1f} days",
            "£": lambda: ("+" if "ariance" in m.label and v > 0 else "") + show.currency(v)}.get(
                m.unit, lambda: f"{v:,.1f}")()
    return show.nocount(f"{m.label}: {text}")  # a value (money, FTE, days, a share), not a count


def _measures_text(measures: Sequence[Measure], pol: DisclosurePolicy, decision: Decision | None = None,
                   item: str = "") -> object:
    """Measures joined, each part keeping what it declares (a count of things in its unit, a value
    marked as no count, a count of people as the decision allows)."""
    return show.joined([measure_text(m, pol, decision, item) for m in measures])


def shown_judgement(item: ItemResult, policy: DisclosurePolicy) -> str:
    """The item's band as every report shows it: a judgement is never withheld
    (:func:`review.views.common.shown_band`); one resting on a small group is marked
    (:func:`small_group`)."""
    return shown_band(item.judgement, item.lines, policy) or "grey"


def _hidden(item: ItemResult, policy: DisclosurePolicy, decision: Decision | None) -> list[EvidenceLine]:
    """The item's lines whose level the page withholds: by their own rule, or as the page's
    decision withholds them to protect another figure."""
    return [ln for k, ln in enumerate(item.lines) if not _line_shown(item, k, policy, decision)]


def small_group(item: ItemResult, policy: DisclosurePolicy, decision: Decision | None = None) -> bool:
    """Whether the item's judgement rests on figures a published page withholds (a small group):
    it is shown all the same, marked so. The rule is every framework's
    (:func:`review.analyses.shown_bands.rests_on_hidden`): every line that sets the band is hidden,
    or a hidden line could fall in a worse band; a line is hidden when the disclosure rule withholds
    it or the page's decision does to protect another figure."""
    hidden = {id(ln) for ln in _hidden(item, policy, decision)}
    return rests_on_hidden(item.judgement, item.judged_lines, lambda ln: id(ln) in hidden)


def _line_shown(item: ItemResult, index: int, policy: DisclosurePolicy, decision: Decision | None) -> bool:
    line = item.lines[index]
    return not withheld(line, policy) and (decision is None or not line.n or not line.counts_people
                                           or bool(line.forced_band)
                                           or page_figures.line_shown(decision, item.item, index, line))


def _line_text(item: ItemResult, index: int, policy: DisclosurePolicy, decision: Decision | None = None) -> object:
    """'audit: <source>: 46 of 97 (...) [Red]'; where the page withholds the level, 'c [Red (small
    group)]': the band is always shown, but for a self-assessment's ('c [c (small group)]',
    :func:`review.views.common.line_band`). A line that counts no person or case, or whose level is a
    rule's note (days late, a share of budget), is :class:`~review.views.presentation.NoCount` text."""
    line = item.lines[index]
    shown = _line_shown(item, index, policy, decision)
    if line.context or line.kind.startswith("context"):
        band = "context, not judged"
    elif policy.suppress and common.internal_only(line.unit):
        band = "c"  # a single post-holder's own figures: no band (common.line_band); the item's judgement stands
    elif shown:
        band = BAND_WORDS[line.band]
    else:  # a withheld self-assessment's band decides no judgement and would narrow its count
        band = ("c" if line.kind == SELF else BAND_WORDS[line.band]) + f" ({SMALL_GROUP})"
    if line.n == 0:  # a rule's note (days late, a share of budget): no count
        return show.nocount(f"{line.kind}: {line.source}: {line_level(line, policy)} [{band}]")
    level = line_level(line, policy) if shown else "c"  # a count of things keeps its declared unit
    # the source's words (an indicator's "2 years") and the band are not counts
    return show.joined([show.nocount(f"{line.kind}: {line.source}: "), level, show.nocount(f" [{band}]")], "")


def _moved(item: ItemResult, policy: DisclosurePolicy, decision: Decision | None) -> list[EvidenceLine]:
    """The item's lines that moved beyond chance, whose level the page prints and whose change
    gives back no withheld figure of last cycle (:func:`review.views.common.change_text`)."""
    return [ln for k, ln in enumerate(item.lines) if ln in item.judged_lines
            and ln.change.label in ("improved", "worse") and _line_shown(item, k, policy, decision)
            and common.change_text(ln, policy) != "c"]


def _since(item: ItemResult, policy: DisclosurePolicy, decision: Decision | None = None) -> str:
    """The band's move since last cycle (always shown), and any line that moved beyond chance
    (only where the line's level is printed)."""
    text = item.change if item.previous is None else f"{item.change} (was {_RAG[item.previous].lower()})"
    tested = [f"{ln.source}: {ln.change.label}" for ln in _moved(item, policy, decision)]
    return text + (f"; beyond chance: {'; '.join(tested)}" if tested else "")


def period(result: GoseResult) -> HTML:
    """The quarter the report covers, as councils name it (the cycle id stays the file's name)."""
    return show.note(f"This report covers {result.period}. Tiers of the audit programme: "
                     + "; ".join(f"{name} ({tier})" for tier, name in TIER_NAMES.items()) + ".")


def _card_status(band: str) -> str:
    return band if band in ("red", "amber", "green") else "grey"


def headlines(result: GoseResult, policy: DisclosurePolicy) -> HTML:
    """The summary: items by judgement, the items needing action, the audit headline."""
    by_id = {i.item: i for i in result.items}
    rag = _rag(result, policy)
    cards: list[dict[str, Any]] = [{"title": show.nocount(f"{GOSE_PMF_TITLE}: {len(result.items)} items"), "status": "red" if rag["red"] else (
        "amber" if rag["amber"] else "green"),
        "value": show.nocount(", ".join(f"{n} {_RAG[k].lower()}" for k, n in rag.items() if n or k in BANDS)),  # items
        "detail": show.nocount(f"{result.period}.")}]  # months and a quarter
    a = result.audits
    d = _decision(result, policy)
    if a is not None and a.random_final is not None:
        f, first = a.random_final, a.random_first
        g03 = shown_judgement(by_id["G03"], policy)  # never withheld
        first_shown = first is not None and page_figures.rate_shown(d, page_figures.RANDOM_FIRST) and d.shown(
            page_figures.RANDOM_FINAL + "/n")  # the first grades' files are the final grades' (one figure)
        final = (show.rate_text(f.k, f.n, policy, **_interval(f)) if page_figures.rate_shown(d, page_figures.RANDOM_FINAL)
                 else "c")
        cards.append({"title": "Randomly sampled case files Good or better (final grades: a moderator's prevails)",
                      "status": _card_status(g03),
                      "value": final if final != "c" else f"c ({BAND_WORDS[g03]}, {SMALL_GROUP})",
                      "detail": (f"First auditors' grades gave "
                                 f"{show.rate_text(first.k, first.n, policy) if first_shown else 'c'}"
                                 "; the " if first is not None else "The ") + "interval "
                                f"allows for the sample being drawn from "
                                f"{d.text(page_figures.FRAME, f'{a.frame_size:,}')} open cases. Themed audits are "
                                "reported apart."})
    for key in (k for k in result.needs_action if needs_action(by_id[k].band)):  # every one: none left out
        i = by_id[key]
        deciding = [k for k, ln in enumerate(i.lines) if ln in i.judged_lines and ln.band == i.band]
        cards.append({"title": show.source_item(i.item, i.text, sep=": "), "status": _card_status(i.band),
                      "value": _line_text(i, deciding[0], policy, d) if deciding else f"return {i.delivery}",
                      "detail": show.nocount(dict(result.actions)[key])})  # a fixed action or the evidence's name
    return HTML(show.headline_cards(cards, cycle=result.cycle, audience=policy.audience).data
                + rule_note().data)  # the one counting rule, stated


def _returns_text(i: ItemResult) -> str:
    if i.returns:
        return show.nocount("; ".join(f"{r.title}: due {r.due}, " + (f"delivered {r.delivered}" if r.delivered else
                                                                      "not delivered")
                                      + f" ({r.status}{f', {r.days_late} days' if r.status == 'late' else ''})"
                                      for r in i.returns))  # dates and days late
    if i.last_delivered is not None:
        r = i.last_delivered
        return show.nocount(f"None due this quarter; last: {r.title}, due {r.due} ({r.status})")
    return "None due this quarter"


def framework_items(result: GoseResult, policy: DisclosurePolicy) -> HTML:
    """Every item of the framework in the source's order and words: frequency, returns, the evidence
    lines it is judged on (context lines marked), its figures, judgement, uncertainty and change;
    below, the items judged against lines of their own (the ``thresholds_file``), with their source."""
    rows = []
    d = _decision(result, policy)
    for i in result.items:
        parts = [_line_text(i, k, policy, d) for k, ln in enumerate(i.lines) if ln.kind != "context: return"]
        if i.measures:
            parts.append(_measures_text(i.measures, policy, d, i.item))
        shown = shown_judgement(i, policy)
        small = small_group(i, policy, d)
        rows.append({"Item": show.source_item(i.item, i.text), "Frequency": ", ".join(i.frequency) if i.frequency else
                     "not stated", "Due this quarter": _returns_text(i), "Delivery": i.delivery + (
                         f" (optional: '{i.condition}')" if i.condition else ""),
                     "Evidence": show.joined(parts) if parts else "No evidence this quarter",
                     "Judgement": _RAG[shown] + (f" ({SMALL_GROUP})" if small else ""),
                     "Uncertainty": "small group: the figures it rests on are withheld (c)" if small else
                     uncertainty_text(i.judgement, i.lines, policy),
                     "Since last quarter": _since(i, policy, d)})
    table = show.table(pd.DataFrame(rows), caption=f"{GOSE_PMF_TITLE}: every item, {result.period}",
                       uid="gose_items", policy=policy)
    own = own_lines((i.item, i.threshold) for i in result.items)
    if not own:
        return table
    listed = "".join(f"<li>{html.escape(line)}</li>" for line in own)  # item ids, lines and their source
    return HTML(table.data + f"<p {show.NOCOUNT}>Items judged against lines of their own:</p>"
                f"<ul {show.NOCOUNT}>{listed}</ul>")


def audit_programme(result: GoseResult, policy: DisclosurePolicy) -> HTML:
    """Quota against audits done per tier and for all tiers, first against final grades, themed
    audits apart, moderation. A published page shows the senior tiers together where one of them
    is too small, and withholds what the page's decision withholds
    (:mod:`review.analyses.gose_figures`). Then what the audits tell us
    (:func:`review.views.learning.section`)."""
    a = result.audits
    if a is None:
        return HTML(show.note("No case-file audits this quarter.").data + learning.section(result.learning, policy).data)
    d = _decision(result, policy)
    tiers = page_figures.published_tiers(result, policy)
    total = page_figures.all_tiers(tiers)

    def count(t: TierResult, column: str) -> str:
        return d.text(page_figures.tier_key(t.tier, column), f"{getattr(t, column):,}")

    def rate(t: TierResult, column: str) -> str:
        if not (d.shown(page_figures.tier_key(t.tier, column)) and d.shown(page_figures.tier_key(t.tier, "done"))):
            return "c"
        return show.rate_text(getattr(t, column), t.done, policy)

    rows = [{"Tier": t.name if t.tier == page_figures.ALL else f"{t.name} ({t.tier})",
             "Auditors": count(t, "auditors"), "Quota": count(t, "planned"), "Done": count(t, "done"),
             "Good or better, first grade": rate(t, "first_good"), "Good or better, final grade": rate(t, "final_good"),
             "Grade changed by moderation": count(t, "changed") if t.done else "z"}
            | ({} if policy.suppress else {"Who is below quota (pseudonym)": ", ".join(t.below_quota)})
            for t in (*tiers, total)]
    parts = [show.table(pd.DataFrame(rows), caption="Case-file audit programme by tier", uid="gose_tiers", policy=policy)]
    if a.themed:
        parts.append(show.note("Themed audits (chosen for their theme, so kept out of the random-sample rate): "
                               + "; ".join(f"{t}: " + (show.rate_text(k, n, policy)
                                                        if page_figures.rate_shown(d, page_figures.themed_key(t))
                                                        else "c")
                                           + " Good or better on final grades" for t, k, n in a.themed) + "."))
    m = a.moderation
    if m is not None:
        if policy.is_small(m.n_pairs) or (policy.suppress and m.n_pairs < policy.min_group):
            parts.append(show.note("Too few moderated files to publish agreement."))
        else:
            kappa = f"{m.kappa.statistic:.2f}" if m.kappa and not math.isnan(m.kappa.statistic) else ":"
            bk = m.boundary_kappa
            bkappa = f"{bk.statistic:.2f}" if bk and not math.isnan(bk.statistic) else ":"
            parts.append(show.table(pd.DataFrame([
                {"Measure": "Same grade (overall)", "Value": show.pct(m.exact), "Kappa (unweighted)": kappa},
                {"Measure": "Same side of Adequate/Inadequate", "Value": show.pct(m.boundary_agreement),
                 "Kappa (unweighted)": bkappa},
                {"Measure": "Moderator found Inadequate a file the auditor passed",
                 "Value": d.text(page_figures.moderation_key("lowered"), f"{m.lowered_below:,}"),
                 "Kappa (unweighted)": ""},
                {"Measure": "Moderator passed a file the auditor found Inadequate",
                 "Value": d.text(page_figures.moderation_key("raised"), f"{m.raised_above:,}"),
                 "Kappa (unweighted)": ""},
            ]), caption="Moderation of case-file audits: "
                f"{d.text(page_figures.moderation_key('pairs'), f'{m.n_pairs:,}')} pairs of auditor and moderator",
                uid="gose_boundary", policy=policy))
            parts.append(_kappa_words(m))
    parts.append(learning.section(result.learning, policy))  # what the audits tell us, in words
    return HTML("".join(p.data for p in parts))


def _kappa_words(m: BoundaryAgreement) -> HTML:
    """The moderation kappas read in plain words (shares of pairs and coefficients, no count), and the
    declared rule they are read by (:data:`review.analyses.kappa_reading.KAPPA_RULE`)."""
    said = [f"<li>Overall grade: {html.escape(m.reading.sentence)}</li>" if m.reading else "",
            f"<li>Adequate/Inadequate line: {html.escape(m.boundary_reading.sentence)}</li>"
            if m.boundary_reading else ""]
    if not any(said):
        return HTML("")
    return HTML(f"<ul {show.NOCOUNT}>{''.join(said)}</ul>" + show.note(show.nocount(KAPPA_RULE)).data)


def _criteria_table(result: GoseResult, table: str, policy: DisclosurePolicy, *, caption: str) -> HTML:
    """A table of audit criteria (``table`` one of :func:`~review.analyses.gose_figures.criteria_tables`),
    as the page's decision allows: each criterion's "met" (Yes of Yes and No) and its n/a."""
    counts = page_figures.criteria_tables(result).get(table, ())
    if not counts:
        return show.note(f"{caption}: no audits this quarter.")
    d = _decision(result, policy)

    def met(c: CriterionCounts) -> str:
        if not d.shown(page_figures.criterion_key(table, c.label, "met")):
            return "c"
        return show.rate_text(c.yes, c.yes + c.no, policy, **_interval(c.rate))

    rows = [{"Criterion": c.label, "Met (audits where it applied)": met(c),
             "Not applicable (n/a)": d.text(page_figures.criterion_key(table, c.label, "n/a"), f"{c.not_applicable:,}")}
            for c in counts]
    return show.table(pd.DataFrame(rows), caption=caption, uid=table, policy=policy)


def criteria(result: GoseResult, policy: DisclosurePolicy) -> HTML:
    """Case-file criteria on each file's final answers, with files where a criterion did not apply shown as n/a."""
    a = result.audits
    d = _decision(result, policy)
    audits = (d.text(page_figures.tier_key(page_figures.ALL, "done"), f"{sum(t.done for t in a.tiers):,}")
              if a and a.tiers else "0")
    return _criteria_table(result, page_figures.CASE_FILES, policy,
                           caption=f"Case-file audit criteria: answers from {audits} audits, final answers (a "
                                   "moderator's prevail; n/a: the criterion did not apply to the case)")


def _group(result: GoseResult, g: AuditGroup, policy: DisclosurePolicy) -> str:
    """One audit type's criteria, with its audits, its moderated files and the line the item is judged on."""
    if not g.audits:
        return show.note(f"{g.label}: no audits this quarter.").data
    d = _decision(result, policy)
    table = page_figures.group_table(g)
    audits = d.text(page_figures.audits_key(table), f"{g.audits:,}")
    moderated = d.text(page_figures.moderated_key(g), f"{g.moderated:,}")
    caption = (f"{g.label} ({g.item}): answers from {audits} audits; final grades: {moderated} of {audits} files "
               "moderated (a moderator's answers prevail)")
    html = _criteria_table(result, table, policy, caption=caption).data
    if g.line is not None:
        item = next(i for i in result.items if i.item == g.item)
        index = next(k for k, ln in enumerate(item.lines) if ln is g.line or ln == g.line)
        shown = _line_shown(item, index, policy, d)
        level = line_level(g.line, policy) if shown else f"c [{BAND_WORDS[g.line.band]} ({SMALL_GROUP})]"
        html += show.note(f"Judged on the share of audits meeting every criterion that applied to them (the audit "
                          f"is the unit): {level}.").data
    p = g.pooled
    if p is not None:
        key = page_figures.audits_key(table) if p.n_audits == g.audits else page_figures.pooled_key(table)
        small = not d.shown(key) or (policy.suppress and p.n_audits < policy.min_group)
        ci = p.confidence_interval
        interval = "" if math.isnan(ci.low) else (f" ({100 * p.confidence_level:g}% CI {show.pct(ci.low)} to "
                                                   f"{show.pct(ci.high)}, the audit as the cluster)")
        html += show.note("Criteria met, all answers together: " + (
            "c (too few audits to publish)" if small else
            f"{show.pct(p.statistic)} of applicable answers from {p.n_audits:,} audits{interval}") + ".").data
    return html


def supervision(result: GoseResult, policy: DisclosurePolicy) -> HTML:
    """The supervision file audit programme (G04): each of the council's supervision audit types."""
    groups = [g for g in result.groups if g.item == "G04"]
    if not groups:
        return show.note("No supervision audit type is declared in the evidence folder.")
    return HTML("".join(_group(result, g, policy) for g in groups))


def iro(result: GoseResult, policy: DisclosurePolicy) -> HTML:
    """Independent chairs' audits (G05): child protection conferences and looked-after children's reviews apart."""
    groups = [g for g in result.groups if g.item == "G05"]
    if not groups:
        return show.note("No audit type of child protection conferences or looked-after reviews is declared in the "
                         "evidence folder.")
    return HTML("".join(_group(result, g, policy) for g in groups))


def indicators(result: GoseResult, policy: DisclosurePolicy) -> HTML:
    """NI 59-68: the in-quarter rate, the financial year to date, target, neighbours and direction (the
    quarter and the year to date as the page's decision allows: last cycle's page printed its year
    to date, and this quarter is the difference). Each indicator's band is shown, marked "small
    group" where its quarter is withheld."""
    t = result.indicators
    if t.empty:
        return show.note("No national indicator returns this quarter.")
    d = _decision(result, policy)

    def quarter_shown(r: Any) -> bool:  # a row of the indicators table
        return d.shown(page_figures.indicator_key(r.indicator, "quarter"))

    rows = [{"Indicator": r.label, "Direction": r.direction,
             "This quarter": d.text(page_figures.indicator_key(r.indicator, "quarter"),
                                    show.rate_text(r.numerator, r.denominator, policy, interval=(r.ci_low, r.ci_high),
                                                   level=result.confidence_level)),
             "Year to date": "z" if r.ytd_denominator is None or pd.isna(r.ytd_denominator) else
             d.text(page_figures.indicator_key(r.indicator, "year to date"),
                    show.rate_text(int(r.ytd_numerator), int(r.ytd_denominator), policy)),
             "Last quarter": ":" if r.previous_denominator is None or pd.isna(r.previous_denominator) else
             d.text(page_figures.indicator_key(r.indicator, "last quarter"),
                    show.rate_text(int(r.previous_numerator), int(r.previous_denominator), policy)),
             "Target": show.pct(r.target) if pd.notna(r.target) else ":",
             "Meets target": "c" if not quarter_shown(r) else {True: "yes", False: "no"}.get(r.meets_target, "z"),
             "Band (against its own target)": BAND_WORDS.get(r.band, r.band) + (
                 f" ({SMALL_GROUP})" if not quarter_shown(r) and r.band in BAND_WORDS else ""),
             "Neighbours": show.pct(r.neighbour_average) if pd.notna(r.neighbour_average) else ":",
             "Compared with neighbours": "c" if not quarter_shown(r) else (r.vs_neighbours or ":")}
            for r in t.itertuples()]
    return show.table(pd.DataFrame(rows), caption=f"National indicators, {result.period}: in-quarter counts; year to "
                      "date from April (z: a count at the quarter's end, which does not add up over a year)",
                      uid="gose_indicators", policy=policy, nocount=["Indicator"])  # indicator names


def _quarter(label: str) -> str:
    """A chart point's quarter as councils write it on an axis (``Q3 2009/10``); any other label as it is.

    >>> _quarter("2009-Q4"), _quarter("baseline")
    ('Q3 2009/10', 'baseline')
    """
    return quarter_label(label) if is_cycle(label) else label


def indicator_charts(result: GoseResult, policy: DisclosurePolicy) -> HTML:
    """P charts titled with the same indicator labels as the table; limits restart at declared changes.

    A chart with any quarter too small to publish is left out of a published report (its points
    would show the small counts).
    """
    charts = [c for c in result.charts if not any(suppressed_rate(k, n, policy) for k, n in c[3])]
    left_out = [c[1] for c in result.charts if c not in charts]
    if not charts:
        return show.note("Too few quarters for control charts.")
    ncols = 2
    nrows = math.ceil(len(charts) / ncols)
    fig = show.new_figure(figsize=(5.4 * ncols, 3.0 * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    lines = []
    for ax, (_, label, c, _) in zip(axes.flat, charts, strict=False):
        pts = c.points
        x = list(range(len(pts)))
        ax.plot(x, pts["value"] * 100, marker="o", color="#333333", lw=1)
        ax.step(x, pts["centre"] * 100, where="mid", color="#1f5fa8", lw=1)
        ax.step(x, pts["upper"] * 100, where="mid", color="#999999", lw=1, ls="--")
        ax.step(x, pts["lower"] * 100, where="mid", color="#999999", lw=1, ls="--")
        for cp in c.change_points:
            ax.axvline(pts["label"].tolist().index(cp) - 0.5, color="#a35f00", lw=1, ls=":")
        for i, sig in enumerate(pts["signal"]):
            if sig:  # shape as well as colour: triangle up improvement, down concern, square other
                shape, colour = show.SIGNAL_MARKS.get(sig, ("s", "#a35f00"))
                ax.plot(i, pts["value"].iloc[i] * 100, shape, ms=8, color=colour)
        ax.set_title("\n".join(textwrap.wrap(label + (" (trial limits)" if c.trial else ""), 58)), fontsize=8)
        ax.set_xticks(x[::2], [_quarter(q) for q in pts["label"].iloc[::2]], rotation=45, fontsize=7)
        ax.set_ylabel("%", fontsize=8)
        flagged = c.signals
        lines.append({  # indicator names, quarters and rule numbers are not counts
            "Indicator": show.nocount(label), "Latest": show.pct(pts["value"].iloc[-1]), "Centre line": show.pct(c.centre),
            "Limits restart at": show.nocount(", ".join(map(_quarter, c.change_points)) or "none"),
            "Signals": show.nocount("; ".join(f"{_quarter(r.label)} {r.signal} ({r.rules})"
                                              for r in flagged.itertuples()) or "none")})
    for ax in list(axes.flat)[len(charts):]:
        ax.axis("off")
    signalled = sum(row["Signals"] != "none" for row in lines)
    figure = show.figure(fig, alt=show.nocount(f"Control charts of {len(charts)} national indicators by quarter; "
                                               f"{signalled} show a signal. Each chart's latest value, centre line and "
                                               "signals are in the table below."),  # indicators, not people
                         caption="Control charts (P charts): dashed lines are the process limits, which restart at a "
                                 "declared change (dotted line); signals are marked by shape and colour (triangle up, "
                                 "green: improvement; triangle down, red: concern; square: other).",
                         data=pd.DataFrame(lines), uid="gose_chart_data")
    if left_out:
        figure = HTML(figure.data + show.note(show.nocount("Not charted, because some quarters are too small to "
                                                           "publish: " + "; ".join(left_out) + ".")).data)  # names
    return figure


def cp_lac(result: GoseResult, policy: DisclosurePolicy) -> HTML:
    """Children on a plan and looked after: counts, rates per 10,000 under-18s, starts, ends, categories
    (as the page's decision allows: a category's count is linked to the plans started)."""
    t = result.numbers
    if t.empty:
        return show.note("No child protection or looked-after numbers this quarter.")
    d = _decision(result, policy)
    names = {"CP": "Children on a child protection plan (CP)", "LAC": "Looked-after children (LAC)"}

    def n(group: str, column: str, value: int) -> str:
        return d.text(f"gose/numbers/{group}/{column}", f"{value:,}")

    rows = [{"Group": names[r.group], "At the end of the quarter": n(r.group, "at_end", r.at_end),
             "Rate per 10,000 under-18s": d.text(f"gose/numbers/{r.group}/rate", f"{r.rate_per_10000:.1f}")
             if d.shown(f"gose/numbers/{r.group}/at_end") else "c",
             "Statistical neighbours": f"{r.neighbour_rate:.1f}" if r.neighbour_rate is not None and
             pd.notna(r.neighbour_rate) else ":",
             "England": f"{r.england_rate:.1f}" if r.england_rate is not None and pd.notna(r.england_rate) else ":",
             "Started": n(r.group, "starts", r.starts), "Ended": n(r.group, "ends", r.ends)} for r in t.itertuples()]
    parts = [show.table(pd.DataFrame(rows), caption=f"Child protection and looked-after numbers, {result.period}",
                        uid="gose_cp_lac", policy=policy, counts=True)]
    c = result.categories
    if not c.empty:
        total = int(c["plans_started"].sum())
        shown = {r.category: d.shown(f"gose/categories/{r.category}") for r in c.itertuples()}
        parts.append(show.table(pd.DataFrame([{"Category of abuse": r.category,
                                               "Plans started": f"{int(r.plans_started):,}" if shown[r.category]
                                               else "c",
                                               "Share": show.rate_text(int(r.plans_started), total, policy)
                                               if shown[r.category] else "c"}
                                              for r in c.itertuples()]),
                                caption="Child protection plans started, by category of abuse", uid="gose_categories",
                                policy=policy, counts=True))
    return HTML("".join(p.data for p in parts))


def workforce(result: GoseResult, policy: DisclosurePolicy) -> HTML:
    """Recruitment, retention and sickness per service and for all teams (a team's starters, leavers
    and turnover as the page's decision allows: turnover times FTE in post gives leavers)."""
    t = result.workforce
    if t.empty:
        return show.note("No workforce return this quarter.")
    d = _decision(result, policy)

    def row(name: str, est: float, vac: float, agency: float, starters: int, leavers: int, turnover: float,
            sickness: float) -> dict:
        return {"Service": name, "Establishment (FTE)": f"{est:.1f}", "Vacancy rate": show.pct(vac),
                "Agency cover": show.pct(agency),
                "Starters": d.text(page_figures.workforce_key(name, "starters"), f"{starters:,}"),
                "Leavers": d.text(page_figures.workforce_key(name, "leavers"), f"{leavers:,}"),
                "Turnover": d.text(page_figures.workforce_key(name, "turnover"), show.pct(turnover)),
                "Sickness days per FTE": f"{sickness:.1f}"}

    rows = [row(r.service, r.establishment_fte, r.vacancy_rate, r.agency_share, int(r.starters), int(r.leavers),
                r.turnover, r.sickness_per_fte) for r in t.itertuples()]
    est, post = t["establishment_fte"].sum(), t["in_post_fte"].sum()
    rows.append(row("All teams", est, t["vacancies_fte"].sum() / est, t["agency_fte"].sum() / est,
                    int(t["starters"].sum()), int(t["leavers"].sum()), t["leavers"].sum() / post,
                    t["sickness_days"].sum() / post))
    return show.table(pd.DataFrame(rows), caption=f"Recruitment, retention and sickness, {result.period}",
                      uid="gose_workforce", policy=policy)


def finance(result: GoseResult) -> HTML:
    """Expenditure by budget line: the quarter, the financial year to date and the forecast outturn."""
    t = result.finance
    if t.empty:
        return show.note("No expenditure return this quarter.")
    money = show.currency
    signed = lambda v: ("+" if v > 0 else "") + show.currency(v)  # noqa: E731 - overspend shown with its sign
    frame = pd.DataFrame({"Budget line": t["budget_line"], "Budget (quarter)": t["budget"].map(money),
                          "Actual (quarter)": t["actual"].map(money), "Variance (quarter)": t["variance"].map(signed),
                          "Budget (year to date)": t["ytd_budget"].map(money),
                          "Actual (year to date)": t["ytd_actual"].map(money),
                          "Variance (year to date)": t["ytd_variance"].map(signed),
                          "Forecast outturn": t["forecast_outturn"].map(money)})
    return show.table(frame, caption=f"Social care expenditure, {result.period} (year to date from April; forecast "
                      "as at the quarter's last month; positive variance is overspend)", uid="gose_finance")


def inspections(result: GoseResult, policy: DisclosurePolicy) -> HTML:
    """Latest inspection of each regulated service, and whether the next is overdue. A published
    page names a service by its type and Ofsted URN, or a label the council declares public
    (:func:`review.protection.identifiers.service_labels`), never by its own name."""
    t = result.inspections
    if t.empty:
        return show.note("No inspections of regulated services recorded.")
    if policy.suppress:  # numbered in the order of their inspections, not of their names
        t = t.sort_values(["inspection_date", "service_type"], kind="stable").reset_index(drop=True)
    labels = service_labels(t["service_name"].tolist(), t["service_type"].tolist(),
                            urns=t["urn"].tolist() if "urn" in t else None,
                            public=t["public_label"].tolist() if "public_label" in t else None,
                            published=policy.suppress)
    frame = pd.DataFrame({"Service": labels, "Type": t["service_type"],
                          "Last inspection": t["inspection_date"].map(str), "Grade": t["grade"],
                          "Next due": t["next_due"].map(str), "Next inspection overdue (the regulator's timetable)": t["overdue"].map({True: "yes", False: "no"})})
    return show.table(frame, caption="Inspections of regulated services", uid="gose_inspections", policy=policy,
                      nocount=["Service", "Last inspection", "Next due"])  # a type and its number, dates


def record(result: GoseResult, policy: DisclosurePolicy, plan: ActionsResult | None = None) -> object:
    """The results JSON: RAG counts, items needing action, and each item's judgement (no counts of
    children). No judgement is withheld: the counts and the items needing action are the internal
    report's; an item resting on a small group says so. Changes beyond chance are listed only for
    lines whose level the page prints. The page's disclosure log travels with it. With the report's
    action plan, its ``red_history`` too (:func:`review.views.actions.history_figures`), which the
    run's cycle summary reads instead of judging GOSE again for every quarter."""

    by_id = {i.item: i for i in result.items}
    d = _decision(result, policy)
    rag = _rag(result, policy)
    shown = {i.item: shown_judgement(i, policy) for i in result.items}
    small = {i.item: small_group(i, policy, d) for i in result.items}
    needs = [k for k in result.needs_action if needs_action(shown[k])]  # the one counting rule: red items
    # items by judgement: no count of people or cases (the items needing action are listed once, as ACTION_KEY)
    headlines = [show.nocount("GOSE framework items: " + ", ".join(f"{n} {_RAG[k].lower()}" for k, n in rag.items()))]
    a = result.audits
    figures = {
        "period": result.period,
        "rag": rag,
        # the results contract the cycle summary and index read (review.results.judgements): items
        # without evidence count as grey, self-assessed items as self-assessed (in no band); none is withheld
        RAG_KEY: {b: rag[b] for b in _RAG_KEYS},
        ACTION_KEY: [f"{k}: {shown[k]}: {by_id[k].text}" for k in needs],
        "bands": shown,  # item id to its band or state, for the key messages
        "thresholds": {"green": result.green, "red": result.red},  # what the action plan judges its red items on
        "actions": [f"{k}: {v}" for k, v in result.actions if k in needs],
        # changes beyond chance only (Newcombe's interval excludes zero), never a line whose level is withheld
        "changes": [ln.change_sentence(i.item) for i in result.items for ln in _moved(i, policy, d)],
        "band_changes": [f"{i}: {c} ({p} to {b})" for i, p, b, c in result.band_changes],
        "small_group": sum(small.values()),
        "items": [{"item": i.item, "text": i.text, "frequency": list(i.frequency or ()), "delivery": i.delivery,
                   "judgement": shown[i.item], "small_group": small[i.item],
                   "firm": i.judgement.firm and not small[i.item], "change": i.change} for i in result.items],
    }
    figures |= history_figures(plan, FRAMEWORK)
    f = a.random_final if a is not None else None
    if f is not None and page_figures.rate_shown(d, page_figures.RANDOM_FINAL) and not policy.is_small(f.n):
        figures["case_files_good_or_better_final"] = {
            "statistic": f.statistic, "low": f.confidence_interval.low, "high": f.confidence_interval.high, "n": f.n,
            "population": f.population}
    if a is not None and a.moderation is not None and not policy.is_small(a.moderation.n_pairs) and d.shown(
            page_figures.moderation_key("pairs")):
        m = a.moderation
        figures["moderation"] = {"n_pairs": m.n_pairs, "exact_agreement": m.exact,
                                 "boundary_agreement": m.boundary_agreement,
                                 "boundary_kappa": m.boundary_kappa.statistic if m.boundary_kappa else None,
                                 "kappa_reading": m.reading.band if m.reading else None}
    return with_log(_record("gose_performance", result.cycle, figures, headlines=headlines), "gose_performance",
                    d.log())
