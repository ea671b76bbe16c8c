"""The GOSE children's social care performance management framework: one result per cycle.

:func:`gose_result` computes, once, every figure, judgement, headline, action and change the
report shows, for every item of the framework in the source's order (quoted in
:data:`review.config.framework_items.GOSE_PMF`). Views only format it.

Judgement rules (declared here, once):

- a proportion is green at or above the ``rag_green`` parameter (80% by default), red below
  ``rag_red`` (65%), amber between (:class:`Rules`); it is flagged ``uncertain`` when its
  interval crosses either line;
- a return that was due this cycle and is missing makes the item red; a late one at least amber;
- regulated services: red when any is overdue for inspection or graded Inadequate;
- workforce: vacancy rate green at or below 10% of establishment, red above 15%;
- expenditure: financial year-to-date overspend green at or below 1% of budget, red above 3%;
- indicators: green when every indicator with a target meets it, red when fewer than half do;
- an item with no evidence and no return due is "no evidence".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from review.analyses.context import Context
from review.analyses.gose_audits import (
    AuditProgramme,
    CriterionCounts,
    audit_programme,
    criterion_counts,
)
from review.config.cycles import (
    cycle_bounds,
    cycle_range,
    financial_year,
    period_statement,
    previous_cycle,
)
from review.config.framework_items import GOSE_PMF
from review.data import Evidence
from review.stats.indicators import DEFINITIONS, indicator_table
from review.stats.sample_draw import tier_coverage
from review.stats.sampling import ProportionResult, proportion_ci
from review.stats.spc import ControlChart, p_chart

__all__ = ["ALLEGATION_DAYS", "GoseResult", "ItemResult", "Measure", "ReturnStatus", "Rules",
           "gose_result", "judge_rate", "return_status", "schedule"]



@dataclass(frozen=True)
class Rules:
    """The thresholds a proportion is judged against, from the framework's parameters.

    Attributes
    ----------
    level : float
        Confidence level of every interval (``confidence_level``).
    green : float
        Green at or above this proportion (``rag_green``).
    red : float
        Red below this proportion (``rag_red``), amber between.
    """

    level: float
    green: float
    red: float
VACANCY_GREEN, VACANCY_RED = 0.10, 0.15
OVERSPEND_GREEN, OVERSPEND_RED = 0.01, 0.03
ALLEGATION_DAYS = 30
"""Days from referral to conclusion counted as in time for an allegation (one month; see docs/indicators.md)."""
SUPERVISION = ("supervision_in_timescale", "reflective_supervision", "actions_followed_up")
IRO = ("child_participation", "plan_reviewed_in_timescale")
CASE_CRITERIA_KEY = "case file"
_ORDER = {"green": 0, "amber": 1, "red": 2}


@dataclass(frozen=True)
class Measure:
    """One figure of an item's evidence. A view formats it under the disclosure policy.

    ``count`` of ``of`` with ``estimate`` is a proportion (its interval where a sample is
    involved); ``count`` alone is a number of children, staff or events; ``value`` with ``unit``
    is anything else (a rate per 10,000, pounds, days per FTE).
    """

    label: str
    count: int | None = None
    of: int | None = None
    estimate: ProportionResult | None = None
    value: float | None = None
    unit: str = ""


@dataclass(frozen=True)
class ReturnStatus:
    """One return due: ``status`` is ``on time``, ``late`` or ``missing``."""

    item: str
    title: str
    due: dt.date
    delivered: dt.date | None
    status: str
    days_late: int
    presented_to: str | None


@dataclass(frozen=True)
class ItemResult:
    """One item of the framework, as the report shows it.

    Attributes
    ----------
    item, text : str
        Id and the source's words.
    frequency : tuple of str or None
        As the source gives it (None: the source states none).
    returns : tuple of ReturnStatus
        Returns due this cycle.
    delivery : str
        ``on time``, ``late``, ``missing`` or ``none due`` (worst of ``returns``).
    last_delivered : ReturnStatus or None
        For an item with no return due this cycle: its latest return in the past year.
    measures : tuple of Measure
    evidence : str
        Which evidence the measures come from, or why there is none.
    judgement : str
        ``green``, ``amber``, ``red`` or ``no evidence``.
    reason : str
        The rule that set the judgement.
    uncertain : bool
        The judgement rests on a sample whose interval crosses a judgement line.
    basis : tuple of tuple of int
        ``(k, n)`` of each sample the judgement rests on, so a published report can withhold a
        judgement that would reveal a small count.
    previous : str or None
        Last cycle's judgement; ``change`` is ``better``, ``worse``, ``same``, ``changed`` (to or
        from no evidence) or ``new``.
    """

    item: str
    text: str
    frequency: tuple[str, ...] | None
    returns: tuple[ReturnStatus, ...]
    delivery: str
    last_delivered: ReturnStatus | None
    measures: tuple[Measure, ...]
    evidence: str
    judgement: str
    reason: str
    uncertain: bool
    basis: tuple[tuple[int, int], ...] = ()
    previous: str | None = None
    change: str = "new"


@dataclass(frozen=True)
class GoseResult:
    """Everything the GOSE report shows for one cycle. Nothing is rounded.

    Attributes
    ----------
    cycle, previous_cycle, period : str
        The cycle, the one before, and the months it covers with its financial-year quarter.
    confidence_level : float
        The two-sided level of every interval in the result.
    items : tuple of ItemResult
        Every framework item in the source's order.
    rag : dict
        Number of items per judgement (``green``, ``amber``, ``red``, ``no evidence``).
    needs_action : tuple of str
        Ids of red items, then amber, in source order within each.
    actions : tuple of tuple
        ``(item, action)`` for each item needing action.
    changes : tuple of tuple
        ``(item, previous judgement, judgement, change)`` for items whose judgement changed.
    audits : AuditProgramme
    supervision, iro_cp, iro_lac : tuple of CriterionCounts
        Supervision audits; IRO audits of child protection conferences and of looked-after
        children's reviews, kept apart.
    indicators : pandas.DataFrame
        :func:`review.stats.indicators.indicator_table` plus ``label`` (the one title used in
        table, chart and text).
    charts : tuple of tuple
        ``(indicator, label, ControlChart, counts)``, limits restarting at declared change points;
        ``counts`` holds each point's ``(numerator, denominator)`` for the disclosure policy.
    numbers, categories, workforce, finance, inspections : pandas.DataFrame
        CP and LAC counts with rates per 10,000; CP plans started by category; workforce by
        service; expenditure by budget line (month, year to date, forecast outturn); latest
        inspection per regulated service.
    """

    cycle: str
    previous_cycle: str
    period: str
    confidence_level: float
    items: tuple[ItemResult, ...]
    rag: dict[str, int]
    needs_action: tuple[str, ...]
    actions: tuple[tuple[str, str], ...]
    changes: tuple[tuple[str, str | None, str, str], ...]
    audits: AuditProgramme
    supervision: tuple[CriterionCounts, ...]
    iro_cp: tuple[CriterionCounts, ...]
    iro_lac: tuple[CriterionCounts, ...]
    indicators: pd.DataFrame
    charts: tuple[tuple[str, str, ControlChart, tuple[tuple[int, int], ...]], ...]
    numbers: pd.DataFrame
    categories: pd.DataFrame
    workforce: pd.DataFrame
    finance: pd.DataFrame
    inspections: pd.DataFrame


def schedule(ctx: Context, cycle: str | None = None) -> pd.DataFrame:
    """Each return of the ``schedule`` dataset due in the cycle: due, delivered, on time or not."""
    table = ctx.evidence.table("schedule")
    table = table[table["cycle"] == (cycle or ctx.cycle)].sort_values(["due_date", "item"]).reset_index(drop=True)
    status = []
    for _, row in table.iterrows():
        if row["delivered_date"] is None or pd.isna(row["delivered_date"]):
            status.append("not delivered")
        elif row["delivered_date"] <= row["due_date"]:
            status.append("on time")
        else:
            days = (row["delivered_date"] - row["due_date"]).days
            status.append(f"late ({days} day{'s' if days != 1 else ''})")
    return table.assign(status=status)


def return_status(due: dt.date, delivered: dt.date | None) -> tuple[str, int]:
    """``("on time" | "late" | "missing", days late)``.

    Examples
    --------
    >>> return_status(dt.date(2009, 12, 15), dt.date(2009, 12, 24))
    ('late', 9)
    >>> return_status(dt.date(2009, 12, 15), None)
    ('missing', 0)
    """
    if delivered is None or pd.isna(delivered):
        return "missing", 0
    days = (delivered - due).days
    return ("on time", 0) if days <= 0 else ("late", days)


def judge_rate(estimate: ProportionResult | None, *, green: float, red: float,
               higher_is_better: bool = True) -> tuple[str, bool]:
    """Green, amber or red for a proportion, and whether its interval crosses a judgement line.

    Examples
    --------
    >>> judge_rate(proportion_ci(41, 50, method="wilson"), green=0.8, red=0.65)  # 82%; 69% to 90% crosses 80%
    ('green', True)
    >>> judge_rate(proportion_ci(30, 50, method="wilson"), green=0.8, red=0.65)[0]  # 60% < 65%
    'red'
    """
    if estimate is None:
        return "no evidence", False
    p, ci = estimate.statistic, estimate.confidence_interval
    if not higher_is_better:
        p, lo, hi = 1 - p, 1 - ci.high, 1 - ci.low
    else:
        lo, hi = ci.low, ci.high
    judgement = "green" if p >= green else ("red" if p < red else "amber")
    crosses = any(lo < line <= hi for line in (green, red))
    return judgement, crosses


def _worst(*judgements: str) -> str:
    rated = [j for j in judgements if j in _ORDER]
    return max(rated, key=_ORDER.__getitem__) if rated else "no evidence"


def _prop(k: int, n: int, level: float, population: int | None = None) -> ProportionResult | None:
    return proportion_ci(int(k), int(n), method="wilson", confidence_level=level, population=population) if n else None


def _cycle(ev: Evidence, name: str, cycle: str) -> pd.DataFrame:
    t = ev.table(name)
    return t[t["cycle"] == cycle] if "cycle" in t.columns else t


@dataclass(frozen=True)
class _Evidence:
    measures: tuple[Measure, ...]
    evidence: str
    judgement: str
    reason: str
    uncertain: bool = False
    basis: tuple[tuple[int, int], ...] = ()


_NONE = _Evidence((), "", "no evidence", "")


def _rate_item(label: str, k: int, n: int, rules: Rules, source: str, extra: tuple[Measure, ...] = (),
               unit: str = "") -> _Evidence:
    est = _prop(k, n, rules.level)
    if est is None:
        return _Evidence(extra, f"no rows in {source} this cycle", "no evidence", "")
    j, unsure = judge_rate(est, green=rules.green, red=rules.red)
    return _Evidence((Measure(label, k, n, est, unit=unit), *extra), source, j,
                     f"{label}: {_lines(rules)}", unsure, ((k, n),))


def _user_feedback(ev: Evidence, cycle: str, rules: Rules) -> _Evidence:
    t = _cycle(ev, "user_feedback", cycle)
    extra = tuple(Measure(f"{g}: positive", int(x["positive"].sum()), int(x["responses"].sum()),
                          _prop(x["positive"].sum(), x["responses"].sum(), rules.level))
                  for g, x in t.groupby("group", sort=False))
    adv = t[t["source"] == "advocacy service"]
    extra += (Measure("Through the advocacy service: positive", int(adv["positive"].sum()), int(adv["responses"].sum()),
                      _prop(adv["positive"].sum(), adv["responses"].sum(), rules.level)),)
    return _rate_item("Children and families positive about the service", int(t["positive"].sum()),
                      int(t["responses"].sum()), rules, "user_feedback", extra)


def _staff_feedback(ev: Evidence, cycle: str, rules: Rules) -> _Evidence:
    t = _cycle(ev, "staff_feedback", cycle)
    extra = (Measure("Staff who answered", int(t["responses"].sum()), int(t["invited"].sum()),
                     _prop(t["responses"].sum(), t["invited"].sum(), rules.level), unit="staff"),)
    return _rate_item("Staff positive", int(t["positive"].sum()), int(t["responses"].sum()), rules,
                      "staff_feedback", extra, unit="staff")


def _lines(rules: Rules) -> str:
    return f"green at {100 * rules.green:g}% or more, red below {100 * rules.red:g}%"


def _case_files(prog: AuditProgramme, rules: Rules) -> _Evidence:
    planned, done = sum(t.planned for t in prog.tiers), sum(min(t.done, t.planned) for t in prog.tiers)
    est = prog.random_final
    measures = [Measure("Quota audits done", done, planned, unit="audits")]
    if est is not None:
        measures.append(Measure("Randomly sampled files Good or better (final grades)", est.k, est.n, est))
    j, unsure = judge_rate(est, green=rules.green, red=rules.red)
    quota = "green" if planned and done >= 0.9 * planned else ("amber" if planned else "no evidence")
    return _Evidence(tuple(measures), "audits (random sample, final grades after moderation); programme", _worst(j, quota),
                     f"files Good or better on final grades ({_lines(rules)}); quota done below 90% is amber",
                     unsure, ((est.k, est.n),) if est is not None else ())


def _pooled(counts: tuple[CriterionCounts, ...], label: str, rules: Rules, source: str) -> _Evidence:
    yes, n = sum(c.yes for c in counts), sum(c.yes + c.no for c in counts)
    extra = tuple(Measure(c.label, c.yes, c.yes + c.no, c.rate, unit="audits") for c in counts)
    return _rate_item(label, yes, n, rules, source, extra, unit="audits")


def _supervision(pooled: _Evidence, audits: pd.DataFrame, frame: pd.DataFrame) -> _Evidence:
    """Add the number of supervision files audited: a supervision audit is keyed, through its case,
    to the supervision file of the case's allocated worker in the frame."""
    sup = audits[(audits["audit_type"] == "supervision") & audits["moderation_of"].isna()]
    worker = dict(zip(frame["case_ref"], frame["allocated_worker"], strict=True)) if "allocated_worker" in frame else {}
    files = {worker[c] for c in sup["case_ref"] if c in worker}
    if sup.empty:
        return pooled
    extra = Measure("Supervision files audited (allocated workers' files)", len(files), unit="files")
    return _Evidence((*pooled.measures[:1], extra, *pooled.measures[1:]), pooled.evidence + "; frame (allocated worker)",
                     pooled.judgement, pooled.reason, pooled.uncertain, pooled.basis)


