"""Report sections of the GOSE performance management framework: they format a ``GoseResult``.

Every function receives the result and the disclosure policy and computes nothing.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import Any

import pandas as pd
from IPython.display import HTML

from review.analyses.gose import MODERATED, AuditGroup, GoseResult, ItemResult, Measure
from review.analyses.gose_audits import TIER_NAMES, CriterionCounts, TierResult
from review.analyses.judgement import BANDS, SELF_ASSESSED
from review.config.framework_items import GOSE_PMF_TITLE
from review.protection.disclosure import DisclosurePolicy, SuppressionRegistry, suppressed_rate
from review.views import presentation as show
from review.views.common import (
    BAND_WORDS,
    WITHHELD,
    line_level,
    shown_band,
    uncertainty_text,
    withheld,
)

__all__ = ["audit_programme", "cp_lac", "criteria", "finance", "framework_items", "headlines", "indicator_charts",
           "indicators", "inspections", "iro", "measure_text", "period", "record", "shown_judgement", "supervision",
           "workforce"]

_PLAIN_UNITS = {"services", "indicators", "meetings"}
_RAG = {"green": "Green", "amber": "Amber", "red": "Red", "grey": "No evidence",
        SELF_ASSESSED: "Self-assessed, not evidenced", WITHHELD: "Withheld (too few to publish)"}
_RAG_KEYS = ("red", "amber", "green", "grey", SELF_ASSESSED)


def _count(n: int, unit: str, pol: DisclosurePolicy) -> str:
    return f"{n:,}" if unit in _PLAIN_UNITS or not pol.is_small(n) else "c"


def _interval(est: Any) -> dict[str, Any]:
    """The interval of an estimate and its level, as keywords of ``show.rate_text``."""
    if est is None:
        return {}
    return {"interval": (est.confidence_interval.low, est.confidence_interval.high), "level": est.confidence_level}


def _rag(result: GoseResult, policy: DisclosurePolicy) -> dict[str, int]:
    """Items per shown band; ``withheld`` only when a published report withholds one."""
    shown = [shown_judgement(i, policy) for i in result.items]
    keys = _RAG_KEYS + ((WITHHELD,) if WITHHELD in shown else ())
    return {k: shown.count(k) for k in keys}


def measure_text(m: Measure, pol: DisclosurePolicy) -> str:
    """One measure as text, withheld where the policy says so; a measure counting no person or case
    (services, indicators, meetings) or giving a value (money, FTE, days, a share) is
    :class:`~review.views.presentation.NoCount` text."""
    if m.unit == MODERATED:
        return f"{m.label}: {_count(m.count or 0, 'audits', pol)} of {_count(m.of or 0, 'audits', pol)} files moderated"
    if m.unit in _PLAIN_UNITS and m.count is not None:
        return show.nocount(f"{m.label}: {m.count:,}" + (f" of {m.of:,}" if m.of is not None else ""))
    if m.of is not None:
        return f"{m.label}: {show.rate_text(m.count or 0, m.of, pol, **_interval(m.estimate), unit=m.unit)}"
    if m.count is not None:
        return f"{m.label}: {_count(m.count, m.unit, pol)}"
    if m.value is None:
        return f"{m.label}: :"
    v = m.value
    text = {"share": lambda: show.pct(v), "FTE": lambda: f"{v:,.1f} FTE", "days": lambda: f"{v:,.1f} days",
            "£": lambda: ("+" if "ariance" in m.label and v > 0 else "") + show.currency(v)}.get(
                m.unit, lambda: f"{v:,.1f}")()
    return show.nocount(f"{m.label}: {text}")  # a value (money, FTE, days, a share), not a count


def _measures_text(measures, pol: DisclosurePolicy, tail: str = "") -> str:  # noqa: ANN001 - Measures
    """Measures joined; marked as not counts when one counts services, indicators or meetings (every
    other figure in it went through the policy in :func:`measure_text`)."""
    parts = [measure_text(m, pol) for m in measures]
    text = "; ".join(parts) + tail
    return show.nocount(text) if any(isinstance(t, show.NoCount) for t in parts) else text


def shown_judgement(item: ItemResult, policy: DisclosurePolicy) -> str:
    """The item's band, or ``withheld`` when it rests on a figure too small to publish
    (:func:`review.views.common.shown_band`)."""
    return shown_band(item.judgement, item.lines, policy) or "grey"


def _line_text(line, policy: DisclosurePolicy) -> str:  # noqa: ANN001 - an EvidenceLine
    """'audit: <source>: 46 of 97 (...) [Red]', the band withheld with the level. A line that counts
    no person or case, or whose level is a rule's note (days late, a share of budget), is
    :class:`~review.views.presentation.NoCount` text."""
    band = "c" if withheld(line, policy) else ("context, not judged" if line.context or line.kind.startswith("context") else
                                               BAND_WORDS[line.band])
    text = f"{line.kind}: {line.source}: {line_level(line, policy)} [{band}]"
    return show.nocount(text) if line.n == 0 or not line.counts_people else text


def _since(item: ItemResult, policy: DisclosurePolicy) -> str:
    """The band's move since last cycle, and any line that moved beyond chance."""
    if shown_judgement(item, policy) == WITHHELD:
        return ":"
    text = item.change if item.previous is None else f"{item.change} (was {_RAG[item.previous].lower()})"
    tested = [f"{ln.source}: {ln.change.label}" for ln in item.judged_lines
              if ln.change.label in ("improved", "worse") and not withheld(ln, policy)]
    return text + (f"; beyond chance: {'; '.join(tested)}" if tested else "")


