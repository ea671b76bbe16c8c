"""Report sections of the GOSE performance management framework notebook."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from review.analyses import gose
from review.analyses.audits import criterion_rates, cycle_audits, grade_counts
from review.analyses.context import Context
from review.protection.disclosure import SuppressionRegistry
from review.stats.indicators import DEFINITIONS, indicator_table
from review.views import presentation as show
from review.views.common import chart_grid, criteria_table, moderation_table

__all__ = ["complaints", "coverage", "finance", "finance_table", "grades", "headlines", "indicator_charts",
           "indicators", "iro", "leniency", "moderation_section", "people", "record", "schedule", "supervision"]


def headlines(ctx: Context, figures: dict) -> HTML:
    """The summary cards a manager reads first."""
    pol = ctx.policy
    gob = figures["good_or_better"]
    cards = [
        {"title": "Case-file audit programme", "status": "green" if figures["auditors_below_quota"] == 0 else "amber",
         "value": f"{figures['case_file_completed']} of {figures['case_file_planned']} quota audits done",
         "detail": f"{figures['auditors_below_quota']} auditors below their quota; {figures['moderations']} "
                   "moderation re-audits on top. Quotas per tier: ATM, TM, SM, AD and DCS."},
    ]
    if gob is not None:
        ci = gob.confidence_interval
        rate = show.rate_text(gob.k, gob.n, pol, interval=(ci.low, ci.high))
        cards.append({"title": "Files graded Good or better", "status": show.band("green" if gob.statistic >= 0.8 else (
            "red" if gob.statistic < 0.65 else "amber"), gob.k, gob.n, pol), "value": rate,
            "detail": f"From {gob.n} first audits of {figures['open_cases']:,} open cases; the interval allows for "
                      "the sample being a fraction of the caseload."})
    m = figures["moderation"]
    if m is not None:
        cards.append({"title": f"Moderation: {m.auditor_tier} audits re-audited by {m.moderator_tier}",
                      "status": "amber" if m.difference_ci.low > 0 else "green",
                      "value": f"weighted kappa {show.agreement_text(m.weighted_kappa, pol)}",
                      "detail": (f"Auditors graded {m.mean_difference:+.2f} grades more generously than moderators on "
                                 "average." if not pol.is_small(m.n_pairs) else "Too few pairs to publish.")})
    cards.append({"title": "Framework returns delivered on time", "status": "green" if figures["returns_on_time"] ==
                  figures["returns_due"] else "amber", "value": f"{figures['returns_on_time']} of {figures['returns_due']} returns",
                  "detail": "Reports and returns the framework expects this quarter."})
    cards.append({"title": "National indicators meeting target",
                  "status": "amber" if figures["indicators_meeting_target"] < figures["indicators_with_target"] else "green",
                  "value": show.nocount(f"{figures['indicators_meeting_target']} of {figures['indicators_with_target']} "
                                        "indicators"),  # indicators, not people
                  "detail": "NI 59-68; see the control charts for which changes are real."})
    return show.headline_cards(cards, cycle=ctx.cycle, audience=ctx.params.audience)


def schedule(ctx: Context) -> HTML:
    """Every framework return due this cycle: frequency, owner, due, delivered, status."""
    t = gose.schedule(ctx)
    frame = pd.DataFrame({"Return": t["item"], "Frequency": t["frequency"], "Owner": t["owner_tier"],
                          "Due": t["due_date"].map(str), "Delivered": t["delivered_date"].map(lambda d: ":" if d is None or pd.isna(d) else str(d)),
                          "Status": t["status"]})
    return show.table(frame, caption=show.nocount(f"Performance management framework returns due in {ctx.cycle}"),
                      uid="gose_schedule", nocount=["Frequency", "Due", "Delivered", "Status"])


def coverage(ctx: Context) -> HTML:
    """Planned and completed audits per tier; overdue auditors named (by pseudonym) only internally."""
    t = gose.coverage(ctx)
    def count(v: int) -> str:  # auditors and their audits are people and cases
        return ctx.policy.withhold(v) or str(v)

    frame = pd.DataFrame({"Tier": t["tier"], "Audit type": t["audit_type"], "Auditors": t["auditors"].map(count),
                          "Planned": t["planned"].map(count), "Completed": t["completed"].map(count),
                          "Auditors below quota": t["auditors_overdue"].map(count),
                          "Moderations done": t["moderations"].map(count)})
    if not ctx.policy.suppress:
        frame["Who (pseudonym)"] = t["overdue"].str.replace(";", ", ")
    return show.table(frame, caption="Audit programme: planned against completed audits", uid="gose_coverage",
                      policy=ctx.policy)


def grades(ctx: Context) -> HTML:
    """Overall grades of first audits by tier (suppressed when published)."""
    files = cycle_audits(ctx.evidence, ctx.cycle)
    scale = ctx.evidence.scales[files["grade_scale"].iloc[0]]
    # Suppressed with the other tables by tier (issue 15): a tier whose row hides a count is hidden
    # whole, so zeros beside it cannot say what a lone audit (the DCS's) found.
    table = SuppressionRegistry(ctx.policy).table("grades", grade_counts(files, scale.rated), margin="tier")
    return show.table(table, caption="Overall grades of case files by auditing tier", uid="gose_grades",
                      policy=ctx.policy, index=True, counts=True)


def moderation_section(ctx: Context, figures: dict) -> HTML:
    """Agreement between tiers on the same files (from ``headline_figures``)."""
    return moderation_table(figures["agreements"], ctx.policy, uid="gose_moderation")


def leniency(ctx: Context, figures: dict) -> HTML:
    """Each auditor's generosity against moderators (internal), or each tier's (published)."""
    from review.stats.agreement import auditor_leniency

    pairs = figures["moderation_pairs"]
    if ctx.policy.suppress:
        return show.note("Auditor-level leniency is shown in the internal report only; the published report gives "
                         "each tier's average difference in the moderation table above.")
    scale = ctx.evidence.scales[ctx.evidence.table("audits")["grade_scale"].iloc[0]].rated
    t = auditor_leniency(pairs, scale=scale, confidence_level=ctx.params.confidence_level)
    frame = pd.DataFrame({"Auditor (pseudonym)": t["auditor"], "Tier": t["auditor_tier"], "Pairs": t["n_pairs"],
                          "More generous by (grades)": t["mean_difference"].map(lambda v: f"{v:+.2f}"),
                          "Interval": [":" if pd.isna(lo) else f"{lo:+.2f} to {hi:+.2f}" for lo, hi in zip(t["ci_low"], t["ci_high"], strict=True)]})
    return show.table(frame, caption="Auditors' generosity against their moderators (positive: more generous)",
                      uid="gose_leniency", policy=ctx.policy)


def supervision(ctx: Context) -> HTML:
    """Supervision audits by TM, SM and AD: each criterion's compliance."""
    level = ctx.params.confidence_level
    now = criterion_rates(cycle_audits(ctx.evidence, ctx.cycle, audit_type="supervision"), ctx.evidence,
                          list(gose.SUPERVISION), confidence_level=level)
    before = criterion_rates(cycle_audits(ctx.evidence, ctx.previous, audit_type="supervision"), ctx.evidence,
                             list(gose.SUPERVISION), confidence_level=level)
    return criteria_table(now, ctx.policy, caption="Supervision audits", uid="gose_supervision", previous=before)


