"""The GOSE framework's measures from its own datasets: feedback, complaints, private fostering,
regulated services, allegations, workforce, expenditure, indicators and liaison meetings.

Each function returns a :class:`Part`: the figures a report shows (:class:`Measure`, never judged
on their own) and the evidence lines the item is judged on, built by the workbook's one judgement
engine (:class:`review.analyses.judgement.Rates`, :func:`review.analyses.judgement.band_of`). A
rate is "k of n" with its interval and its change since last cycle tested (Newcombe); a rule on a
value (vacancy rate, overspend) is a line whose band the rule sets. Nothing here names a criterion,
indicator, audit type or agency: the datasets' columns are the data contract's.

Rules declared here, once:

- workforce: vacancy rate green at or below 10% of establishment, red above 15%
  (:data:`VACANCY_GREEN`, :data:`VACANCY_RED`);
- expenditure: financial year-to-date overspend green at or below 1% of budget, red above 3%
  (:data:`OVERSPEND_GREEN`, :data:`OVERSPEND_RED`);
- each indicator with a target is judged against its own target
  (:func:`review.analyses.mapped.indicator_thresholds`, as on every page); one without a target is
  shown, not judged;
- regulated services: the regulator's timetable (next inspection due) and its grades are shown as
  context; the item is judged on the council's actions on the findings (the evidence map).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from review.analyses.judgement import Change, EvidenceLine, Rates, band_of
from review.analyses.mapped import entry_lines
from review.config.cycles import cycle_bounds, financial_year
from review.data import Evidence
from review.data.evidence_map import MapEntry
from review.stats.indicators import DEFINITIONS, indicator_table
from review.stats.sampling import ProportionResult, proportion_ci
from review.stats.spc import p_chart

__all__ = ["ALLEGATION_DAYS", "OVERSPEND_GREEN", "OVERSPEND_RED", "VACANCY_GREEN", "VACANCY_RED", "Measure", "Part",
           "allegations", "complaints", "finance", "fostering", "indicators", "inspections", "liaison", "numbers",
           "staff_feedback", "user_feedback", "workforce"]

VACANCY_GREEN, VACANCY_RED = 0.10, 0.15
OVERSPEND_GREEN, OVERSPEND_RED = 0.01, 0.03
ALLEGATION_DAYS = 30
"""Days from referral to conclusion counted as in time for an allegation (one month; see docs/indicators.md)."""

NO_CHANGE = Change("no comparison", None)


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
class Part:
    """An item's evidence from one dataset: the figures shown and the lines it is judged on.

    Attributes
    ----------
    measures : tuple of Measure
        Shown beside the item; never judged on their own.
    lines : tuple of EvidenceLine
        Judged lines (a ``context:`` kind is shown, not judged).
    rule : str
        The rule a line's band follows when it is not the workbook's thresholds on a rate.
    """

    measures: tuple[Measure, ...] = ()
    lines: tuple[EvidenceLine, ...] = ()
    rule: str = ""


def _cycle(ev: Evidence, name: str, cycle: str) -> pd.DataFrame:
    t = ev.table(name)
    return t[t["cycle"] == cycle] if "cycle" in t.columns else t


def _prop(k: int, n: int, level: float) -> ProportionResult | None:
    return proportion_ci(int(k), int(n), method="wilson", confidence_level=level) if n else None


def _rate(rates: Rates, kind: str, source: str, unit: str, counts: Callable[[str], tuple[int, int]], cycle: str,
          previous: str) -> tuple[EvidenceLine, ...]:
    """One rate line, this cycle against the last (none when nothing was counted this cycle)."""
    now = counts(cycle)
    if not now[1]:
        return ()
    before = counts(previous)
    return (rates.line(kind, source, now, before if before[1] else None, unit),)


def _rule_line(kind: str, source: str, band: str, note: str) -> EvidenceLine:
    """A line whose band a declared rule on a value sets (no sample, so no interval and no test)."""
    return EvidenceLine(kind, source, 0, 0, "rule", None, NO_CHANGE, note, band)


def user_feedback(ev: Evidence, cycle: str, level: float) -> Part:
    """Children's and families' feedback by group, and through the advocacy route (figures only;
    the item is judged on the record measure the evidence map names)."""
    t = _cycle(ev, "user_feedback", cycle)
    measures = tuple(Measure(f"{g}: positive", int(x["positive"].sum()), int(x["responses"].sum()),
                             _prop(x["positive"].sum(), x["responses"].sum(), level), unit="responses")
                     for g, x in t.groupby("group", sort=False))
    for route, x in t.groupby("source", sort=True):
        measures += (Measure(f"Through the {route}: positive", int(x["positive"].sum()), int(x["responses"].sum()),
                             _prop(x["positive"].sum(), x["responses"].sum(), level), unit="responses"),)
    return Part(measures)


def staff_feedback(ev: Evidence, cycle: str, level: float) -> Part:
    """How many staff answered the survey (figures only; judged on the map's record measure)."""
    t = _cycle(ev, "staff_feedback", cycle)
    if t.empty:
        return Part()
    return Part((Measure("Staff who answered", int(t["responses"].sum()), int(t["invited"].sum()),
                         _prop(t["responses"].sum(), t["invited"].sum(), level), unit="staff"),))


def complaints(ev: Evidence, cycle: str, previous: str, rates: Rates) -> Part:
    """Complaints responded to in time, with complaints and compliments received."""
    def counts(c: str) -> tuple[int, int]:
        t = _cycle(ev, "complaints", c)
        return int(t["responded_in_time"].sum()), int(t["received"].sum())

    c, comp = _cycle(ev, "complaints", cycle), _cycle(ev, "compliments", cycle)
    measures: tuple[Measure, ...] = (Measure("Complaints received", int(c["received"].sum()), unit="complaints"),)
    if len(comp):
        measures += (Measure("Compliments received", int(comp["compliments"].sum()), unit="compliments"),)
    return Part(measures, _rate(rates, "complaints records", "complaints responded to in time", "complaints", counts,
                                cycle, previous))


def fostering(ev: Evidence, cycle: str, previous: str, rates: Rates) -> Part:
    """Private fostering notifications visited within 7 working days."""
    def counts(c: str) -> tuple[int, int]:
        t = _cycle(ev, "private_fostering", c)
        return int(t["visited_in_time"].sum()), int(t["notifications"].sum())

    t = _cycle(ev, "private_fostering", cycle)
    measures = (Measure("Private fostering arrangements known at the end of the cycle",
                        int(t["arrangements_open"].sum()), unit="children"),) if len(t) else ()
    return Part(measures, _rate(rates, "private fostering records", "notifications visited within 7 working days",
                                "children", counts, cycle, previous))


def inspections(ev: Evidence, cycle: str) -> tuple[pd.DataFrame, Part]:
    """Each regulated service's latest inspection: the regulator's timetable and grades, as context."""
    t = ev.table("regulated_services")
    end = cycle_bounds(cycle)[1]
    t = t[t["inspection_date"].map(lambda d: d is not None and d <= end).astype(bool)]
    if t.empty:
        return t, Part()
    latest = t.sort_values("inspection_date").groupby("service_name", sort=True).tail(1).sort_values("service_name")
    latest = latest.assign(overdue=latest["next_due"] < end).reset_index(drop=True)
    worst = latest.apply(lambda r: ev.scales[r["grade_scale"]].rated[-1] == r["grade"], axis=1)
    good = latest.apply(lambda r: r["grade"] in ev.scales[r["grade_scale"]].good_or_better, axis=1)
    measures = (Measure("Services inspected", len(latest), unit="services"),
                Measure("Next inspection overdue (the regulator's timetable)", int(latest["overdue"].sum()),
                        unit="services"),
                Measure("Graded Inadequate at the latest inspection", int(worst.sum()), unit="services"),
                Measure("Good or better at the latest inspection", int(good.sum()), len(latest), unit="services"))
    return latest, Part(measures)


def allegations(ev: Evidence, cycle: str, previous: str, rates: Rates) -> Part:
    """Allegations against staff concluded within :data:`ALLEGATION_DAYS` days of referral."""
    t = ev.table("lado_allegations")
    if t.empty:
        return Part()

    def concluded(c: str) -> pd.DataFrame:
        start, end = cycle_bounds(c)
        return t[t["concluded_date"].map(lambda d: d is not None and not pd.isna(d) and start <= d <= end).astype(bool)]

    def counts(c: str) -> tuple[int, int]:
        done = concluded(c)
        days = [(d - r).days for d, r in zip(done["concluded_date"], done["referral_date"], strict=True)]
        return sum(d <= ALLEGATION_DAYS for d in days), len(days)

    end = cycle_bounds(cycle)[1]
    referred, done = t[t["cycle"] == cycle], concluded(cycle)
    if referred.empty and done.empty:
        return Part()
    still_open = t[t["referral_date"].map(lambda d: d is not None and d <= end).astype(bool)
                   & t["concluded_date"].map(lambda d: d is None or pd.isna(d) or d > end).astype(bool)]
    measures = (Measure("Allegations referred to the LADO (local authority designated officer)", len(referred),
                        unit="allegations"),
                Measure("Concluded this cycle: substantiated", int((done["outcome"] == "substantiated").sum()),
                        unit="allegations"),
                Measure("Open at the end of the cycle", len(still_open), unit="allegations"))
    return Part(measures, _rate(rates, "allegations records", f"allegations concluded within {ALLEGATION_DAYS} days "
                                "of referral", "allegations", counts, cycle, previous))


def workforce(ev: Evidence, cycle: str) -> tuple[pd.DataFrame, Part]:
    """Recruitment, retention and sickness per service; judged on the vacancy rate."""
    t = _cycle(ev, "workforce", cycle)
    if t.empty:
        return t, Part()
    t = t.assign(in_post_fte=t["establishment_fte"] - t["vacancies_fte"])
    t = t.assign(vacancy_rate=t["vacancies_fte"] / t["establishment_fte"],
                 agency_share=t["agency_fte"] / t["establishment_fte"],
                 turnover=t["leavers"] / t["in_post_fte"],
                 sickness_per_fte=t["sickness_days"] / t["in_post_fte"]).sort_values("service").reset_index(drop=True)
    est, vac, post = t["establishment_fte"].sum(), t["vacancies_fte"].sum(), t["in_post_fte"].sum()
    rate = float(vac / est)
    measures = (Measure("Establishment", value=float(est), unit="FTE"),
                Measure("Vacancy rate", value=rate, unit="share"),
                Measure("Agency cover", value=float(t["agency_fte"].sum() / est), unit="share"),
                Measure("Starters", int(t["starters"].sum()), unit="staff"),
                Measure("Leavers", int(t["leavers"].sum()), unit="staff"),
                Measure("Turnover (leavers per FTE in post)", value=float(t["leavers"].sum() / post), unit="share"),
                Measure("Sickness days per FTE in post", value=float(t["sickness_days"].sum() / post), unit="days"))
    # lower is better: green at or below VACANCY_GREEN, red above VACANCY_RED (negated for band_of)
    band = band_of(-rate, green=-VACANCY_GREEN, red=-VACANCY_RED)
    rule = f"vacancy rate green at or below {VACANCY_GREEN:.0%} of establishment, red above {VACANCY_RED:.0%}"
    return t, Part(measures, (_rule_line("workforce records", "vacancy rate", band,
                                         f"vacancy rate {100 * rate:.1f}% of establishment"),), rule)


def finance(ev: Evidence, cycle: str) -> tuple[pd.DataFrame, Part]:
    """Expenditure by budget line: the quarter, the financial year to date, the forecast outturn."""
    f = ev.table("finance")
    if f.empty or not (f["cycle"] == cycle).any():
        return f, Part()
    end = cycle_bounds(cycle)[1]
    year = financial_year(cycle)
    in_year = f[f["cycle"].map(lambda c: financial_year(c) == year).astype(bool) & (f["cycle"] <= cycle)]
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
    over = float((ytd_a - ytd_b) / ytd_b)
    measures = (Measure("Budget this cycle", value=float(table["budget"].sum()), unit="£"),
                Measure("Actual this cycle", value=float(table["actual"].sum()), unit="£"),
                Measure("Variance this cycle", value=float(table["variance"].sum()), unit="£"),
                Measure(f"Year to date ({year}): variance", value=float(ytd_a - ytd_b), unit="£"),
                Measure(f"Forecast outturn {year} (at {end:%Y-%m})", value=float(table["forecast_outturn"].sum()),
                        unit="£"))
    band = band_of(-over, green=-OVERSPEND_GREEN, red=-OVERSPEND_RED)  # lower is better
    rule = (f"year-to-date overspend green at or below {OVERSPEND_GREEN:.0%} of budget, red above "
            f"{OVERSPEND_RED:.0%}")
    return table, Part(measures, (_rule_line("expenditure records", "year-to-date overspend", band,
                                             f"year-to-date {'overspend' if over > 0 else 'underspend'} "
                                             f"{100 * abs(over):.1f}% of budget"),), rule)


def numbers(ev: Evidence, cycle: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Children on a plan and looked after, with rates per 10,000 under-18s, and plans by category."""
    t = _cycle(ev, "cp_lac_numbers", cycle)
    t = t.assign(rate_per_10000=t["at_end"] / t["population_under_18"] * 10_000).sort_values("group").reset_index(drop=True)
    cats = _cycle(ev, "cp_categories", cycle).reset_index(drop=True)
    return t, cats


def indicators(ev: Evidence, cycle: str, previous: str, rates: Rates) -> tuple[pd.DataFrame, tuple, Part]:
    """Every indicator returned this cycle: the table (with each indicator's ``band``), its control
    charts, and one line per indicator.

    An indicator with a target is judged against its own target exactly as every other page judges
    it (the evidence map's indicator lines, :func:`review.analyses.mapped.indicator_thresholds`);
    one without a target is shown as context.
    """
    data = ev.table("indicators")
    if data.empty or not (data["cycle"] == cycle).any():
        return pd.DataFrame(), (), Part()
    table = indicator_table(data, cycle=cycle, confidence_level=rates.level)
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
    lines: list[EvidenceLine] = []
    bands = []
    for row in table.itertuples():
        targeted = row.target is not None and not pd.isna(row.target)
        entry = MapEntry("indicator", str(row.indicator), None, (), "tests" if targeted else "context",
                         "performance against the indicator's own target")
        mine = entry_lines(ev, entry, rates=rates, cycle=cycle, previous=previous)
        bands.append(mine[0].band if mine and targeted else "not judged")
        lines += mine
    table = table.assign(band=bands)
    judged = [ln for ln in lines if not ln.kind.startswith("context")]
    rule = "each indicator with a target is judged against its own target; the item takes the worst"
    return table, tuple(charts), Part((Measure("Indicators with a target", len(judged), unit="indicators"),),
                                      tuple(lines), rule)


def liaison(ev: Evidence, cycle: str, previous: str, rates: Rates) -> Part:
    """Concerns raised by other agencies at liaison meetings that were resolved."""
    def counts(c: str) -> tuple[int, int]:
        t = _cycle(ev, "liaison_feedback", c)
        return int(t["concerns_resolved"].sum()), int(t["concerns_raised"].sum())

    t = _cycle(ev, "liaison_feedback", cycle)
    if t.empty:
        return Part()
    measures = (Measure("Liaison meetings held", len(t), unit="meetings"),
                Measure("Concerns raised", int(t["concerns_raised"].sum()), unit="concerns"))
    return Part(measures, _rate(rates, "liaison records", "concerns raised at liaison meetings that were resolved",
                                "concerns", counts, cycle, previous))
