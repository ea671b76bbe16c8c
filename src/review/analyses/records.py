"""The workbook's record measures: evidence from a council's records rather than its audits.

The evidence map names a record measure (:data:`review.data.schema.RECORDS`) against the items it
tests; :func:`record_lines` computes it for a cycle. Counts of things (challenges, reports,
actions) are declared as such in each line's unit; counts of people (staff) are protected.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from review.analyses.judgement import Change, EvidenceLine, Rates
from review.config.cycles import cycle_bounds
from review.data import Evidence
from review.data.evidence_map import MapEntry, split_list

__all__ = ["indicator_areas", "record_lines"]

Counts = Callable[[Evidence, MapEntry, str], tuple[int, int]]


def _rows(evidence: Evidence, name: str, cycle: str) -> pd.DataFrame:
    table = evidence.tables[name] if name in evidence.tables else evidence.table(name)
    return table[table["cycle"] == cycle]


def _chair(evidence: Evidence, entry: MapEntry, rates: Rates, cycle: str, previous: str) -> list[EvidenceLine]:
    row = _rows(evidence, "lscb_board", cycle)
    if row.empty:
        return []
    independent = bool(row["chair_independent"].iloc[0])
    return [EvidenceLine("LSCB records", "independence of the chair", 0, 0, "cycles", None,
                         Change("no comparison", None),
                         "the chair is independent" if independent else "the chair is not independent",
                         "green" if independent else "red")]


def _rate(kind: str, source: str, unit: str, counts: Counts) -> Callable[..., list[EvidenceLine]]:
    """A measure that is k of n this cycle, compared with last cycle's k of n."""
    def build(evidence: Evidence, entry: MapEntry, rates: Rates, cycle: str, previous: str) -> list[EvidenceLine]:
        now = counts(evidence, entry, cycle)
        if not now[1]:
            return []
        before = counts(evidence, entry, previous)
        return [rates.line(kind, source, now, before if before[1] else None, unit)]
    return build


def _challenges(evidence: Evidence, entry: MapEntry, cycle: str) -> tuple[int, int]:
    mine = _rows(evidence, "lscb_challenges", cycle)
    return int(mine["answered_date"].notna().sum()), len(mine)


def _scrutiny_challenges(evidence: Evidence, entry: MapEntry, cycle: str) -> tuple[int, int]:
    mine = _rows(evidence, "scrutiny", cycle)
    return int(mine["challenges_answered"].sum()), int(mine["challenges_made"].sum())


def _scrutiny_reports(evidence: Evidence, entry: MapEntry, cycle: str) -> tuple[int, int]:
    mine = _rows(evidence, "scrutiny", cycle)
    return int(mine["presented_date"].notna().sum()), len(mine)


def _agencies(frame: pd.DataFrame, entry: MapEntry, column: str = "agency") -> pd.DataFrame:
    return frame[frame[column].isin(entry.agencies)] if entry.agencies else frame


def _training(evidence: Evidence, entry: MapEntry, cycle: str) -> tuple[int, int]:
    mine = _agencies(_rows(evidence, "training", cycle), entry)
    return int(mine["completed"].sum()), int(mine["required"].sum())


def _staff_feedback(evidence: Evidence, entry: MapEntry, cycle: str) -> tuple[int, int]:
    mine = _rows(evidence, "staff_feedback", cycle)
    return int(mine["positive"].sum()), int(mine["responses"].sum())


def _user_feedback(evidence: Evidence, entry: MapEntry, cycle: str) -> tuple[int, int]:
    mine = _rows(evidence, "user_feedback", cycle)
    return int(mine["positive"].sum()), int(mine["responses"].sum())


def _actions_on_track(source: str) -> Counts:
    """Actions of a source open at the cycle's end or closed in it: done, or not yet overdue."""
    def counts(evidence: Evidence, entry: MapEntry, cycle: str) -> tuple[int, int]:
        actions = evidence.tables.get("actions")
        if actions is None:
            return 0, 0
        start, end = cycle_bounds(cycle)
        mine = actions[(actions["source"] == source) & (actions["cycle_raised"] <= cycle)]
        live = mine[mine["closed_date"].isna() | mine["closed_date"].map(
            lambda d: d is not None and not pd.isna(d) and d >= start)]
        on_track = sum(1 for r in live.itertuples() if (r.status == "done" and r.closed_date is not None
                                                         and not pd.isna(r.closed_date) and r.closed_date <= end)
                       or (r.status != "dropped" and r.due_date is not None and r.due_date > end))
        return on_track, len(live)
    return counts