def period(result: GoseResult) -> HTML:
    """The months the cycle covers and its financial-year quarter."""
    return show.note(f"This report covers {result.period}: cycle {result.cycle}. Tiers of the audit programme: "
                     + "; ".join(f"{name} ({tier})" for tier, name in TIER_NAMES.items()) + ".")


def _card_status(band: str) -> str:
    return band if band in ("red", "amber", "green") else "grey"


def headlines(result: GoseResult, policy: DisclosurePolicy) -> HTML:
    """The summary: items by judgement, the items needing action, the audit headline."""
    by_id = {i.item: i for i in result.items}
    rag = _rag(result, policy)
    cards = [{"title": show.nocount(f"{GOSE_PMF_TITLE}: {len(result.items)} items"), "status": "red" if rag["red"] else (
        "amber" if rag["amber"] else "green"),
        "value": show.nocount(", ".join(f"{n} {_RAG[k].lower()}" for k, n in rag.items() if n or k in BANDS)),  # items
        "detail": show.nocount(f"{result.period}.")}]  # months and a quarter
    a = result.audits
    if a is not None and a.random_final is not None:
        f, first = a.random_final, a.random_first
        g03 = shown_judgement(by_id["G03"], policy)  # the item's band, unless it rests on figures too small to publish
        cards.append({"title": "Randomly sampled case files Good or better (final grades: a moderator's prevails)",
                      "status": _card_status(g03),
                      "value": show.rate_text(f.k, f.n, policy, **_interval(f)),
                      "detail": (f"First auditors' grades gave {show.rate_text(first.k, first.n, policy)}; the "
                                 if first is not None else "The ") + "interval "
                                f"allows for the sample being drawn from {a.frame_size:,} open cases. Themed audits are "
                                "reported apart."})
    for key in [k for k in result.needs_action if shown_judgement(by_id[k], policy) != WITHHELD][:5]:
        i = by_id[key]
        deciding = [ln for ln in i.judged_lines if ln.band == i.band]
        cards.append({"title": f"{i.item}: {i.text}", "status": _card_status(i.band),
                      "value": _line_text(deciding[0], policy) if deciding else f"return {i.delivery}",
                      "detail": show.nocount(dict(result.actions)[key])})  # a fixed action or the evidence's name
    return show.headline_cards(cards, cycle=result.cycle, audience=policy.audience)


