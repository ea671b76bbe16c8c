"""Declarations of parameters: name, kind, default, bounds and a sentence of help.

The framework registry (:mod:`review.config.frameworks`) declares each framework's own
parameters with :class:`Param`, and the params loader (:mod:`review.config.params`) reads the
registry; both import this module, which imports neither, so there is no import cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from review.config.cycles import is_cycle
from review.config.numbers import is_number, is_whole_number
from review.config.paths import resolve
from review.exceptions import ParameterError

__all__ = ["KINDS", "Param", "validate_values"]

KINDS = ("str", "int", "float", "bool", "probability", "cycle", "directory", "choice", "str_list")


@dataclass(frozen=True)
class Param:
    """Declaration of one notebook parameter, with its bounds.

    Attributes
    ----------
    name : str
        The parameter's name in the notebook and in the params file.
    kind : str
        One of ``str``, ``int``, ``float``, ``bool``, ``probability`` (a float in (0, 1)),
        ``cycle`` (``YYYY-Qn``), ``directory`` (an existing folder, project-relative),
        ``choice`` (one of ``choices``) and ``str_list``.
    default : object
        The default, used by the notebook's parameters cell and the demo cycle.
    help : str
        One sentence for ``review params`` and the notebook's parameter comment.
    choices : tuple of str
        Allowed values when ``kind == "choice"``.
    minimum : float, optional
        Smallest allowed value of a number (inclusive).
    below : str, optional
        Name of a parameter declared beside this one that this one must be strictly below
        (``rag_red`` below ``rag_green``).

    Examples
    --------
    >>> Param("rounding_base", "int", 1, "round to a multiple of this", minimum=1).check(0)[1]
    '`rounding_base` must be at least 1; got 0 (int)'
    """

    name: str
    kind: str
    default: Any
    help: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    below: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            msg = f"Param {self.name!r}: `kind` must be one of {KINDS}; got {self.kind!r}"
            raise ValueError(msg)
        if (self.minimum is not None or self.below is not None) and self.kind not in ("int", "float", "probability"):
            msg = f"Param {self.name!r}: only numbers take `minimum` or `below`; its kind is {self.kind!r}"
            raise ValueError(msg)
        _, problem = self.check(self.default) if self.kind != "directory" else (None, None)
        if problem:
            msg = f"Param {self.name!r}: the default breaks the declaration: {problem}"
            raise ValueError(msg)

    def check(self, value: Any) -> tuple[Any, str | None]:
        """Check one value on its own.

        Parameters
        ----------
        value : object
            The value as read from YAML or a notebook.

        Returns
        -------
        tuple
            The normalised value and a problem sentence, or None when the value is valid.
        """
        got = f"got {value!r} ({type(value).__name__})"
        name = f"`{self.name}`"
        if self.kind in ("str", "cycle", "directory", "choice"):
            return value, self._text_problem(value, name, got)
        if self.kind == "bool":
            return value, None if isinstance(value, bool) else f"{name} must be true or false; {got}"
        if self.kind in ("int", "float", "probability"):
            return self._number(value, name, got)
        # str_list
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            return value, f"{name} must be a list of text values; {got}"
        return list(value), None

    def _text_problem(self, value: Any, name: str, got: str) -> str | None:
        if not isinstance(value, str):
            return f"{name} must be text (quote it in YAML); {got}"
        if self.kind == "cycle" and not is_cycle(value):
            return f"{name} must be a cycle written like '2009-Q1'; {got}"
        if self.kind == "choice" and value not in self.choices:
            return f"{name} must be one of {list(self.choices)}; {got}"
        if self.kind == "directory" and not (path := resolve(value)).is_dir():
            return f"{name} must name an existing folder; {value!r} resolves to {path}, which does not exist"
        return None

    def _number(self, value: Any, name: str, got: str) -> tuple[Any, str | None]:
        if self.kind == "int" and not is_whole_number(value):
            return value, f"{name} must be a whole number; {got}"
        if self.kind in ("float", "probability"):
            if not is_number(value):
                return value, f"{name} must be a number; {got}"
            value = float(value)
            if self.kind == "probability" and not 0.0 < value < 1.0:
                return value, f"{name} must be in the open interval (0, 1); {got}"
        if self.minimum is not None and value < self.minimum:
            return value, f"{name} must be at least {self.minimum:g}; {got}"
        return value, None


def validate_values(
    values: Mapping[str, Any],
    specs: tuple[Param, ...],
    source: str,
    *,
    also_known: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Validate parameter values against their declarations.

    Missing parameters take their default; every problem is collected before raising.

    Parameters
    ----------
    values : mapping
        Parameter name to value.
    specs : tuple of Param
        The declarations the values must satisfy.
    source : str
        Where the values came from, for the error message.
    also_known : tuple of str, default: ``()``
        Keys handled by the caller, accepted here and listed among the known keys.

    Returns
    -------
    dict
        Every declared parameter with its normalised value.

    Raises
    ------
    ParameterError
        Listing every unknown key (with the known ones), every invalid value and every
        pair of values in the wrong order.

    Examples
    --------
    >>> specs = (Param("rag_green", "probability", 0.8, "green from"),
    ...          Param("rag_red", "probability", 0.65, "red below", below="rag_green"))
    >>> validate_values({"rag_red": 0.5}, specs, "example")
    {'rag_green': 0.8, 'rag_red': 0.5}
    """
    known = {p.name: p for p in specs}
    listed = ", ".join(sorted([*known, *also_known]))
    problems = [
        f"unknown parameter `{key}`; known parameters are: {listed}"
        for key in values
        if key not in known and key not in also_known
    ]
    out: dict[str, Any] = {}
    valid: set[str] = set()
    for name, spec in known.items():
        value, problem = spec.check(values.get(name, spec.default))
        if problem:
            problems.append(problem)
        else:
            valid.add(name)
        out[name] = value
    for name, spec in known.items():
        if spec.below is not None and {name, spec.below} <= valid and not out[name] < out[spec.below]:
            problems.append(f"`{name}` must be below `{spec.below}`; got {name}={out[name]!r} and "
                            f"{spec.below}={out[spec.below]!r}")
    if problems:
        raise ParameterError(problems, source)
    return out
