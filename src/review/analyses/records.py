"""The workbook's record measures: evidence from a council's records rather than its audits.

The evidence map names a record measure (:data:`review.data.schema.RECORDS`) against the items it
tests; :func:`record_lines` computes it for a cycle. Most are "k of n" this cycle, compared with
last cycle's k of n. Counts of things (challenges, reports, actions) are declared as such in each
line's unit; counts of people are protected: staff, children, and complaints, allegations and
concerns (each made by or about a person).

A measure that is a value, not k of n (``vacancies``, ``expenditure``), is banded by a rule with its
thresholds declared once where the GOSE framework declares them
(:data:`review.analyses.gose_measures.VACANCY_GREEN` and the rest): its line counts nothing
(``unit`` ``rule``, ``n`` 0), carries the value in its note and the rule's band as ``forced_band``,
and has no interval and no test of change (:data:`RULES` states each rule in words).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pandas as pd

from review.analyses._evidence import read_only
from review.analyses.audit_learning import theme_auditors
from review.analyses.gose_measures import (
    ALLEGATION_DAYS,
    OVERSPEND_GREEN,
    OVERSPEND_RED,
    VACANCY_GREEN,
    VACANCY_RED,
    concluded_allegations,
    expenditure_table,
    overspend,
    workforce_table,
    workforce_totals,
)
from review.analyses.judgement import Change, EvidenceLine, Rates, band_of
from review.config.cycles import cycle_bounds
from review.data import Evidence
from review.data.evidence_map import MapEntry, split_list

__all__ = ["CORROBORATING_AUDITORS", "CORROBORATING_WORDS", "MEASURES", "RULES", "area_themes", "indicator_areas", "record_lines"]

Counts = Callable[[Evidence, MapEntry, str], tuple[int, int]]
Value = Callable[[Evidence, MapEntry, str], float | None]
NO_CHANGE = Change("no comparison", None)


def _rows(evidence: Evidence, name: str, cycle: str) -> pd.DataFrame:
    table = read_only(evidence, name)
    return table[table["cycle"] == cycle]


def _chair(evidence: Evidence, entry: MapEntry, rates: Rates, cycle: str, previous: str) -> list[EvidenceLine]:
    """The chair's independence: a condition. A chair who is not independent makes the item red; an
    independent chair is shown beside the item and never judged, so it never makes an item green on
    its own (it says nothing of how well the board works)."""
    row = _rows(evidence, "lscb_board", cycle)
    if row.empty:
        return []
    independent = bool(row["chair_independent"].iloc[0])
    line = EvidenceLine("LSCB records", "independence of the chair", 0, 0, "cycles", None, NO_CHANGE,
                        "the chair is independent (a condition met: not evidence of how well the board works)"
                        if independent else "the chair is not independent", "green" if independent else "red")
    return [replace(line, context=True) if independent else line]


def _attendance(evidence: Evidence, entry: MapEntry, cycle: str) -> tuple[int, int]:
    """Member agencies' places at the cycle's board meetings where the agency was represented, of the
    places (none when the board's records do not hold both figures)."""
    mine = _rows(evidence, "lscb_board", cycle)
    if mine.empty or "member_places" not in mine or "member_attendances" not in mine:
        return 0, 0
    recorded = mine[mine["member_places"].notna() & mine["member_attendances"].notna()]
    return int(recorded["member_attendances"].sum()), int(recorded["member_places"].sum())


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


def _complaints_in_time(evidence: Evidence, entry: MapEntry, cycle: str) -> tuple[int, int]:
    """Complaints responded to within the statutory timescale, of complaints received (every stage)."""
    mine = _rows(evidence, "complaints", cycle)
    return int(mine["responded_in_time"].sum()), int(mine["received"].sum())


def _fostering_visits(evidence: Evidence, entry: MapEntry, cycle: str) -> tuple[int, int]:
    """New private fostering arrangements visited within 7 working days, of those notified."""
    mine = _rows(evidence, "private_fostering", cycle)
    return int(mine["visited_in_time"].sum()), int(mine["notifications"].sum())


def _allegations_in_time(evidence: Evidence, entry: MapEntry, cycle: str) -> tuple[int, int]:
    """Allegations concluded in the cycle within :data:`~review.analyses.gose_measures.ALLEGATION_DAYS`
    days of referral, of allegations concluded in the cycle."""
    done = concluded_allegations(evidence, cycle)
    days = [(d - r).days for d, r in zip(done["concluded_date"], done["referral_date"], strict=True)]
    return sum(d <= ALLEGATION_DAYS for d in days), len(days)


def _liaison_resolved(evidence: Evidence, entry: MapEntry, cycle: str) -> tuple[int, int]:
    """Concerns raised by other agencies at liaison meetings that were resolved (only ``agencies`` when given)."""
    mine = _agencies(_rows(evidence, "liaison_feedback", cycle), entry)
    return int(mine["concerns_resolved"].sum()), int(mine["concerns_raised"].sum())


def _vacancy_rate(evidence: Evidence, entry: MapEntry, cycle: str) -> float | None:
    totals = workforce_totals(workforce_table(evidence, cycle))
    return None if totals is None else totals.vacancy_rate


def _overspend(evidence: Evidence, entry: MapEntry, cycle: str) -> float | None:
    return overspend(expenditure_table(evidence, cycle))


_VACANCY_RULE = f"green at or below {VACANCY_GREEN:.0%} of establishment, red above {VACANCY_RED:.0%}"
_OVERSPEND_RULE = f"green at or below {OVERSPEND_GREEN:.0%} of budget, red above {OVERSPEND_RED:.0%}"


def _lower_is_better(kind: str, source: str, value: Value, green: float, red: float,
                     words: Callable[[float], str]) -> Callable[..., list[EvidenceLine]]:
    """A value banded by a declared rule: green at or below ``green``, red above ``red`` (no sample,
    so no interval and no test of change); no line when the records hold no value this cycle."""
    def build(evidence: Evidence, entry: MapEntry, rates: Rates, cycle: str, previous: str) -> list[EvidenceLine]:
        found = value(evidence, entry, cycle)
        if found is None:
            return []
        band = band_of(-found, green=-green, red=-red)  # lower is better: negated for band_of
        return [EvidenceLine(kind, source, 0, 0, "rule", None, NO_CHANGE, words(found), band)]
    return build


def _partner_staffing(evidence: Evidence, entry: MapEntry, cycle: str) -> tuple[int, int]:
    """Safeguarding posts filled, in whole FTE (rounded down), of the establishment (rounded up)."""
    mine = _agencies(_rows(evidence, "partner_staffing", cycle), entry)
    establishment = float(mine["establishment_fte"].sum())
    filled = establishment - float(mine["vacancies_fte"].sum())
    return int(filled // 1), int(-(-establishment // 1))


CORROBORATING_AUDITORS = 2
"""Auditors who must have recorded a theme on this cycle's files for it to count as analysed: more
than one, so that the reading of the area's quality is not one person's view of one file (the
reason files are moderated at all)."""
CORROBORATING_WORDS = "different auditors"
""":data:`CORROBORATING_AUDITORS` in the words a page uses (a figure from 1 to 5 in a published table
would read as a small count)."""


def indicator_areas(evidence: Evidence, cycle: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The indicators reported this cycle whose area of practice is analysed by audit learning, and all
    indicators reported; None when no theme declares the indicators it speaks to (``themes.indicators``)
    or the folder holds no ``audit_learning`` (no evidence, never a judgement on absence alone).

    JAR finding 10 asks for "sufficiently robust analysis of the underlying quality" behind the
    figures. An indicator's area is analysed when **every** theme the council declares for it
    (``themes.indicators``) was recorded, as a strength or a concern, on this cycle's audited files
    (each file's prevailing learning) by at least :data:`CORROBORATING_AUDITORS` auditors. One theme of
    several, or one auditor's note, is not that analysis. An indicator no theme speaks to is not analysed.

    Examples
    --------
    NI59 and NI60 are reported. Risk analysis speaks to NI59 and NI60, timeliness to NI60. This cycle
    risk analysis was recorded by two auditors (A1 by TM1, A2 by TM2) and timeliness by one (A1): NI59
    is analysed; NI60 is not (timeliness, one of its two themes, rests on one auditor): 1 area of 2.

    >>> import pandas as pd
    >>> from types import MappingProxyType
    >>> from review.data.load import Evidence
    >>> t = {"indicators": pd.DataFrame({"cycle": ["2009-Q1"] * 2, "indicator": ["NI59", "NI60"]}),
    ...      "themes": pd.DataFrame({"theme": ["risk analysis", "timeliness"], "indicators": ["NI59; NI60", "NI60"]}),
    ...      "audits": pd.DataFrame({"audit_id": ["A1", "A2"], "cycle": ["2009-Q1"] * 2, "auditor_id": ["TM1", "TM2"],
    ...                              "auditor_tier": "TM", "moderation_of": None}),
    ...      "audit_learning": pd.DataFrame({"audit_id": ["A1", "A2", "A1"],
    ...                                      "theme": ["risk analysis", "risk analysis", "timeliness"]})}
    >>> indicator_areas(Evidence("x", MappingProxyType(t), {}, ()), "2009-Q1")
    (('NI59',), ('NI59', 'NI60'))
    """
    themes = evidence.tables.get("themes")
    if themes is None or not themes["indicators"].notna().any():
        return None  # no evidence: never judged on absence alone
    recorded = theme_auditors(evidence, cycle)
    if recorded is None:
        return None
    reported = tuple(sorted({str(i) for i in _rows(evidence, "indicators", cycle)["indicator"]}))
    return tuple(i for i in reported if i in area_themes(themes) and all(
        len(recorded.get(t, ())) >= CORROBORATING_AUDITORS for t in area_themes(themes)[i])), reported


def area_themes(themes: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Each indicator with the themes the council declares speak to its area (``themes.indicators``).

    >>> area_themes(pd.DataFrame({"theme": ["risk", "timeliness"], "indicators": ["NI59; NI60", "NI60"]}))
    {'NI59': ('risk',), 'NI60': ('risk', 'timeliness')}
    """
    out: dict[str, list[str]] = {}
    for theme, names in zip(themes["theme"], themes["indicators"], strict=True):
        for name in split_list(names):
            out.setdefault(name, []).append(str(theme))
    return {k: tuple(v) for k, v in out.items()}


def _areas(evidence: Evidence, entry: MapEntry, rates: Rates, cycle: str, previous: str) -> list[EvidenceLine]:
    """Indicator areas whose quality audit learning analyses: every area counted (a census), so no interval."""
    found = indicator_areas(evidence, cycle)
    if found is None or not found[1]:
        return []
    missing = [i for i in found[1] if i not in found[0]]
    note = (f"not analysed this quarter (a theme declared for the area not recorded by {CORROBORATING_WORDS}, "
            f"or no theme declared): {', '.join(missing)}") if missing else ""
    return [rates.line("audit learning", "indicators reported whose area of practice is analysed by this quarter's "
                       f"audit learning (every theme declared for it recorded by {CORROBORATING_WORDS})",
                       (len(found[0]), len(found[1])), None, "areas", census=True, note=note)]


MEASURES: dict[str, Callable[..., list[EvidenceLine]]] = {
    "lscb_chair": _chair,
    "lscb_attendance": _rate("LSCB records", "member agencies' places at board meetings where the agency was "
                             "represented", "places", _attendance),
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
    "complaints_in_time": _rate("complaints records", "complaints responded to in time", "complaints",
                                _complaints_in_time),
    "private_fostering_visits": _rate("private fostering records", "notifications visited within 7 working days",
                                      "children", _fostering_visits),
    "allegations_in_time": _rate("allegations records", f"allegations concluded within {ALLEGATION_DAYS} days of "
                                 "referral", "allegations", _allegations_in_time),
    "vacancies": _lower_is_better("workforce records", "vacancy rate", _vacancy_rate, VACANCY_GREEN, VACANCY_RED,
                                  lambda v: f"{100 * v:.1f}% of establishment ({_VACANCY_RULE})"),
    "expenditure": _lower_is_better("expenditure records", "year-to-date overspend", _overspend, OVERSPEND_GREEN,
                                    OVERSPEND_RED, lambda v: f"{'overspend' if v > 0 else 'underspend'} "
                                    f"{100 * abs(v):.1f}% of budget ({_OVERSPEND_RULE})"),
    "liaison_resolved": _rate("liaison records", "concerns raised at liaison meetings that were resolved", "concerns",
                              _liaison_resolved),
}
"""Each record measure of :data:`review.data.schema.RECORDS`, by name."""

RULES: dict[str, str] = {"vacancies": f"vacancy rate {_VACANCY_RULE}",
                         "expenditure": f"year-to-date overspend {_OVERSPEND_RULE}"}
"""The rule that bands each record measure that is a value rather than k of n, in words."""


def record_lines(evidence: Evidence, entry: MapEntry, rates: Rates, *, cycle: str, previous: str) -> list[EvidenceLine]:
    """The lines of one record measure this cycle (empty when the records hold nothing for it)."""
    return MEASURES[entry.evidence](evidence, entry, rates, cycle, previous)