def _returns_text(i: ItemResult) -> str:
    if i.returns:
        return show.nocount("; ".join(f"{r.title}: due {r.due}, " + (f"delivered {r.delivered}" if r.delivered else
                                                                      "not delivered")
                                      + f" ({r.status}{f', {r.days_late} days' if r.status == 'late' else ''})"
                                      for r in i.returns))  # dates and days late
    if i.last_delivered is not None:
        r = i.last_delivered
        return show.nocount(f"None due this cycle; last: {r.title}, due {r.due} ({r.status})")
    return "None due this cycle"


def framework_items(result: GoseResult, policy: DisclosurePolicy) -> HTML:
    """Every item of the framework in the source's order and words: frequency, returns, the evidence
    lines it is judged on (context lines marked), its figures, judgement, uncertainty and change."""
    rows = []
    for i in result.items:
        parts = [_line_text(ln, policy) for ln in i.lines if ln.kind != "context: return"]
        if i.measures:
            parts.append(_measures_text(i.measures, policy))
        shown = shown_judgement(i, policy)
        text = "; ".join(parts) or "No evidence this cycle"
        rows.append({"Item": show.nocount(f"{i.item}. {i.text}"), "Frequency": ", ".join(i.frequency) if i.frequency else
                     "not stated", "Due this cycle": _returns_text(i), "Delivery": i.delivery + (
                         f" (optional: '{i.condition}')" if i.condition else ""),
                     "Evidence": show.nocount(text) if any(isinstance(p, show.NoCount) for p in parts) else text,
                     "Judgement": _RAG[shown],
                     "Uncertainty": uncertainty_text(i.judgement, i.lines, policy) if shown != WITHHELD else "c",
                     "Since last cycle": _since(i, policy)})
    return show.table(pd.DataFrame(rows), caption=f"{GOSE_PMF_TITLE}: every item, {result.period}",
                      uid="gose_items", policy=policy)


_TIER_COLUMNS = ("Auditors", "Quota", "Done", "Good or better, first grade", "Good or better, final grade",
                 "Grade changed by moderation")


def hidden_tiers(tiers: Sequence[TierResult], policy: DisclosurePolicy) -> set[str]:
    """Tiers whose whole row a published report withholds.

    A tier with any count from 1 to the threshold (auditors, quota, done, Good or better on first
    or final grades, changed by moderation) is withheld whole, zeros included (a zero beside a
    withheld cell says where it is). The report's headline gives the programme's totals, so one
    withheld tier would be the total minus the others: a second (the smallest by audits done)
    is withheld with it (:meth:`~review.protection.disclosure.SuppressionRegistry.table`).
    """
    counts = pd.DataFrame([[t.done, t.auditors, t.planned, t.first_good, t.final_good, t.changed] for t in tiers],
                          index=[t.tier for t in tiers],
                          columns=["done", "auditors", "planned", "first_good", "final_good", "changed"])
    registry = SuppressionRegistry(policy)
    registry.table("gose_tiers", counts, margin="tier", totals=False, totals_elsewhere=True)
    return registry.hidden_margins("tier")


def audit_programme(result: GoseResult, policy: DisclosurePolicy) -> HTML:
    """Quota against audits done per tier, first against final grades, themed audits apart, moderation."""
    a = result.audits
    if a is None:
        return show.note("No case-file audits this cycle.")
    hidden = hidden_tiers(a.tiers, policy)
    rows = [({"Tier": f"{t.name} ({t.tier})"} | dict.fromkeys(_TIER_COLUMNS, "c") if t.tier in hidden else
             {"Tier": f"{t.name} ({t.tier})", "Auditors": _count(t.auditors, "staff", policy),
              "Quota": _count(t.planned, "audits", policy),
              "Done": _count(t.done, "audits", policy),
              "Good or better, first grade": show.rate_text(t.first_good, t.done, policy),
              "Good or better, final grade": show.rate_text(t.final_good, t.done, policy),
              "Grade changed by moderation": _count(t.changed, "audits", policy) if t.done else "z"})
            | ({} if policy.suppress else {"Who is below quota (pseudonym)": ", ".join(t.below_quota)}) for t in a.tiers]
    parts = [show.table(pd.DataFrame(rows), caption="Case-file audit programme by tier", uid="gose_tiers", policy=policy)]
    if a.themed:
        parts.append(show.note("Themed audits (chosen for their theme, so kept out of the random-sample rate): "
                               + "; ".join(f"{t}: {show.rate_text(k, n, policy)} Good or better on final grades"
                                           for t, k, n in a.themed) + "."))
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
                 "Value": _count(m.lowered_below, "audits", policy), "Kappa (unweighted)": ""},
                {"Measure": "Moderator passed a file the auditor found Inadequate",
                 "Value": _count(m.raised_above, "audits", policy), "Kappa (unweighted)": ""},
            ]), caption=f"Moderation of case-file audits: {m.n_pairs:,} pairs of auditor and moderator",
                uid="gose_boundary", policy=policy))
    return HTML("".join(p.data for p in parts))