def _iro(cp: tuple[CriterionCounts, ...], lac: tuple[CriterionCounts, ...], rules: Rules) -> _Evidence:
    parts = [_pooled(cp, "Child protection conferences: criteria met", rules, "audits (iro, CP)"),
             _pooled(lac, "Looked-after children's reviews: criteria met", rules, "audits (iro, LAC)")]
    measures = tuple(m for p in parts for m in p.measures[:1])
    return _Evidence(measures, "audits of type iro, child protection conferences and LAC reviews apart",
                     _worst(*(p.judgement for p in parts)), "the worse of conferences and reviews",
                     any(p.uncertain for p in parts), tuple(b for p in parts for b in p.basis))


def _complaints(ev: Evidence, cycle: str, rules: Rules) -> _Evidence:
    c, comp = _cycle(ev, "complaints", cycle), _cycle(ev, "compliments", cycle)
    extra = (Measure("Complaints received", int(c["received"].sum()), unit="complaints"),
             Measure("Compliments received", int(comp["compliments"].sum()), unit="compliments") if len(comp) else None)
    return _rate_item("Complaints responded to in time", int(c["responded_in_time"].sum()), int(c["received"].sum()),
                      rules, "complaints; compliments", tuple(m for m in extra if m is not None), unit="complaints")


