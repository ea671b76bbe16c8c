"""The GOSE framework's figures from its own datasets: feedback, complaints, private fostering,
regulated services, allegations, workforce, expenditure, indicators and liaison meetings.

Each function returns a :class:`Part`: the figures a report shows beside an item
(:class:`Measure`, never judged on their own). What an item is judged on comes from the council's
evidence map alone: the record measures (:mod:`review.analyses.records`) read the same datasets
through the functions here (:func:`concluded_allegations`, :func:`workforce_table`,
:func:`workforce_totals`, :func:`expenditure_table`, :func:`overspend`), so each figure has one
implementation. Nothing here names a criterion, indicator, audit type or agency: the datasets'
columns are the data contract's.

Rules declared here, once, and applied by the record measures that name them:

- workforce (record measure ``vacancies``): vacancy rate green at or below 10% of establishment,
  red above 15% (:data:`VACANCY_GREEN`, :data:`VACANCY_RED`);
- expenditure (record measure ``expenditure``): financial year-to-date overspend green at or below
  1% of budget, red above 3% (:data:`OVERSPEND_GREEN`, :data:`OVERSPEND_RED`);
- allegations against staff (record measure ``allegations_in_time``): concluded within
  :data:`ALLEGATION_DAYS` days of referral;
- regulated services: the regulator's timetable (next inspection due) and its grades are shown as
  context; the item is judged on the council's actions on the findings (the evidence map).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from review.analyses._evidence import read_only
from review.analyses.judgement import EvidenceLine
from review.config.cycles import cycle_bounds, financial_year
from review.data import Evidence
from review.stats.indicators import definitions_from, indicator_table
from review.stats.sampling import ProportionResult, proportion_ci
from review.stats.spc import p_chart

__all__ = ["ALLEGATION_DAYS", "OVERSPEND_GREEN", "OVERSPEND_RED", "VACANCY_GREEN", "VACANCY_RED", "Measure", "Part",
           "WorkforceTotals", "allegations", "complaints", "concluded_allegations", "expenditure_table", "finance",
           "fostering", "indicators", "inspections", "liaison", "numbers", "overspend", "staff_feedback",
           "user_feedback", "workforce", "workforce_table", "workforce_totals"]

VACANCY_GREEN, VACANCY_RED = 0.10, 0.15
"""Vacancy rate (vacant FTE of the establishment): green at or below 10%, red above 15% (the workbook's own)."""
OVERSPEND_GREEN, OVERSPEND_RED = 0.01, 0.03
"""Year-to-date overspend as a share of budget: green at or below 1%, red above 3% (the workbook's own)."""
ALLEGATION_DAYS = 30
"""Days from referral to conclusion counted as in time for an allegation (one month; see docs/indicators.md)."""


@dataclass(frozen=True)
class Measure:
    """One figure of an item's evidence. A view formats it under the disclosure policy.

    ``count`` of ``of`` with ``estimate`` is a proportion (its interval where a sample is
    involved); ``count`` alone is a number of children, staff or events; ``value`` with ``unit``
    is anything else (a rate per 10,000, pounds, days per FTE).

    ``part_of`` names a partition the measure is one part of: the item's measures with the same
    ``part_of`` split one whole between them (feedback by group: every response in exactly one
    group), so their counts add up to the whole's, which the item's own evidence line may print on
    any page of the cycle. Disclosure control reads it (:mod:`review.analyses.gose_figures`): a part
    withheld takes another with it, or it would be the whole less the others.
    """

    label: str
    count: int | None = None
    of: int | None = None
    estimate: ProportionResult | None = None
    value: float | None = None
    unit: str = ""
    part_of: str = ""


@dataclass(frozen=True)
class Part:
    """An item's figures from one dataset, shown beside it and never judged on their own.

    Attributes
    ----------
    measures : tuple of Measure
        Shown beside the item.
    lines : tuple of EvidenceLine
        Lines the item is judged on that come from outside the evidence map's entries (the
        audit programmes' own lines, :mod:`review.analyses.gose`); empty for every dataset here.
    rule : str
        A rule a line's band follows when it is not the workbook's thresholds on a rate.
    """

    measures: tuple[Measure, ...] = ()
    lines: tuple[EvidenceLine, ...] = ()
    rule: str = ""


def _cycle(ev: Evidence, name: str, cycle: str) -> pd.DataFrame:
    t = read_only(ev, name)
    return t[t["cycle"] == cycle] if "cycle" in t.columns else t


def _prop(k: int, n: int, level: float) -> ProportionResult | None:
    return proportion_ci(int(k), int(n), method="wilson", confidence_level=level) if n else None


def user_feedback(ev: Evidence, cycle: str, level: float) -> Part:
    """Children's and families' feedback by group, and through the advocacy route (figures only;
    the item is judged on the record measure the evidence map names).

    The groups are one partition of the cycle's responses and the routes another (``part_of``
    ``group`` and ``route``): each adds up to the responses the record measure counts.

    Examples
    --------
    >>> from types import MappingProxyType
    >>> t = pd.DataFrame({"cycle": ["Q"] * 3, "group": ["LAC", "CIN", "LAC"], "source": ["survey"] * 3,
    ...                   "positive": [5, 4, 6], "responses": [9, 7, 10]})
    >>> ev = Evidence("example", MappingProxyType({"user_feedback": t}), MappingProxyType({}), ())
    >>> [(m.label, m.count, m.of, m.part_of) for m in user_feedback(ev, "Q", 0.95).measures]
    [('LAC: positive', 11, 19, 'group'), ('CIN: positive', 4, 7, 'group'), ('Through the survey: positive', 15, 26, 'route')]
    """
    t = _cycle(ev, "user_feedback", cycle)
    measures = tuple(Measure(f"{g}: positive", int(x["positive"].sum()), int(x["responses"].sum()),
                             _prop(x["positive"].sum(), x["responses"].sum(), level), unit="responses",
                             part_of="group")
                     for g, x in t.groupby("group", sort=False, dropna=False))
    for route, x in t.groupby("source", sort=True, dropna=False):
        measures += (Measure(f"Through the {route}: positive", int(x["positive"].sum()), int(x["responses"].sum()),
                             _prop(x["positive"].sum(), x["responses"].sum(), level), unit="responses",
                             part_of="route"),)
    return Part(measures)


def staff_feedback(ev: Evidence, cycle: str, level: float) -> Part:
    """How many staff answered the survey (figures only; judged on the map's record measure)."""
    t = _cycle(ev, "staff_feedback", cycle)
    if t.empty:
        return Part()
    return Part((Measure("Staff who answered", int(t["responses"].sum()), int(t["invited"].sum()),
                         _prop(t["responses"].sum(), t["invited"].sum(), level), unit="staff"),))


def complaints(ev: Evidence, cycle: str) -> Part:
    """Complaints and compliments received (figures only; the item is judged on the map's record
    measure, e.g. ``complaints_in_time``)."""
    c, comp = _cycle(ev, "complaints", cycle), _cycle(ev, "compliments", cycle)
    measures: tuple[Measure, ...] = (Measure("Complaints received", int(c["received"].sum()), unit="complaints"),)
    if len(comp):
        measures += (Measure("Compliments received", int(comp["compliments"].sum()), unit="compliments"),)
    return Part(measures)


def fostering(ev: Evidence, cycle: str) -> Part:
    """Private fostering arrangements known at the cycle's end (figures only; judged on the map's
    record measure, e.g. ``private_fostering_visits``)."""
    t = _cycle(ev, "private_fostering", cycle)
    measures = (Measure("Private fostering arrangements known at the end of the quarter",
                        int(t["arrangements_open"].sum()), unit="children"),) if len(t) else ()
    return Part(measures)


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


def _dated(d: object) -> bool:
    return d is not None and not pd.isna(d)


def concluded_allegations(ev: Evidence, cycle: str) -> pd.DataFrame:
    """Allegations against staff concluded within the cycle's months (whatever cycle they were referred in).

    Examples
    --------
    >>> import datetime as dt
    >>> from types import MappingProxyType
    >>> t = pd.DataFrame({"allegation_ref": ["L1", "L2"], "cycle": ["2009-Q3", "2009-Q4"],
    ...                   "referral_date": [dt.date(2009, 9, 1), dt.date(2009, 12, 1)],
    ...                   "outcome": ["unfounded", "ongoing"], "concluded_date": [dt.date(2009, 10, 1), None]})
    >>> ev = Evidence("example", MappingProxyType({"lado_allegations": t}), MappingProxyType({}), ())
    >>> concluded_allegations(ev, "2009-Q4")["allegation_ref"].tolist()
    ['L1']
    """
    t = read_only(ev, "lado_allegations")
    start, end = cycle_bounds(cycle)
    return t[t["concluded_date"].map(lambda d: _dated(d) and start <= d <= end).astype(bool)]


def allegations(ev: Evidence, cycle: str) -> Part:
    """Allegations against staff referred, concluded as substantiated, and still open (figures only;
    the item is judged on the map's record measure, e.g. ``allegations_in_time``)."""
    t = ev.table("lado_allegations")
    if t.empty:
        return Part()
    end = cycle_bounds(cycle)[1]
    referred, done = t[t["cycle"] == cycle], concluded_allegations(ev, cycle)
    if referred.empty and done.empty:
        return Part()
    still_open = t[t["referral_date"].map(lambda d: d is not None and d <= end).astype(bool)
                   & t["concluded_date"].map(lambda d: not _dated(d) or d > end).astype(bool)]
    measures = (Measure("Allegations referred to the LADO (local authority designated officer)", len(referred),
                        unit="allegations"),
                Measure("Concluded this quarter: substantiated", int((done["outcome"] == "substantiated").sum()),
                        unit="allegations"),
                Measure("Open at the end of the quarter", len(still_open), unit="allegations"))
    return Part(measures)


@dataclass(frozen=True)
class WorkforceTotals:
    """The cycle's workforce over every service: FTE and rates (unrounded).

    ``vacancy_rate`` and ``agency_share`` are of the establishment; ``turnover`` (leavers) and
    ``sickness_per_fte`` (days lost) are per FTE in post.
    """

    establishment_fte: float
    vacancy_rate: float
    agency_share: float
    starters: int
    leavers: int
    turnover: float
    sickness_per_fte: float


def workforce_table(ev: Evidence, cycle: str) -> pd.DataFrame:
    """The cycle's workforce per service with its rates (empty when the cycle has no return)."""
    t = _cycle(ev, "workforce", cycle)
    if t.empty:
        return t
    t = t.assign(in_post_fte=t["establishment_fte"] - t["vacancies_fte"])
    return t.assign(vacancy_rate=t["vacancies_fte"] / t["establishment_fte"],
                    agency_share=t["agency_fte"] / t["establishment_fte"],
                    turnover=t["leavers"] / t["in_post_fte"],
                    sickness_per_fte=t["sickness_days"] / t["in_post_fte"]).sort_values("service").reset_index(drop=True)


def workforce_totals(table: pd.DataFrame) -> WorkforceTotals | None:
    """Totals over the services of :func:`workforce_table` (None when it is empty).

    >>> t = pd.DataFrame({"establishment_fte": [20.0, 20.0], "vacancies_fte": [1.0, 3.0], "agency_fte": [1.0, 1.0],
    ...                   "starters": [1, 0], "leavers": [2, 1], "sickness_days": [18.0, 18.0]})
    >>> w = workforce_totals(t.assign(in_post_fte=t["establishment_fte"] - t["vacancies_fte"]))
    >>> w.vacancy_rate, w.turnover, w.sickness_per_fte  # 4/40; 3/36; 36/36
    (0.1, 0.08333333333333333, 1.0)
    """
    if table.empty:
        return None
    est, post = float(table["establishment_fte"].sum()), float(table["in_post_fte"].sum())
    return WorkforceTotals(est, float(table["vacancies_fte"].sum()) / est, float(table["agency_fte"].sum()) / est,
                           int(table["starters"].sum()), int(table["leavers"].sum()),
                           float(table["leavers"].sum()) / post, float(table["sickness_days"].sum()) / post)


def workforce(ev: Evidence, cycle: str) -> tuple[pd.DataFrame, Part]:
    """Recruitment, retention and sickness per service, and their totals (figures only; the item is
    judged on the map's record measure, e.g. ``vacancies``)."""
    t = workforce_table(ev, cycle)
    w = workforce_totals(t)
    if w is None:
        return t, Part()
    measures = (Measure("Establishment", value=w.establishment_fte, unit="FTE"),
                Measure("Vacancy rate", value=w.vacancy_rate, unit="share"),
                Measure("Agency cover", value=w.agency_share, unit="share"),
                Measure("Starters", w.starters, unit="staff"),
                Measure("Leavers", w.leavers, unit="staff"),
                Measure("Turnover (leavers per FTE in post)", value=w.turnover, unit="share"),
                Measure("Sickness days per FTE in post", value=w.sickness_per_fte, unit="days"))
    return t, Part(measures)


def expenditure_table(ev: Evidence, cycle: str) -> pd.DataFrame:
    """Expenditure by budget line: the quarter, the financial year to date and the forecast outturn
    (empty when the cycle has no months)."""
    f = read_only(ev, "finance")
    if f.empty or not (f["cycle"] == cycle).any():
        return pd.DataFrame()
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
    return pd.DataFrame(rows)


def overspend(table: pd.DataFrame) -> float | None:
    """Year-to-date spend over budget as a share of the year-to-date budget (negative: underspend;
    None when :func:`expenditure_table` is empty).

    >>> overspend(pd.DataFrame({"ytd_budget": [300.0, 100.0], "ytd_actual": [310.0, 103.0]}))  # 13/400
    0.0325
    """
    if table.empty:
        return None
    ytd_b, ytd_a = float(table["ytd_budget"].sum()), float(table["ytd_actual"].sum())
    return (ytd_a - ytd_b) / ytd_b


def finance(ev: Evidence, cycle: str) -> tuple[pd.DataFrame, Part]:
    """Expenditure by budget line, and its totals (figures only; the item is judged on the map's
    record measure, e.g. ``expenditure``)."""
    table = expenditure_table(ev, cycle)
    if table.empty:
        return table, Part()
    end = cycle_bounds(cycle)[1]
    year = financial_year(cycle)
    ytd = float(table["ytd_actual"].sum() - table["ytd_budget"].sum())
    measures = (Measure("Budget this quarter", value=float(table["budget"].sum()), unit="£"),
                Measure("Actual this quarter", value=float(table["actual"].sum()), unit="£"),
                Measure("Variance this quarter", value=float(table["variance"].sum()), unit="£"),
                Measure(f"Year to date ({year}): variance", value=ytd, unit="£"),
                Measure(f"Forecast outturn {year} (at {end:%Y-%m})", value=float(table["forecast_outturn"].sum()),
                        unit="£"))
    return table, Part(measures)


def numbers(ev: Evidence, cycle: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Children on a plan and looked after, with rates per 10,000 under-18s, and plans by category."""
    t = _cycle(ev, "cp_lac_numbers", cycle)
    t = t.assign(rate_per_10000=t["at_end"] / t["population_under_18"] * 10_000).sort_values("group").reset_index(drop=True)
    cats = _cycle(ev, "cp_categories", cycle).reset_index(drop=True)
    return t, cats


def indicators(ev: Evidence, cycle: str, level: float) -> tuple[pd.DataFrame, tuple, Part]:
    """Every indicator returned this cycle: the table (:func:`review.stats.indicators.indicator_table`
    with ``label``) and its control charts, with the number of indicators that have a target.

    Which indicators test the item, each against its own target, is the evidence map's
    (:mod:`review.analyses.gose` adds each indicator's band as the item judges it).
    """
    data = ev.table("indicators")
    if data.empty or not (data["cycle"] == cycle).any():
        return pd.DataFrame(), (), Part()
    known = definitions_from(ev.table("indicator_definitions"))
    table = indicator_table(data, cycle=cycle, confidence_level=level, definitions=known)
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
        d = known[(row.indicator, row.version)]
        charts.append((row.indicator, row.label, p_chart(group["numerator"].tolist(), group["denominator"].tolist(),
                                                         labels=cycles, improvement=d.improvement,
                                                         change_points=cuts),
                       tuple(group[["numerator", "denominator"]].astype(int).itertuples(index=False, name=None))))
    targeted = int(table["target"].map(lambda t: t is not None and not pd.isna(t)).sum())
    return table, tuple(charts), Part((Measure("Indicators with a target", targeted, unit="indicators"),))


def liaison(ev: Evidence, cycle: str) -> Part:
    """Liaison meetings held and concerns other agencies raised at them (figures only; the item is
    judged on the map's record measure, e.g. ``liaison_resolved``)."""
    t = _cycle(ev, "liaison_feedback", cycle)
    if t.empty:
        return Part()
    return Part((Measure("Liaison meetings held", len(t), unit="meetings"),
                 Measure("Concerns raised", int(t["concerns_raised"].sum()), unit="concerns")))