def _criteria_table(counts: tuple[CriterionCounts, ...], policy: DisclosurePolicy, *, caption: str, uid: str) -> HTML:
    if not counts:
        return show.note(f"{caption}: no audits this cycle.")
    rows = [{"Criterion": c.label, "Met (audits where it applied)": show.rate_text(c.yes, c.yes + c.no, policy,
                                                                                  **_interval(c.rate)),
             "Not applicable (n/a)": _count(c.not_applicable, "audits", policy)} for c in counts]
    return show.table(pd.DataFrame(rows), caption=caption, uid=uid, policy=policy)


def criteria(result: GoseResult, policy: DisclosurePolicy) -> HTML:
    """Case-file criteria on each file's final answers, with files where a criterion did not apply shown as n/a."""
    a = result.audits
    audits = sum(t.done for t in a.tiers) if a else 0
    return _criteria_table(a.criteria if a else (), policy,
                           caption=f"Case-file audit criteria: answers from {_count(audits, 'audits', policy)} audits, "
                                   "final answers (a moderator's prevail; n/a: the criterion did not apply to the case)",
                           uid="gose_criteria")


def _group(g: AuditGroup, policy: DisclosurePolicy, uid: str) -> str:
    """One audit type's criteria, with its audits, its moderated files and the line the item is judged on."""
    if not g.audits:
        return show.note(f"{g.label}: no audits this cycle.").data
    caption = (f"{g.label} ({g.item}): answers from {_count(g.audits, 'audits', policy)} audits; final grades: "
               f"{_count(g.moderated, 'audits', policy)} of {_count(g.audits, 'audits', policy)} files moderated "
               "(a moderator's answers prevail)")
    html = _criteria_table(g.criteria, policy, caption=caption, uid=uid).data
    if g.line is not None:
        html += show.note(f"Judged on the share of audits meeting every criterion that applied to them (the audit "
                          f"is the unit): {line_level(g.line, policy)}.").data
    p = g.pooled
    if p is not None:
        small = policy.is_small(p.n_audits) or (policy.suppress and p.n_audits < policy.min_group)
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
    return HTML("".join(_group(g, policy, f"gose_supervision_{k}") for k, g in enumerate(groups)))


def iro(result: GoseResult, policy: DisclosurePolicy) -> HTML:
    """Independent chairs' audits (G05): child protection conferences and looked-after children's reviews apart."""
    groups = [g for g in result.groups if g.item == "G05"]
    if not groups:
        return show.note("No audit type of child protection conferences or looked-after reviews is declared in the "
                         "evidence folder.")
    return HTML("".join(_group(g, policy, f"gose_chairs_{k}") for k, g in enumerate(groups)))