def _fostering(ev: Evidence, cycle: str, rules: Rules) -> _Evidence:
    t = _cycle(ev, "private_fostering", cycle)
    extra = (Measure("Private fostering arrangements known at the end of the cycle", int(t["arrangements_open"].sum())),)
    return _rate_item("Notifications visited within 7 working days", int(t["visited_in_time"].sum()),
                      int(t["notifications"].sum()), rules, "private_fostering", extra)


def _inspections(ev: Evidence, cycle: str) -> tuple[pd.DataFrame, _Evidence]:
    t = ev.table("regulated_services")
    end = cycle_bounds(cycle)[1]
    t = t[t["inspection_date"].map(lambda d: d is not None and d <= end).astype(bool)]
    if t.empty:
        return t, _NONE
    latest = t.sort_values("inspection_date").groupby("service_name", sort=True).tail(1).sort_values("service_name")
    latest = latest.assign(overdue=latest["next_due"] < end).reset_index(drop=True)
    bad = latest["grade"].map(lambda g: ev.scales[latest["grade_scale"].iloc[0]].rated[-1] == g)
    good = latest.apply(lambda r: r["grade"] in ev.scales[r["grade_scale"]].good_or_better, axis=1)
    measures = (Measure("Services inspected", len(latest), unit="services"),
                Measure("Overdue for inspection", int(latest["overdue"].sum()), unit="services"),
                Measure("Graded Inadequate at the latest inspection", int(bad.sum()), unit="services"),
                Measure("Good or better at the latest inspection", int(good.sum()), len(latest), unit="services"))
    j = "red" if latest["overdue"].any() or bad.any() else "green"
    return latest, _Evidence(measures, "regulated_services", j, "red when any service is overdue or graded Inadequate")


