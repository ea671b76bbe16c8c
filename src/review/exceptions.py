"""Exceptions and warnings raised by the workbook.

Every error says what was expected and what was found, and names the parameter,
or the file, row and column, that it is about.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DataProblem",
    "DataValidationError",
    "DegenerateDataWarning",
    "ParameterError",
    "ReviewError",
    "RunFailed",
]


class ReviewError(Exception):
    """Base class of every error the workbook raises on purpose.

    In a notebook, IPython shows an exception's ``_render_traceback_()`` instead of the
    traceback, so a workbook error reads as the one message it carries: a user error is not a
    bug, and its 26-line traceback would bury what to fix.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


class ParameterError(ReviewError, ValueError):
    """A parameter (a function argument, a notebook parameter or a params file entry) is wrong.

    Parameters
    ----------
    problems : list of str
        One sentence per problem; all problems found are reported together.
    source : str, optional
        Where the parameters came from (a params file path or ``"notebook"``).
    """

    def __init__(self, problems: list[str] | str, source: str | None = None) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.source = source
        head = f"{source}: " if source else ""
        if len(self.problems) == 1:
            message = head + self.problems[0]
        else:
            lines = "\n".join(f"  - {p}" for p in self.problems)
            message = f"{head}{len(self.problems)} problems with the parameters:\n{lines}"
        super().__init__(message)


@dataclass(frozen=True)
class DataProblem:
    """One problem found in an input file.

    Attributes
    ----------
    file : str
        The file, as the user named it.
    row : int or None
        The row as the user sees it in the file (the header is row 1 of a CSV; the
        spreadsheet row number of an ``.xlsx`` sheet), or None for a whole-file problem.
    column : str or None
        The column heading, or None for a whole-row or whole-file problem.
    value : str or None
        The value found, as text.
    message : str
        What is wrong and what is allowed.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    rows: tuple[int, ...] = ()
    """Every row with this same problem (the same file, column, value and message), when it is
    repeated: listed once, with the count, instead of once per row."""

    def __str__(self) -> str:
        where = self.file
        if len(self.rows) > 1:
            shown_rows = ", ".join(map(str, self.rows[:8]))
            more = f" and {len(self.rows) - 8} more" if len(self.rows) > 8 else ""
            where += f", rows {shown_rows}{more} ({len(self.rows)} rows)"
        elif self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        found = f" (found {self.value!r})" if self.value is not None else ""
        return f"{where}: {self.message}{found}"


class DataValidationError(ReviewError, ValueError):
    """Input data failed validation; ``problems`` lists every problem found.

    Parameters
    ----------
    problems : list of DataProblem
        All problems found across the files that were checked.
    """

    def __init__(self, problems: list[DataProblem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        noun = "problem" if len(self.problems) == 1 else "problems"
        super().__init__(f"{len(self.problems)} data {noun} found:\n{lines}")


class RunFailed(ReviewError):
    """A run could not finish (for example the disk filled): nothing was published (exit 1)."""


class DegenerateDataWarning(RuntimeWarning):
    """A statistic is undefined for these data (for example every rating in one category)."""