def indicators(result: GoseResult, policy: DisclosurePolicy) -> HTML:
    """NI 59-68: the in-quarter rate, the financial year to date, target, neighbours and direction."""
    t = result.indicators
    if t.empty:
        return show.note("No national indicator returns this cycle.")
    rows = [{"Indicator": r.label, "Direction": r.direction,
             "This quarter": show.rate_text(r.numerator, r.denominator, policy, interval=(r.ci_low, r.ci_high),
                                           level=result.confidence_level),
             "Year to date": "z" if r.ytd_denominator is None or pd.isna(r.ytd_denominator) else
             show.rate_text(int(r.ytd_numerator), int(r.ytd_denominator), policy),
             "Last quarter": ":" if r.previous_denominator is None or pd.isna(r.previous_denominator) else
             show.rate_text(int(r.previous_numerator), int(r.previous_denominator), policy),
             "Target": show.pct(r.target) if pd.notna(r.target) else ":",
             "Meets target": "c" if suppressed_rate(r.numerator, r.denominator, policy) else
             {True: "yes", False: "no"}.get(r.meets_target, "z"),
             "Band (against its own target)": "c" if suppressed_rate(r.numerator, r.denominator, policy) else
             BAND_WORDS.get(r.band, r.band),
             "Neighbours": show.pct(r.neighbour_average) if pd.notna(r.neighbour_average) else ":",
             "Compared with neighbours": "c" if suppressed_rate(r.numerator, r.denominator, policy) else
             (r.vs_neighbours or ":")} for r in t.itertuples()]
    return show.table(pd.DataFrame(rows), caption=f"National indicators, {result.period}: in-quarter counts; year to "
                      "date from April (z: a count at the quarter's end, which does not add up over a year)",
                      uid="gose_indicators", policy=policy, nocount=["Indicator"])  # indicator names


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
        ax.set_xticks(x[::2], pts["label"].iloc[::2], rotation=45, fontsize=7)
        ax.set_ylabel("%", fontsize=8)
        flagged = c.signals
        lines.append({  # indicator names, quarters and rule numbers are not counts
            "Indicator": show.nocount(label), "Latest": show.pct(pts["value"].iloc[-1]), "Centre line": show.pct(c.centre),
            "Limits restart at": show.nocount(", ".join(c.change_points) or "none"),
            "Signals": show.nocount("; ".join(f"{r.label} {r.signal} ({r.rules})" for r in flagged.itertuples()) or
                                    "none")})
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
    """Children on a plan and looked after: counts, rates per 10,000 under-18s, starts, ends, categories."""
    t = result.numbers
    if t.empty:
        return show.note("No child protection or looked-after numbers this cycle.")
    names = {"CP": "Children on a child protection plan (CP)", "LAC": "Looked-after children (LAC)"}
    rows = [{"Group": names[r.group], "At the end of the quarter": _count(r.at_end, "", policy),
             "Rate per 10,000 under-18s": f"{r.rate_per_10000:.1f}" if not policy.is_small(r.at_end) else "c",
             "Statistical neighbours": f"{r.neighbour_rate:.1f}" if r.neighbour_rate is not None and
             pd.notna(r.neighbour_rate) else ":",
             "England": f"{r.england_rate:.1f}" if r.england_rate is not None and pd.notna(r.england_rate) else ":",
             "Started": _count(r.starts, "", policy), "Ended": _count(r.ends, "", policy)} for r in t.itertuples()]
    parts = [show.table(pd.DataFrame(rows), caption=f"Child protection and looked-after numbers, {result.period}",
                        uid="gose_cp_lac", policy=policy, counts=True)]
    c = result.categories
    if not c.empty:
        total = int(c["plans_started"].sum())
        parts.append(show.table(pd.DataFrame([{"Category of abuse": r.category,
                                               "Plans started": _count(int(r.plans_started), "", policy),
                                               "Share": show.rate_text(int(r.plans_started), total, policy)}
                                              for r in c.itertuples()]),
                                caption="Child protection plans started, by category of abuse", uid="gose_categories",
                                policy=policy, counts=True))
    return HTML("".join(p.data for p in parts))


def workforce(result: GoseResult, policy: DisclosurePolicy) -> HTML:
    """Recruitment, retention and sickness per service."""
    t = result.workforce
    if t.empty:
        return show.note("No workforce return this cycle.")
    rows = [{"Service": r.service, "Establishment (FTE)": f"{r.establishment_fte:.1f}",
             "Vacancy rate": show.pct(r.vacancy_rate), "Agency cover": show.pct(r.agency_share),
             "Starters": _count(int(r.starters), "staff", policy), "Leavers": _count(int(r.leavers), "staff", policy),
             "Turnover": show.pct(r.turnover), "Sickness days per FTE": f"{r.sickness_per_fte:.1f}"}
            for r in t.itertuples()]
    return show.table(pd.DataFrame(rows), caption=f"Recruitment, retention and sickness, {result.period}",
                      uid="gose_workforce", policy=policy)