def _allegations(ev: Evidence, cycle: str, rules: Rules) -> _Evidence:
    t = ev.table("lado_allegations")
    if t.empty:
        return _NONE
    start, end = cycle_bounds(cycle)
    referred = t[t["cycle"] == cycle]
    done = t[t["concluded_date"].map(lambda d: d is not None and start <= d <= end).astype(bool)]
    days = [(c - r).days for c, r in zip(done["concluded_date"], done["referral_date"], strict=True)]
    extra = (Measure("Allegations referred to the LADO", len(referred), unit="allegations"),
             Measure("Concluded this cycle: substantiated", int((done["outcome"] == "substantiated").sum()),
                     unit="allegations"),
             Measure("Open at the end of the cycle", int(t[t["referral_date"].map(lambda d: d is not None and d <= end)
                                                          & t["concluded_date"].map(lambda d: d is None or d > end)].shape[0]),
                     unit="allegations"))
    if referred.empty and done.empty:
        return _NONE
    return _rate_item(f"Allegations concluded within {ALLEGATION_DAYS} days of referral",
                      sum(d <= ALLEGATION_DAYS for d in days), len(days), rules, "lado_allegations", extra,
                      unit="allegations")


def _workforce(ev: Evidence, cycle: str) -> tuple[pd.DataFrame, _Evidence]:
    t = _cycle(ev, "workforce", cycle)
    if t.empty:
        return t, _NONE
    t = t.assign(in_post_fte=t["establishment_fte"] - t["vacancies_fte"])
    t = t.assign(vacancy_rate=t["vacancies_fte"] / t["establishment_fte"],
                 agency_share=t["agency_fte"] / t["establishment_fte"],
                 turnover=t["leavers"] / t["in_post_fte"],
                 sickness_per_fte=t["sickness_days"] / t["in_post_fte"]).sort_values("service").reset_index(drop=True)
    est, vac, post = t["establishment_fte"].sum(), t["vacancies_fte"].sum(), t["in_post_fte"].sum()
    rate = vac / est
    measures = (Measure("Establishment", value=float(est), unit="FTE"),
                Measure("Vacancy rate", value=float(rate), unit="share"),
                Measure("Agency cover", value=float(t["agency_fte"].sum() / est), unit="share"),
                Measure("Starters", int(t["starters"].sum()), unit="staff"),
                Measure("Leavers", int(t["leavers"].sum()), unit="staff"),
                Measure("Turnover (leavers per FTE in post)", value=float(t["leavers"].sum() / post), unit="share"),
                Measure("Sickness days per FTE in post", value=float(t["sickness_days"].sum() / post), unit="days"))
    j = "green" if rate <= VACANCY_GREEN else ("red" if rate > VACANCY_RED else "amber")
    return t, _Evidence(measures, "workforce", j, f"vacancy rate green at or below {VACANCY_GREEN:.0%}, red above "
                        f"{VACANCY_RED:.0%}")


