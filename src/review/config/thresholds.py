"""Per-item thresholds, each with its source: a national target, a local one, or the workbook's own.

A band is only as good as the line it is drawn against. The workbook's default (green at or above
80%, red below 65%: the ``rag_green`` and ``rag_red`` parameters) is the workbook's own and is
labelled so. A council declares other lines item by item in a thresholds file (the
``thresholds_file`` parameter, ``params/thresholds/demo.yaml`` in the demo), each with where it comes
from; indicators are judged against their own target from the evidence (``indicators.target``),
the same way on every page. The file::

    jar_haringey:
      J11:
        green: 0.9
        red: 0.75
        source: "local target: Children's Services Plan 2009-10, priority 2"

Everything is checked when the params are loaded, before a kernel starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from review.config.framework_items import FRAMEWORK_ITEMS, GOSE_PMF
from review.config.frameworks import FRAMEWORKS
from review.config.numbers import is_number
from review.config.paths import resolve
from review.config.yamlio import load_yaml
from review.exceptions import ParameterError

__all__ = ["WORKBOOK_SOURCE", "Threshold", "declared_thresholds", "item_threshold", "load_thresholds", "own_lines"]

WORKBOOK_SOURCE = "the workbook's own default, not a national or local target"
"""The source of the ``rag_green``/``rag_red`` thresholds when no item-specific line is declared."""


@dataclass(frozen=True)
class Threshold:
    """The lines an item is judged against.

    Attributes
    ----------
    green : float
        Green at or above this level.
    red : float
        Red below this level; amber between.
    source : str
        Where the lines come from, as reports print it.
    """

    green: float
    red: float
    source: str


def _items(framework: str) -> tuple[str, ...]:
    if framework == "gose_performance":
        return tuple(item_id for item_id, _, _ in GOSE_PMF)
    return tuple(i.item_id for i in FRAMEWORK_ITEMS.get(framework, ()))


def _check(entry: object, where: str) -> tuple[Threshold | None, list[str]]:
    problems = []
    if not isinstance(entry, Mapping):
        return None, [f"{where}: expected a mapping with green, red and source; got {type(entry).__name__}"]
    unknown = sorted(set(entry) - {"green", "red", "source"})
    if unknown:
        problems.append(f"{where}: unknown key(s) {', '.join(map(str, unknown))}; expected green, red and source")
    values: dict[str, float] = {}
    for key in ("green", "red"):
        value = entry.get(key)
        if not is_number(value) or not 0 < float(value) < 1:
            problems.append(f"{where}.{key}: expected a proportion between 0 and 1 (0.8 for 80%); got {value!r}")
        else:
            values[key] = float(value)
    source = entry.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append(f"{where}.source: expected the threshold's source in words (a national target, a local "
                        f"plan); got {source!r}")
    if len(values) == 2 and not values["red"] < values["green"]:
        problems.append(f"{where}: red ({values['red']}) must be below green ({values['green']})")
    if problems:
        return None, problems
    return Threshold(values["green"], values["red"], str(source).strip()), []


def load_thresholds(path: str | Path) -> Mapping[tuple[str, str], Threshold]:
    """Read and check a thresholds file.

    Parameters
    ----------
    path : str or pathlib.Path
        The YAML file (project-relative or absolute).

    Returns
    -------
    mapping of (framework, item) to Threshold

    Raises
    ------
    ParameterError
        Naming the file and the framework.item.key of every problem: an unknown framework or
        item (the source's items only), a line that is not a proportion, red not below green, no
        source; or a file that is not valid YAML.
    """
    file = resolve(path)
    if not file.is_file():
        raise ParameterError(f"`thresholds_file`: {path!r} resolves to {file}, which does not exist")
    try:
        data: Any = load_yaml(file) or {}
    except yaml.YAMLError as exc:  # a user's file: said in words, no traceback
        raise ParameterError(f"`thresholds_file` {path}: not valid YAML: {exc}") from exc
    problems: list[str] = []
    out: dict[tuple[str, str], Threshold] = {}
    if not isinstance(data, Mapping):
        raise ParameterError(f"{path}: expected a mapping of frameworks to items; got {type(data).__name__}")
    for framework, items in data.items():
        known = _items(str(framework))
        if not known:
            problems.append(f"{path}: unknown framework {framework!r}; expected one of "
                            f"{', '.join(n for n in FRAMEWORKS if _items(n))}")
            continue
        if not isinstance(items, Mapping):
            problems.append(f"{path}: {framework}: expected a mapping of item ids to thresholds")
            continue
        for item, entry in items.items():
            where = f"{path}: {framework}.{item}"
            if str(item) not in known:
                problems.append(f"{where}: unknown item; {framework}'s items are {', '.join(known)}")
                continue
            threshold, found = _check(entry, where)
            problems += found
            if threshold is not None:
                out[(str(framework), str(item))] = threshold
    if problems:
        raise ParameterError(problems, str(path))
    return MappingProxyType(out)


def item_threshold(declared: Mapping[tuple[str, str], Threshold], framework: str, item: str, *, green: float,
                   red: float) -> Threshold:
    """The lines one item is judged against: its declared threshold, else the framework's default.

    Parameters
    ----------
    declared : mapping of (framework, item) to Threshold
        The run's per-item lines (:func:`declared_thresholds`).
    framework, item : str
        The item, by its framework and id.
    green, red : float
        The framework's default lines (the run's ``rag_green`` and ``rag_red``), used when the
        item has none declared.

    Returns
    -------
    Threshold
        The declared lines with their source, else the defaults with :data:`WORKBOOK_SOURCE`.

    Examples
    --------
    >>> item_threshold({}, "jar_haringey", "J07", green=0.8, red=0.65).source
    "the workbook's own default, not a national or local target"
    >>> t = Threshold(0.9, 0.75, "local target")
    >>> item_threshold({("jar_haringey", "J11"): t}, "jar_haringey", "J11", green=0.8, red=0.65) == t
    True
    """
    return declared.get((framework, item)) or Threshold(green, red, WORKBOOK_SOURCE)


def declared_thresholds(values: Mapping[str, Any]) -> Mapping[tuple[str, str], Threshold]:
    """The per-item thresholds a run's parameters declare: its ``thresholds_file`` read, or none.

    The one reading of the file for every page and for the action plan's re-judging of earlier
    cycles, so an item is judged against the same lines wherever it is judged.

    Parameters
    ----------
    values : mapping
        A run's parameters (a notebook's, or a params file's common ones).

    Returns
    -------
    mapping of (framework, item) to Threshold
        Empty when ``thresholds_file`` is empty or absent.

    Examples
    --------
    >>> dict(declared_thresholds({"thresholds_file": ""}))
    {}
    >>> declared_thresholds({"thresholds_file": "params/thresholds/demo.yaml"})[("jar_haringey", "J11")].green
    0.9
    """
    file = values.get("thresholds_file")
    return load_thresholds(file) if file else MappingProxyType({})


def own_lines(judged: Iterable[tuple[str, Threshold | None]]) -> tuple[str, ...]:
    """One sentence per item judged against lines of its own (not the workbook's), as pages list them.

    Parameters
    ----------
    judged : iterable of (str, Threshold or None)
        Each item's id and the lines it was judged against.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> own_lines([("J07", Threshold(0.8, 0.65, WORKBOOK_SOURCE)), ("J11", Threshold(0.9, 0.755, "local plan"))])
    ('J11: green at or above 90%, red below 75.5% (local plan)',)
    """
    return tuple(f"{item}: green at or above {_percent(t.green)}, red below {_percent(t.red)} ({t.source})"
                 for item, t in judged if t is not None and t.source != WORKBOOK_SOURCE)


def _percent(x: float) -> str:
    return f"{100 * x:.1f}".removesuffix(".0") + "%"
