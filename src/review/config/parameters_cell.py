"""Reading what a notebook's parameters cell defined, so a misspelt parameter is an error.

In JupyterLab a kernel keeps the values of earlier runs: a parameters cell that says
``audeince = "internal"`` leaves ``audience`` at its old value and would be silently ignored.
IPython keeps each executed cell's source in ``In``; the cells just before the validating cell
that only assign names (the parameters cell, and papermill's injected-parameters cell) are read
here, and a name they assign that is not a declared parameter is reported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence

__all__ = ["assigned_names", "undeclared_names"]


def assigned_names(source: str) -> set[str] | None:
    """The names a parameters-like cell assigns, or None if the cell does anything else.

    Examples
    --------
    >>> sorted(assigned_names("cycle: str = '2009-Q4'  # a comment\\naudeince = 'internal'"))
    ['audeince', 'cycle']
    >>> assigned_names("p = from_notebook('x', globals())\\nprint(p)") is None
    True
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        else:
            return None
    return names or None


def undeclared_names(history: Sequence[str], declared: Iterable[str]) -> list[str]:
    """Names assigned by the parameters cells just run that are not declared parameters.

    Parameters
    ----------
    history : sequence of str
        IPython's ``In``: the sources of the cells executed so far, the validating cell last.
    declared : iterable of str
        The framework's parameters.

    Returns
    -------
    list of str
        Sorted; empty when the history is not IPython's or the cells are clean.

    Examples
    --------
    >>> undeclared_names(["", "cycle = '2009-Q4'\\naudeince = 'internal'", "p = check()"],
    ...                  ["cycle", "audience"])
    ['audeince']
    >>> undeclared_names(["", "import review", "cycle = '2009-Q4'", "audience = 'internal'",
    ...                   "p = check()"], ["cycle", "audience"])
    []
    """
    known = set(declared)
    found: set[str] = set()
    for source in reversed(list(history)[:-1]):
        names = assigned_names(source) if isinstance(source, str) else None
        if names is None or not names & known:
            break
        found |= names
    return sorted(found - known)