def iro(ctx: Context) -> HTML:
    """IRO and conference audits: each criterion's compliance."""
    level = ctx.params.confidence_level
    now = criterion_rates(cycle_audits(ctx.evidence, ctx.cycle, audit_type="iro"), ctx.evidence, list(gose.IRO),
                          confidence_level=level)
    before = criterion_rates(cycle_audits(ctx.evidence, ctx.previous, audit_type="iro"), ctx.evidence, list(gose.IRO),
                             confidence_level=level)
    return criteria_table(now, ctx.policy, caption="IRO and child protection conference audits", uid="gose_iro",
                          previous=before)


def complaints(ctx: Context) -> HTML:
    """Complaints by stage over the last four cycles."""
    t = gose.complaints(ctx)
    pol = ctx.policy
    rows = [{"Cycle": r.cycle, "Stage": f"stage {r.stage}", "Received": "c" if pol.is_small(r.received) else str(r.received),
             "Responded in time": show.rate_text(r.responded_in_time, r.received, pol),
             "Upheld": show.rate_text(r.upheld, r.received, pol)} for r in t.itertuples()]
    return show.table(pd.DataFrame(rows), caption="Complaints by stage", uid="gose_complaints", policy=pol, counts=True,
                      nocount=["Cycle", "Stage"])


def indicators(ctx: Context) -> HTML:
    """NI 59-68: this cycle's rate with its interval, target, neighbours and last cycle."""
    t = indicator_table(ctx.evidence.table("indicators"), cycle=ctx.cycle, confidence_level=ctx.params.confidence_level)
    pol = ctx.policy
    rows = [{"Indicator": f"{r.indicator} {r.title}", "Rate": show.rate_text(r.numerator, r.denominator, pol,
                                                                            interval=(r.ci_low, r.ci_high)),
             "Last cycle": pol.withhold(r.previous_numerator, of=r.previous_denominator) or show.pct(r.previous_rate),
             "Target": show.pct(r.target) if pd.notna(r.target) else ":",
             # judgements beside a withheld rate would narrow it: withheld with it (issue 15)
             "Meets target": pol.withhold(r.numerator, of=r.denominator) or {True: "yes", False: "no"}.get(r.meets_target, "z"),
             "Neighbours": show.pct(r.neighbour_average) if pd.notna(r.neighbour_average) else ":",
             "Compared with neighbours": pol.withhold(r.numerator, of=r.denominator) or r.vs_neighbours or ":",
             "Definition": f"{r.version}: {r.certainty}"}
            for r in t.itertuples()]
    return show.table(pd.DataFrame(rows), caption=show.nocount(f"National indicators NI 59-68, {ctx.cycle}"),
                      uid="gose_indicators", policy=pol, nocount=["Indicator", "Definition"])


