"""Checks of the indicators against their definitions, before any kernel starts.

- every ``indicators`` row's (``indicator``, ``definition_version``) is a national definition
  (:data:`review.stats.indicators.DEFINITIONS`) or one the folder declares in
  ``indicator_definitions``;
- a declared definition does not redefine a national one (same indicator and version), and
  gives its better direction unless it is context only.
"""

from __future__ import annotations

from review.data.hints import hint
from review.data.row_checks import add_problem
from review.data.schema import ROW
from review.exceptions import DataProblem
from review.stats.indicators import DEFINITIONS, declaration_problem

__all__ = ["indicator_checks"]


def _versions(keys: set[tuple[str, str]], indicator: str) -> list[str]:
    return sorted(v for i, v in keys if i == indicator)


def indicator_checks(tables: dict, files: dict, problems: list[DataProblem]) -> None:
    """Append a problem for each declared definition that cannot stand and each indicator row without one.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"cycle": ["2009-Q4"], "indicator": ["LA01"], "definition_version": ["L1"], ROW: [2]})
    >>> found = []
    >>> indicator_checks({"indicators": rows}, {"indicators": "indicators.csv"}, found)
    >>> found[0].column, found[0].message
    ('indicator', 'no definition of this indicator; expected a national indicator (NI59, NI60, NI61, NI62, NI63, NI64, NI65, NI66, NI67, NI68, SA45) or declare it in indicator_definitions')
    """
    declared: set[tuple[str, str]] = set()
    if "indicator_definitions" in tables:
        file = files["indicator_definitions"]
        for row in tables["indicator_definitions"].to_dict("records"):
            indicator, version = row["indicator"], row["definition_version"]
            if indicator is None or version is None:
                continue
            problem = declaration_problem(row)
            if problem is not None:
                column, expected = problem
                add_problem(problems, file, row[ROW], column, row[column], expected)
                if column == "definition_version":  # a national indicator: its rows are checked as such
                    continue
            declared.add((str(indicator), str(version)))
    if "indicators" not in tables:
        return
    known = set(DEFINITIONS) | declared
    names = sorted({i for i, _ in known})
    national = sorted({i for i, _ in DEFINITIONS})
    file = files["indicators"]
    for row in tables["indicators"].to_dict("records"):
        indicator, version = row["indicator"], row["definition_version"]
        if indicator is None or version is None or (str(indicator), str(version)) in known:
            continue
        versions = _versions(known, str(indicator))
        if versions:
            add_problem(problems, file, row[ROW], "definition_version", version,
                        f"no definition of {indicator} version {version}{hint(str(version), versions)}; the known "
                        f"versions of {indicator} are: {', '.join(versions)} (or declare it in indicator_definitions)")
        else:
            add_problem(problems, file, row[ROW], "indicator", indicator,
                        f"no definition of this indicator{hint(str(indicator), names)}; expected a national indicator "
                        f"({', '.join(national)}) or declare it in indicator_definitions")
