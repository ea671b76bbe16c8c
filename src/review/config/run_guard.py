"""After a failed check, no later cell of a notebook runs on the kernel's earlier state.

A notebook's check cell (the one calling ``from_notebook(...)``: the parameters' check, then the
evidence loaded and validated) either succeeds, and sets this kernel's *run token*, or fails, and
clears it. In JupyterLab a person may then run a later cell on its own (Shift+Enter, "Run All
Below"), whose figures would come from the kernel's earlier, successful run: 2009-Q2 figures
under an error about 2009-Q3. So, in an IPython kernel, the first check installs two hooks:

- a ``post_run_cell`` callback: a cell that ran a check sets the token when it succeeded and
  clears it when it raised (a parameter error, a data error, anything);
- an input transformer: while the token is not set, every other cell is replaced by a one-line
  error, ``not run: fix the error above``, so no figure appears below an error. The parameters
  cell (literal assignments only) and the check cell itself still run, so fixing the parameter
  and re-running is all it takes. Running the parameters cell again clears the token until the
  check has run on the new values.

Outside IPython (a plain interpreter, the unit tests) nothing is installed.

Examples
--------
>>> guard = RunGuard()
>>> guard.state
'unchecked'
>>> guard.transform(["views.headlines(result)\\n"])[0].startswith("raise ")
False
>>> guard.checked(ok=False, error="`cylce` is not a parameter")
>>> guard.transform(["views.headlines(result)\\n"])[0].startswith("raise ")
True
>>> guard.transform(["cycle = '2009-Q3'\\n"])
["cycle = '2009-Q3'\\n"]
>>> guard.checked(ok=True)
>>> guard.transform(["views.headlines(result)\\n"])
['views.headlines(result)\\n']
"""

from __future__ import annotations

import ast
from typing import Any

from review.exceptions import ReviewError

__all__ = ["CHECK_MARKER", "NotRun", "RunGuard", "begin_check", "guard"]

CHECK_MARKER = "from_notebook("
"""What a notebook's check cell calls; such a cell always runs."""


class NotRun(ReviewError):
    """A cell refused because the check above it failed or has not run on the current parameters."""

    def _render_traceback_(self) -> list[str]:
        return [str(self)]


def _literal_assignments(source: str) -> bool:
    """Whether a cell only assigns literals (a parameters cell): ``cycle = "2009-Q3"``."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    return bool(body) and all(
        isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None
        and _is_literal(node.value) for node in body)


def _is_literal(node: ast.AST) -> bool:
    try:
        ast.literal_eval(node)
    except ValueError:
        return False
    return True


class RunGuard:
    """This kernel's run token and the hooks that read it (one per kernel: :func:`guard`).

    Attributes
    ----------
    state : str
        ``"unchecked"`` (no check ran yet), ``"ok"`` (the last check succeeded), ``"failed"``
        (it raised) or ``"stale"`` (the parameters were run again since the last check).
    error : str
        The last failed check's one-line error.
    """

    def __init__(self) -> None:
        self.state = "unchecked"
        self.error = ""
        self.checking = False
        self.installed = False

    def checked(self, *, ok: bool, error: str = "") -> None:
        """Record a check's outcome: set the run token, or clear it with the error."""
        self.state = "ok" if ok else "failed"
        self.error = "" if ok else error

    def refuses(self, source: str) -> bool:
        """Whether a cell's source may not run now."""
        if self.state not in ("failed", "stale") or CHECK_MARKER in source or not source.strip():
            return False
        return not _literal_assignments(source)

    def message(self) -> str:
        """The line a refused cell shows."""
        if self.state == "stale":
            return ("not run: the parameters changed since they were checked; "
                    "run the check cell below the parameters first")
        first = self.error.splitlines()[0] if self.error else "the check failed"
        return f"not run: fix the error above ({first[:200]})"

    def transform(self, lines: list[str]) -> list[str]:
        """IPython input transformer: a refused cell becomes a one-line :class:`NotRun`."""
        source = "".join(lines)
        if self.refuses(source):
            return [f"raise __import__('review.config.run_guard', fromlist=['x']).NotRun({self.message()!r})\n"]
        return lines

    def pre_run_cell(self, info: Any) -> None:
        """IPython event: note whether the cell about to run is a check or a parameters cell."""
        source = getattr(info, "raw_cell", "") or ""
        self.checking = CHECK_MARKER in source
        if not self.checking and self.state == "ok" and _literal_assignments(source):
            self.state = "stale"

    def post_run_cell(self, result: Any) -> None:
        """IPython event: a check cell that ran sets or clears the token."""
        if not self.checking:
            return
        self.checking = False
        error = getattr(result, "error_in_exec", None) or getattr(result, "error_before_exec", None)
        self.checked(ok=error is None, error="" if error is None else f"{type(error).__name__}: {error}")

    def install(self, shell: Any) -> None:
        """Register the transformer and the two events on an IPython shell (once)."""
        if self.installed or shell is None:
            return
        shell.input_transformers_post.append(self.transform)
        shell.events.register("pre_run_cell", self.pre_run_cell)
        shell.events.register("post_run_cell", self.post_run_cell)
        self.installed = True
        self.checking = True  # the cell running now is the first check


_GUARD = RunGuard()


def guard() -> RunGuard:
    """This kernel's guard."""
    return _GUARD


def begin_check() -> None:
    """Called by every notebook check (``from_notebook``): install the hooks in an IPython kernel."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    _GUARD.install(get_ipython())