def _finance(ev: Evidence, cycle: str) -> tuple[pd.DataFrame, _Evidence]:
    f = ev.table("finance")
    if f.empty or not (f["cycle"] == cycle).any():
        return f, _NONE
    end = cycle_bounds(cycle)[1]
    year = financial_year(cycle)
    in_year = f[f["cycle"].map(lambda c: financial_year(c) == year).astype(bool) & (f["cycle"] <= cycle)]
    last_month = f"{end:%Y-%m}"
    now = f[f["cycle"] == cycle]
    rows = []
    for line, g in in_year.groupby("budget_line", sort=True):
        q = now[now["budget_line"] == line]
        latest = g[g["month"] == g["month"].max()]
        rows.append({"budget_line": line, "budget": q["budget"].sum(), "actual": q["spend"].sum(),
                     "variance": q["spend"].sum() - q["budget"].sum(), "ytd_budget": g["budget"].sum(),
                     "ytd_actual": g["spend"].sum(), "ytd_variance": g["spend"].sum() - g["budget"].sum(),
                     "forecast_outturn": latest["forecast_outturn"].sum(), "forecast_month": latest["month"].max()})
    table = pd.DataFrame(rows)
    ytd_b, ytd_a = table["ytd_budget"].sum(), table["ytd_actual"].sum()
    over = (ytd_a - ytd_b) / ytd_b
    measures = (Measure("Budget this cycle", value=float(table["budget"].sum()), unit="£"),
                Measure("Actual this cycle", value=float(table["actual"].sum()), unit="£"),
                Measure("Variance this cycle", value=float(table["variance"].sum()), unit="£"),
                Measure(f"Year to date ({year}): variance", value=float(ytd_a - ytd_b), unit="£"),
                Measure(f"Forecast outturn {year} (at {last_month})", value=float(table["forecast_outturn"].sum()),
                        unit="£"))
    j = "green" if over <= OVERSPEND_GREEN else ("red" if over > OVERSPEND_RED else "amber")
    return table, _Evidence(measures, "finance", j, f"year-to-date overspend green at or below {OVERSPEND_GREEN:.0%} "
                            f"of budget, red above {OVERSPEND_RED:.0%}")