def finance(result: GoseResult) -> HTML:
    """Expenditure by budget line: the quarter, the financial year to date and the forecast outturn."""
    t = result.finance
    if t.empty:
        return show.note("No expenditure return this cycle.")
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
    """Latest inspection of each regulated service, and whether the next is overdue."""
    t = result.inspections
    if t.empty:
        return show.note("No inspections of regulated services recorded.")
    frame = pd.DataFrame({"Service": t["service_name"], "Type": t["service_type"],
                          "Last inspection": t["inspection_date"].map(str), "Grade": t["grade"],
                          "Next due": t["next_due"].map(str),
                          "Next inspection overdue (the regulator's timetable)": t["overdue"].map({True: "yes",
                                                                                                  False: "no"})})
    return show.table(frame, caption="Inspections of regulated services", uid="gose_inspections", policy=policy,
                      nocount=["Last inspection", "Next due"])  # dates


def record(result: GoseResult, policy: DisclosurePolicy) -> object:
    """The results JSON: RAG counts, items needing action, and each item's judgement (no counts of children)."""
    from review.results.figures import record as _record
    from review.results.judgements import ACTION_KEY, RAG_KEY

    by_id = {i.item: i for i in result.items}
    rag = _rag(result, policy)
    shown = {i.item: shown_judgement(i, policy) for i in result.items}
    needs = [k for k in result.needs_action if shown[k] != WITHHELD]
    # items by judgement, and items in the source's words: no count of people or cases
    headlines = [show.nocount("GOSE framework items: " + ", ".join(f"{n} {_RAG[k].lower()}" for k, n in rag.items()))]
    headlines += [show.nocount(f"{k} needs action: {by_id[k].text}") for k in needs if shown[k] == "red"]
    a = result.audits
    figures = {
        "period": result.period,
        "rag": rag,
        # the results contract the cycle summary and index read (review.results.judgements): items
        # without evidence, or whose judgement is withheld, count as grey; self-assessed items in none
        RAG_KEY: {"red": rag["red"], "amber": rag["amber"], "green": rag["green"],
                  "grey": rag["grey"] + rag.get(WITHHELD, 0)},
        ACTION_KEY: [f"{k}: {shown[k]}: {by_id[k].text}" for k in needs],
        "actions": [f"{k}: {v}" for k, v in result.actions if k in needs],
        # changes beyond chance only (Newcombe's interval excludes zero), never a line whose level is withheld
        "changes": [ln.change_sentence(i.item) for i in result.items for ln in i.judged_lines
                    if ln.change.label in ("improved", "worse") and not withheld(ln, policy)],
        "band_changes": [f"{i}: {c} ({p} to {b})" for i, p, b, c in result.band_changes if shown[i] != WITHHELD],
        "items": [{"item": i.item, "text": i.text, "frequency": list(i.frequency or ()), "delivery": i.delivery,
                   "judgement": shown[i.item], "firm": i.judgement.firm and shown[i.item] != WITHHELD,
                   "change": i.change if shown[i.item] != WITHHELD else None} for i in result.items],
    }
    if a is not None and a.random_final is not None and not policy.is_small(a.random_final.n):
        f = a.random_final
        figures["case_files_good_or_better_final"] = {
            "statistic": f.statistic, "low": f.confidence_interval.low, "high": f.confidence_interval.high, "n": f.n,
            "population": f.population}
    if a is not None and a.moderation is not None and not policy.is_small(a.moderation.n_pairs):
        m = a.moderation
        figures["moderation"] = {"n_pairs": m.n_pairs, "exact_agreement": m.exact,
                                 "boundary_agreement": m.boundary_agreement,
                                 "boundary_kappa": m.boundary_kappa.statistic if m.boundary_kappa else None}
    return _record("gose_performance", result.cycle, figures, headlines=headlines)
