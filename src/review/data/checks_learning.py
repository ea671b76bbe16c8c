"""Cross-file checks of the learning from audits: themes, the audits they were recorded on, and
actions on a theme.

- every ``audit_learning`` row names an audit of ``audits`` and a declared theme (``themes``, or the
  default list when the folder has no themes file), with a near-match hint for a misspelt theme (an
  unknown theme is named once, on its first row, with a count of the rows like it);
- every indicator a theme speaks to is one ``indicators`` holds;
- an action of source ``theme`` names a declared theme in ``item``.
"""

from __future__ import annotations

import difflib

from review.data.evidence_map import split_list
from review.data.row_checks import add_problem as _p
from review.data.schema import DEFAULT_THEMES, ROW
from review.exceptions import DataProblem

__all__ = ["declared_themes", "learning_checks"]


def declared_themes(tables: dict) -> list[str]:
    """The folder's themes: its ``themes`` file, else the default list.

    >>> declared_themes({})[:2]
    ['management oversight', 'supervision']
    """
    if "themes" in tables and len(tables["themes"]):
        return [str(t) for t in tables["themes"]["theme"] if t is not None]
    return [name for name, _ in DEFAULT_THEMES]


def _near(value: object, known: list[str]) -> str:
    """' (did you mean X?)' for a value close to a known one, compared without regard to case.

    >>> _near("Risk analsis", ["risk analysis", "planning"])
    ' (did you mean risk analysis?)'
    """
    lowered = {k.lower(): k for k in known}
    close = difflib.get_close_matches(str(value).lower(), list(lowered), n=1, cutoff=0.6)
    return f" (did you mean {lowered[close[0]]}?)" if close else ""


def learning_checks(tables: dict, files: dict, problems: list[DataProblem]) -> None:
    """Append to ``problems`` every row of ``audit_learning``, ``themes`` or ``actions`` naming
    an audit, theme or indicator the folder does not hold."""
    themes = declared_themes(tables)
    where = "themes declares" if "themes" in tables else "the default themes (no themes file) are"
    if "audit_learning" in tables:
        learning, file = tables["audit_learning"], files["audit_learning"]
        audits = set(tables["audits"]["audit_id"]) if "audits" in tables else set()
        unknown = learning[learning["audit_id"].notna() & ~learning["audit_id"].isin(audits)]
        for row, audit_id in zip(unknown[ROW].head(200), unknown["audit_id"].head(200), strict=True):
            _p(problems, file, row, "audit_id", audit_id, "no audit has this audit_id (it must be in audits)")
        bad = learning[learning["theme"].notna() & ~learning["theme"].isin(themes)]
        for theme, rows in bad.groupby("theme", sort=False)[ROW]:
            more = f"; {len(rows) - 1} more rows like it" if len(rows) > 1 else ""
            _p(problems, file, rows.iloc[0], "theme", theme,
               f"unknown theme{_near(theme, themes)}; {where}: {', '.join(themes)}{more}")
    if "themes" in tables and "indicators" in tables:
        indicators = sorted({str(i) for i in tables["indicators"]["indicator"] if i is not None})
        for row, text in zip(tables["themes"][ROW], tables["themes"]["indicators"], strict=True):
            for name in split_list(text):
                if name not in indicators:
                    _p(problems, files["themes"], row, "indicators", name,
                       f"no indicator of this name{_near(name, indicators)}; indicators holds: {', '.join(indicators)}")
    if "actions" in tables:
        actions = tables["actions"]
        for row, item in zip(actions.loc[actions["source"] == "theme", ROW],
                             actions.loc[actions["source"] == "theme", "item"], strict=True):
            if item is None or item not in themes:
                _p(problems, files["actions"], row, "item", item,
                   f"an action on a theme names the theme{_near(item, themes) if item else ''}; {where}: "
                   f"{', '.join(themes)}")