def _partner_staffing(evidence: Evidence, entry: MapEntry, cycle: str) -> tuple[int, int]:
    """Safeguarding posts filled, in whole FTE (rounded down), of the establishment (rounded up)."""
    mine = _agencies(_rows(evidence, "partner_staffing", cycle), entry)
    establishment = float(mine["establishment_fte"].sum())
    filled = establishment - float(mine["vacancies_fte"].sum())
    return int(filled // 1), int(-(-establishment // 1))


def indicator_areas(evidence: Evidence, cycle: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The indicators reported this cycle whose area of practice has analysed audit learning, and all
    indicators reported; None when no theme declares the indicators it speaks to (``themes.indicators``)
    or the folder holds no ``audit_learning`` (no evidence, never a judgement on absence alone). A folder
    that records learning but recorded none on this cycle's audits has no area analysed.

    An indicator's area is analysed when a theme that speaks to it (``themes.indicators``) was recorded,
    as a strength or a concern, on at least one of this cycle's audits (``audit_learning``).

    Examples
    --------
    NI59 and NI60 are reported; "risk analysis" speaks to NI59 and was recorded on A1 this cycle;
    "timeliness" speaks to NI60 but was recorded on no audit this cycle: 1 area of 2.

    >>> import pandas as pd
    >>> from types import MappingProxyType
    >>> from review.data.load import Evidence
    >>> t = {"indicators": pd.DataFrame({"cycle": ["2009-Q1"] * 2, "indicator": ["NI59", "NI60"]}),
    ...      "themes": pd.DataFrame({"theme": ["risk analysis", "timeliness"], "indicators": ["NI59", "NI60"]}),
    ...      "audits": pd.DataFrame({"audit_id": ["A1", "A2"], "cycle": ["2009-Q1", "2008-Q4"]}),
    ...      "audit_learning": pd.DataFrame({"audit_id": ["A1", "A2"], "theme": ["risk analysis", "timeliness"]})}
    >>> indicator_areas(Evidence("x", MappingProxyType(t), {}, ()), "2009-Q1")
    (('NI59',), ('NI59', 'NI60'))
    """
    themes = evidence.tables.get("themes")
    learning, audits = evidence.tables.get("audit_learning"), evidence.tables.get("audits")
    if themes is None or not themes["indicators"].notna().any() or learning is None or audits is None:
        return None  # no evidence: never judged on absence alone
    reported = tuple(sorted({str(i) for i in _rows(evidence, "indicators", cycle)["indicator"]}))
    in_cycle = set(audits.loc[audits["cycle"] == cycle, "audit_id"])
    recorded = set(learning.loc[learning["audit_id"].isin(in_cycle), "theme"])
    covered = {name for theme, names in zip(themes["theme"], themes["indicators"], strict=True)
               if theme in recorded for name in split_list(names)}
    return tuple(i for i in reported if i in covered), reported


def _areas(evidence: Evidence, entry: MapEntry, rates: Rates, cycle: str, previous: str) -> list[EvidenceLine]:
    """Indicator areas with analysed audit learning: every area counted (a census), so no interval."""
    found = indicator_areas(evidence, cycle)
    if found is None or not found[1]:
        return []
    missing = [i for i in found[1] if i not in found[0]]
    note = f"no audit learning this cycle on the area of {', '.join(missing)}" if missing else ""
    return [rates.line("audit learning", "indicators reported whose area of practice has themes recorded on this "
                       "cycle's audits (qualitative analysis behind the figures)", (len(found[0]), len(found[1])),
                       None, "areas", census=True, note=note)]


MEASURES: dict[str, Callable[..., list[EvidenceLine]]] = {
    "lscb_chair": _chair,
    "lscb_challenges": _rate("LSCB records", "challenges raised with member agencies that were answered",
                             "challenges", _challenges),
    "scrutiny": _rate("scrutiny records", "challenges made by scrutiny, the LSCB and elected members that were "
                      "answered in writing", "challenges", _scrutiny_challenges),
    "scrutiny_reports": _rate("scrutiny records", "performance reports planned for scrutiny, the LSCB and elected "
                              "members that were taken", "reports", _scrutiny_reports),
    "training": _rate("training records", "staff trained in safeguarding and in date", "staff", _training),
    "staff_feedback": _rate("staff survey", "staff responses positive about the service", "staff", _staff_feedback),
    "user_feedback": _rate("user feedback", "children's and families' responses that were positive", "responses",
                           _user_feedback),
    "scr_actions": _rate("action register", "serious case review actions done, or not yet due", "actions",
                         _actions_on_track("scr")),
    "inspection_actions": _rate("action register", "actions on inspection findings done, or not yet due", "actions",
                                _actions_on_track("inspection")),
    "partner_staffing": _rate("staffing records", "partner agencies' safeguarding posts filled (FTE)", "posts",
                              _partner_staffing),
    "indicator_areas_analysed": _areas,
}
"""Each record measure of :data:`review.data.schema.RECORDS`, by name."""


def record_lines(evidence: Evidence, entry: MapEntry, rates: Rates, *, cycle: str, previous: str) -> list[EvidenceLine]:
    """The lines of one record measure this cycle (empty when the records hold nothing for it)."""
    return MEASURES[entry.evidence](evidence, entry, rates, cycle, previous)