def _numbers(ev: Evidence, cycle: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    t = _cycle(ev, "cp_lac_numbers", cycle)
    t = t.assign(rate_per_10000=t["at_end"] / t["population_under_18"] * 10_000).sort_values("group").reset_index(drop=True)
    cats = _cycle(ev, "cp_categories", cycle).reset_index(drop=True)
    return t, cats


def _indicators(ev: Evidence, cycle: str, level: float) -> tuple[pd.DataFrame, tuple, _Evidence]:
    data = ev.table("indicators")
    if data.empty or not (data["cycle"] == cycle).any():
        return pd.DataFrame(), (), _NONE
    table = indicator_table(data, cycle=cycle, confidence_level=level)
    table = table.assign(label=[f"{i} {t}" for i, t in zip(table["indicator"], table["title"], strict=True)])
    changes = ev.table("indicator_changes")
    charts = []
    for row in table.itertuples():
        group = data[(data["indicator"] == row.indicator) & (data["cycle"] <= cycle)].sort_values("cycle")
        if len(group) < 2 or (group["denominator"] <= 0).any():
            continue
        cycles = group["cycle"].tolist()
        declared = set(changes.loc[changes["indicator"] == row.indicator, "from_cycle"])
        versions = group["definition_version"].tolist()
        cuts = [i for i, c in enumerate(cycles) if c in declared or (i and versions[i] != versions[i - 1])]
        cuts = [c for c in cuts if c >= 2 and len(cycles) - c >= 2]
        d = DEFINITIONS[(row.indicator, row.version)]
        charts.append((row.indicator, row.label, p_chart(group["numerator"].tolist(), group["denominator"].tolist(),
                                                         labels=cycles, improvement=d.improvement,
                                                         change_points=cuts),
                       tuple(zip(group["numerator"].astype(int), group["denominator"].astype(int), strict=True))))
    judged = table[table["meets_target"].notna()]
    met, total = int(judged["meets_target"].astype(bool).sum()), len(judged)
    j = "no evidence" if not total else ("green" if met == total else ("red" if met < total / 2 else "amber"))
    measures = (Measure("Indicators meeting target", met, total, unit="indicators"),)
    return table, tuple(charts), _Evidence(measures, "indicators; cp_lac_numbers", j,
                                           "green when all indicators with a target meet it, red when fewer than half do")


def _liaison(ev: Evidence, cycle: str, rules: Rules) -> _Evidence:
    t = _cycle(ev, "liaison_feedback", cycle)
    extra = (Measure("Liaison meetings held", len(t), unit="meetings"),
             Measure("Concerns raised", int(t["concerns_raised"].sum()), unit="concerns"))
    return _rate_item("Concerns raised at liaison meetings resolved", int(t["concerns_resolved"].sum()),
                      int(t["concerns_raised"].sum()), rules, "liaison_feedback", extra, unit="concerns")


def _returns(ev: Evidence, cycle: str) -> dict[str, tuple[ReturnStatus, ...]]:
    t = ev.table("gose_returns")
    out: dict[str, list[ReturnStatus]] = {}
    for r in t[t["cycle"] == cycle].sort_values(["due_date", "return_title"]).itertuples():
        status, late = return_status(r.due_date, r.delivered_date)
        out.setdefault(r.item, []).append(ReturnStatus(r.item, r.return_title, r.due_date, r.delivered_date, status,
                                                       late, r.presented_to))
    return {k: tuple(v) for k, v in out.items()}


def _items(ctx: Context, cycle: str) -> tuple[tuple[ItemResult, ...], dict]:
    ev, level = ctx.evidence, ctx.params.confidence_level
    rules = Rules(level=level, green=ctx.params.rag_green, red=ctx.params.rag_red)
    audits = ev.table("audits")
    audits = audits[audits["cycle"] == cycle]
    frame = ev.table("frame")
    cov = tier_coverage(ev.table("audits"), staff=ev.table("staff"), programme=ev.table("programme"), cycle=cycle)
    case = audits[audits["audit_type"] == "case file"]
    scale = ev.scales[case["grade_scale"].iloc[0]] if len(case) else None
    case_criteria = [c for c, types in zip(ev.table("criteria")["criterion"], ev.table("criteria")["audit_types"],
                                           strict=True) if CASE_CRITERIA_KEY in str(types).split(";")]
    prog = audit_programme(case, cov[cov["audit_type"] == "case file"], frame_size=int((frame["cycle"] == cycle).sum()),
                           scale=scale, criteria=ev.table("criteria"), scales=ev.scales,
                           criterion_names=case_criteria, confidence_level=level) if scale else None

    def counts(kind: str, names: tuple[str, ...], case_type: str | None = None) -> tuple[CriterionCounts, ...]:
        a = audits[(audits["audit_type"] == kind) & audits["moderation_of"].isna()]
        if case_type:
            a = a[a["case_type"] == case_type]
        return criterion_counts(a, ev.table("criteria"), ev.scales, list(names), confidence_level=level)

    supervision = counts("supervision", SUPERVISION)
    iro_cp, iro_lac = counts("iro", IRO, "CP"), counts("iro", IRO, "LAC")
    inspections, insp = _inspections(ev, cycle)
    workforce, wf = _workforce(ev, cycle)
    finance, fin = _finance(ev, cycle)
    indicators, charts, ni = _indicators(ev, cycle, level)
    evidence = {
        "G01": _user_feedback(ev, cycle, rules), "G02": _staff_feedback(ev, cycle, rules),
        "G03": _case_files(prog, rules) if prog else _NONE,
        "G04": _supervision(_pooled(supervision, "Supervision criteria met", rules, "audits (supervision)"),
                            audits, frame[frame["cycle"] == cycle]),
        "G05": _iro(iro_cp, iro_lac, rules), "G06": _complaints(ev, cycle, rules), "G07": _fostering(ev, cycle, rules),
        "G08": insp,
        "G09": _Evidence((), "delivery from gose_returns; the actions register holds the plans' actions", "no evidence", ""),
        "G10": _allegations(ev, cycle, rules), "G11": wf, "G12": fin, "G13": ni,
        "G14": _Evidence((), "gose_returns (the annual report's delivery)", "no evidence", ""),
        "G15": _liaison(ev, cycle, rules),
    }
    due = _returns(ev, cycle)
    year_back = cycle_range(previous_cycle(cycle, 3), previous_cycle(cycle))
    items = []
    for item, text, freq in GOSE_PMF:
        returns = due.get(item, ())
        e = evidence[item]
        statuses = {r.status for r in returns}
        delivery = ("missing" if "missing" in statuses else "late" if "late" in statuses else
                    "on time" if returns else "none due")
        last = None
        if not returns:
            past = [r for c in year_back for r in _returns(ev, c).get(item, ())]
            last = past[-1] if past else None
        from_delivery = {"missing": "red", "late": "amber", "on time": "green"}.get(
            delivery if returns else (last.status if last else ""), "")
        judgement = _worst(e.judgement, from_delivery)
        reason = "; ".join(x for x in (e.reason, "a missing return is red, a late one amber" if from_delivery else "")
                           if x)
        items.append(ItemResult(item, text, freq, returns, delivery, last, e.measures, e.evidence or "none",
                                judgement, reason, e.uncertain, e.basis))
    parts = {"audits": prog, "supervision": supervision, "iro_cp": iro_cp, "iro_lac": iro_lac,
             "indicators": indicators, "charts": charts, "workforce": workforce, "finance": finance,
             "inspections": inspections}
    return tuple(items), parts


_ACTIONS = {
    "missing": "Chase the missing return and agree a date with its owner",
    "late": "Agree with the owner how the return will come on time next cycle",
}


def _action(item: ItemResult) -> str:
    if item.delivery in _ACTIONS:
        return _ACTIONS[item.delivery]
    if item.evidence == "none" or item.judgement == "no evidence":
        return "Put evidence in place for this item"
    return f"Review the evidence with the owner: {item.reason.split(';')[0]}"


def gose_result(ctx: Context) -> GoseResult:
    """Compute the GOSE framework's result for the context's cycle (and last cycle, for changes)."""
    items, parts = _items(ctx, ctx.cycle)
    before, _ = _items(ctx, ctx.previous) if ctx.previous in set(ctx.evidence.table("audits")["cycle"]) else ((), {})
    prev = {i.item: i.judgement for i in before}
    ranked = []
    for i in items:
        p = prev.get(i.item)
        if p is None or p not in _ORDER or i.judgement not in _ORDER:
            change = "new" if p is None else ("same" if p == i.judgement else "changed")
        else:
            change = "same" if p == i.judgement else ("better" if _ORDER[i.judgement] < _ORDER[p] else "worse")
        ranked.append(ItemResult(**{**i.__dict__, "previous": p, "change": change}))
    rag = {k: sum(i.judgement == k for i in ranked) for k in ("green", "amber", "red", "no evidence")}
    needs = tuple(i.item for i in ranked if i.judgement == "red") + tuple(i.item for i in ranked if i.judgement == "amber")
    by_id = {i.item: i for i in ranked}
    numbers, categories = _numbers(ctx.evidence, ctx.cycle)
    return GoseResult(
        cycle=ctx.cycle, previous_cycle=ctx.previous, period=period_statement(ctx.cycle),
        confidence_level=ctx.params.confidence_level, items=tuple(ranked), rag=rag,
        needs_action=needs, actions=tuple((k, _action(by_id[k])) for k in needs),
        changes=tuple((i.item, i.previous, i.judgement, i.change) for i in ranked if i.change not in ("same", "new")),
        audits=parts["audits"], supervision=parts["supervision"], iro_cp=parts["iro_cp"], iro_lac=parts["iro_lac"],
        indicators=parts["indicators"], charts=parts["charts"], numbers=numbers, categories=categories,
        workforce=parts["workforce"], finance=parts["finance"], inspections=parts["inspections"])