def indicator_charts(ctx: Context) -> HTML:
    """P charts of every indicator, signals marked."""
    charts = gose.indicator_charts(ctx)
    titles = {ni: DEFINITIONS[(ni, v)].title for (ni, v) in DEFINITIONS if ni in charts}
    return chart_grid(charts, titles=titles, policy=ctx.policy)


def people(ctx: Context) -> HTML:
    """Recruitment, retention and sickness per service."""
    t = gose.workforce(ctx)
    frame = pd.DataFrame({"Service": t["service"], "Cycle": t["cycle"], "Establishment (FTE)": t["establishment_fte"].map(lambda v: f"{v:.1f}"),
                          "Vacancy rate": t["vacancy_rate"].map(show.pct), "Agency share": t["agency_share"].map(show.pct),
                          "Leavers": t["leavers"].map(lambda v: "c" if ctx.policy.is_small(v) else str(v)),
                          "Sickness days": t["sickness_days"].map(lambda v: f"{v:,.0f}")})
    return show.table(frame, caption="Workforce: recruitment, retention and sickness", uid="gose_workforce",
                      policy=ctx.policy)


def finance(ctx: Context) -> HTML:
    """Budget against spend by month (figure)."""
    t = gose.finance(ctx)
    monthly = t.groupby("month")[["budget", "spend"]].sum()
    fig = show.new_figure(figsize=(7, 3))
    ax = fig.subplots()
    x = range(len(monthly))
    ax.bar([i - 0.2 for i in x], monthly["budget"] / 1e6, width=0.4, label="Budget", color="#9bb7d4")
    ax.bar([i + 0.2 for i in x], monthly["spend"] / 1e6, width=0.4, label="Spend", color="#1f5fa8")
    ax.set_xticks(list(x), monthly.index)
    ax.set_ylabel("£ million")
    ax.set_title(f"Children's social care budget and spend by month, {ctx.cycle}")
    ax.legend()
    alt = "; ".join(f"{m}: budget £{b:,.0f}, spend £{s:,.0f}"
                    for m, b, s in zip(monthly.index, monthly["budget"], monthly["spend"], strict=True))
    return show.figure(fig, alt=alt, caption="Budget and spend by month")


def finance_table(ctx: Context) -> HTML:
    """Spend against budget by line for the cycle."""
    t = gose.finance(ctx)
    by_line = t.groupby("budget_line")[["budget", "spend", "variance"]].sum().reset_index()
    frame = pd.DataFrame({"Budget line": by_line["budget_line"], "Budget": by_line["budget"].map(lambda v: f"£{v:,.0f}"),
                          "Spend": by_line["spend"].map(lambda v: f"£{v:,.0f}"),
                          "Variance": by_line["variance"].map(lambda v: f"£{v:+,.0f}")})
    return show.table(frame, caption="Spend against budget by line, this cycle", uid="gose_finance")


def record(ctx: Context, figures: dict) -> object:
    """The results JSON of the notebook: unrounded figures and disclosure-safe headlines."""
    from review.batch.results import record as _record

    pol = ctx.policy
    gob, m = figures["good_or_better"], figures["moderation"]
    headlines = [f"Quota audits done: {figures['case_file_completed']} of {figures['case_file_planned']}"]
    if gob is not None:
        headlines.append(f"Files Good or better: {show.rate_text(gob.k, gob.n, pol)}")
    if m is not None:
        headlines.append(f"{m.auditor_tier}/{m.moderator_tier} moderation kappa: {show.agreement_text(m.weighted_kappa, pol)}")
    headlines.append(f"Returns on time: {figures['returns_on_time']} of {figures['returns_due']}")
    safe = {k: v for k, v in figures.items() if k not in ("moderation", "moderation_pairs", "agreements")}
    if m is not None:
        safe["moderation"] = {"auditor_tier": m.auditor_tier, "moderator_tier": m.moderator_tier, "n_pairs": m.n_pairs,
                              "exact_agreement": m.exact_agreement, "mean_difference": m.mean_difference,
                              "weighted_kappa": m.weighted_kappa, "ac": m.ac}
    return _record("gose_performance", ctx.cycle, safe, headlines=headlines)
