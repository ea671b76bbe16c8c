"""Cross-row checks of the GOSE framework's further evidence (feedback, fostering, services,
allegations, child protection and looked-after numbers)."""

from __future__ import annotations

from review.data.row_checks import add_problem, check_grades, check_not_above
from review.data.schema import ROW
from review.exceptions import DataProblem

__all__ = ["gose_checks"]

_PARTS = (("user_feedback", "positive", "responses"), ("staff_feedback", "responses", "invited"),
          ("staff_feedback", "positive", "responses"), ("private_fostering", "visited_in_time", "notifications"),
          ("liaison_feedback", "concerns_resolved", "concerns_raised"), ("cp_lac_numbers", "at_end", "population_under_18"))


def _after(tables: dict, files: dict, name: str, early: str, late: str, problems: list[DataProblem]) -> None:
    for row in tables[name].to_dict("records"):
        if row[early] is not None and row[late] is not None and row[late] < row[early]:
            add_problem(problems, files[name], row[ROW], late, row[late], f"{late} is before {early} ({row[early]})")


def gose_checks(tables: dict, files: dict, scales: dict, problems: list[DataProblem]) -> None:
    """Append to ``problems`` every inconsistency within or between the GOSE datasets."""
    for name, part, whole in _PARTS:
        check_not_above(tables, files, name, part, whole, problems)
    if "regulated_services" in tables:
        check_grades(tables["regulated_services"], files["regulated_services"], "grade_scale", {"grade": None}, scales,
                     problems)
        _after(tables, files, "regulated_services", "inspection_date", "next_due", problems)
    if "lado_allegations" in tables:
        _after(tables, files, "lado_allegations", "referral_date", "concluded_date", problems)
        for row in tables["lado_allegations"].to_dict("records"):
            if row["outcome"] is not None and (row["outcome"] == "ongoing") != (row["concluded_date"] is None):
                add_problem(problems, files["lado_allegations"], row[ROW], "concluded_date", row["concluded_date"],
                            "an ongoing allegation has no concluded_date, and a concluded one has one")
    if "cp_categories" in tables and "cp_lac_numbers" in tables:
        numbers = tables["cp_lac_numbers"]
        starts = {r["cycle"]: r["starts"] for r in numbers[numbers["group"] == "CP"].to_dict("records")}
        cats = tables["cp_categories"]
        for cycle, group in cats.groupby("cycle", sort=True):
            total = sum(v for v in group["plans_started"] if v is not None)
            if cycle in starts and starts[cycle] is not None and total != starts[cycle]:
                add_problem(problems, files["cp_categories"], group[ROW].iloc[0], "plans_started", total,
                            f"plans started by category add up to {total}, but cp_lac_numbers has {starts[cycle]} CP starts "
                            f"in {cycle}")
