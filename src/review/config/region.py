"""The region params file: which authorities, cycles and frameworks a regional run covers.

A region file is YAML, checked as strictly as ``params/*.yaml``: unknown keys, missing keys and
wrong types are all reported together, each naming its authority. Example::

    region: "Demo region"
    params: "params/{cycle}.yaml"      # per-cycle params; each authority's evidence replaces data_dir
    cycles: ["2009-Q4"]
    frameworks: [cycle_summary, audit_compliance]   # optional; default every framework
    authorities:
      - id: "LA01"
        name: "Authority 1"
        evidence: "data/region/LA01"
        key: {env: "REVIEW_KEY_LA01"}   # or {file: "keys/LA01.key"}, or "demo" for synthetic data
        neighbours: ["LA02"]

Each authority has its own pseudonymisation key: two authorities naming the same environment
variable or key file are refused. The key itself never appears in this file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from review.config.cycles import is_cycle
from review.config.declarations import Param, validate_values
from review.config.frameworks import FRAMEWORKS
from review.config.parameters_cell import undeclared_names
from review.config.paths import resolve
from review.config.run_guard import begin_check
from review.config.yamlio import load_yaml
from review.exceptions import ParameterError

__all__ = ["COMPARISON", "COMPARISON_NOTEBOOK", "COMPARISON_PARAMS", "COMPARISON_PURPOSE", "COMPARISON_TITLE",
           "Authority", "KeySource", "Region", "check_cycle_covered", "from_notebook", "load_region"]

COMPARISON = "region_comparison"
"""The name of the regional comparison's report and results in a regional run's outputs."""
COMPARISON_TITLE = "Regional comparison of authorities"
COMPARISON_PURPOSE = ("Each authority's audit compliance, moderated grades and National Indicators on funnel plots "
                      "against the regional rate, and beside its statistical neighbours.")
COMPARISON_NOTEBOOK = "region_comparison.ipynb"
""":data:`COMPARISON`'s notebook, under ``notebooks/``."""

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_TOP_KEYS = {"region", "params", "cycles", "frameworks", "audience", "authorities"}
_AUTHORITY_KEYS = {"id", "name", "evidence", "key", "neighbours"}


@dataclass(frozen=True)
class KeySource:
    """Where one authority's pseudonymisation key comes from (never the key itself).

    Attributes
    ----------
    kind : str
        ``"env"`` (an environment variable), ``"file"`` (a key file) or ``"demo"`` (the fixed demo
        key, allowed only for synthetic demo data).
    value : str
        The variable's name or the file's path; empty for ``"demo"``.
    """

    kind: str
    value: str = ""


@dataclass(frozen=True)
class Authority:
    """One authority of a region."""

    id: str
    name: str
    evidence: str
    key: KeySource
    neighbours: tuple[str, ...] = ()


@dataclass(frozen=True)
class Region:
    """A validated region file."""

    source: str
    name: str
    params: str
    cycles: tuple[str, ...]
    frameworks: tuple[str, ...]
    audience: str | None
    authorities: tuple[Authority, ...]

    def params_path(self, cycle: str) -> str:
        """The params file of ``cycle`` (the ``{cycle}`` placeholder filled in)."""
        return self.params.replace("{cycle}", cycle)

    def authority(self, authority_id: str) -> Authority:
        """The authority with this id."""
        return next(a for a in self.authorities if a.id == authority_id)

    @property
    def comparison_folder(self) -> str:
        """The output folder of the regional comparison's reports: ``region-`` and the region's name
        in lower case, each run of other characters a hyphen.

        >>> Region("r.yaml", "South East: 2009", "p", (), (), None, ()).comparison_folder
        'region-south-east-2009'
        """
        return "region-" + (re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or "comparison")


def _key(raw: Any, where: str, problems: list[str]) -> KeySource | None:
    if raw == "demo":
        return KeySource("demo")
    if not isinstance(raw, dict) or len(raw) != 1 or next(iter(raw)) not in ("env", "file"):
        problems.append(f"{where}: `key` must be {{env: VARIABLE_NAME}}, {{file: path}} or \"demo\"; got {raw!r}"[:300])
        return None
    kind, value = next(iter(raw.items()))
    if not isinstance(value, str) or not value:
        problems.append(f"{where}: `key.{kind}` must be a non-empty text; got {value!r}")
        return None
    if kind == "env" and not _ENV_NAME.match(value):
        problems.append(f"{where}: `key.env` must name an environment variable (capitals, digits, _); got {value!r}")
        return None
    return KeySource(kind, value)


def _text(raw: dict, name: str, where: str, problems: list[str]) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: `{name}` is required and must be a non-empty text; got {value!r}")
        return ""
    return value


def _authority(raw: Any, index: int, problems: list[str]) -> Authority | None:
    if not isinstance(raw, dict):
        problems.append(f"authorities[{index}]: expected a mapping with id, name, evidence, key; got {raw!r}"[:300])
        return None
    ident = raw.get("id")
    where = f"authority {ident}" if isinstance(ident, str) else f"authorities[{index}]"
    unknown = sorted(set(raw) - _AUTHORITY_KEYS)
    if unknown:
        problems.append(f"{where}: unknown key(s) {unknown}; expected {sorted(_AUTHORITY_KEYS)}")
    ident = _text(raw, "id", where, problems)
    if ident and not _ID.match(ident):
        problems.append(f"{where}: `id` must be letters, digits, - or _ (up to 40, used as a folder name); got {ident!r}")
    name = _text(raw, "name", where, problems)
    evidence = _text(raw, "evidence", where, problems)
    key = _key(raw.get("key"), where, problems)
    neighbours = raw.get("neighbours", []) or []
    if not isinstance(neighbours, list) or not all(isinstance(n, str) for n in neighbours):
        problems.append(f"{where}: `neighbours` must be a list of authority ids; got {neighbours!r}"[:300])
        neighbours = []
    if key is None or not (ident and name and evidence):
        return None
    return Authority(ident, name, evidence, key, tuple(neighbours))


def _cycles(raw: dict[str, Any], problems: list[str]) -> list[str]:
    cycles = raw.get("cycles")
    if not isinstance(cycles, list) or not cycles or not all(is_cycle(c) for c in cycles):
        problems.append(f"`cycles` must be a non-empty list of cycles written like \"2009-Q4\"; got {cycles!r}"[:300])
        return []
    return cycles


def _frameworks(raw: dict[str, Any], problems: list[str]) -> list[str]:
    frameworks = raw.get("frameworks") or list(FRAMEWORKS)
    if not isinstance(frameworks, list) or not all(isinstance(f, str) for f in frameworks):
        problems.append(f"`frameworks` must be a list of framework names; got {frameworks!r}"[:300])
        return []
    bad = [f for f in frameworks if f not in FRAMEWORKS]
    if bad:
        problems.append(f"unknown framework(s) {bad}; known frameworks are: {', '.join(FRAMEWORKS)}")
    return frameworks


def _authorities(raw: dict[str, Any], problems: list[str]) -> list[Authority]:
    """The listed authorities, each checked, and checked against each other: ids, key sources and
    neighbours."""
    listed = raw.get("authorities")
    if not isinstance(listed, list) or not listed:
        problems.append("`authorities` must be a non-empty list of authorities")
        listed = []
    authorities = [a for i, entry in enumerate(listed) if (a := _authority(entry, i, problems))]
    ids = [a.id for a in authorities]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"authority {dup}: the id is listed more than once")
    sources: dict[tuple[str, str], str] = {}
    for a in authorities:
        if a.key.kind == "demo":
            continue
        spot = (a.key.kind, str(resolve(a.key.value)) if a.key.kind == "file" else a.key.value)
        if spot in sources:
            problems.append(f"authority {a.id}: its key {a.key.kind} {a.key.value!r} is also authority "
                            f"{sources[spot]}'s; every authority needs its own pseudonymisation key")
        else:
            sources[spot] = a.id
    for a in authorities:
        strangers = [n for n in a.neighbours if n not in ids or n == a.id]
        if strangers:
            problems.append(f"authority {a.id}: neighbour(s) {strangers} are not other authorities of this region")
    return authorities


def load_region(path: str | Path) -> Region:
    """Load and validate a region file.

    Parameters
    ----------
    path : str or pathlib.Path
        The YAML file (absolute or project-relative).

    Returns
    -------
    Region

    Raises
    ------
    ParameterError
        Listing every problem, each naming its authority: unknown or missing keys, repeated ids,
        a key source shared by two authorities, neighbours that are not in the region, bad cycles
        or unknown frameworks.
    """

    source = str(path)
    file = resolve(path)
    if not file.is_file():
        raise ParameterError(f"region file not found (looked for {file})", source)
    try:
        raw = load_yaml(file)
    except yaml.YAMLError as exc:
        raise ParameterError(f"not valid YAML: {exc}", source) from exc
    if not isinstance(raw, dict):
        raise ParameterError(f"expected a mapping with region, cycles, authorities; got {type(raw).__name__}", source)
    problems: list[str] = []
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        problems.append(f"unknown key(s) {unknown}; expected {sorted(_TOP_KEYS)}")
    name = _text(raw, "region", "region file", problems)
    params = raw.get("params", "params/{cycle}.yaml")
    if not isinstance(params, str) or "{cycle}" not in params:
        problems.append(f"`params` must be a path containing {{cycle}}, e.g. \"params/{{cycle}}.yaml\"; got {params!r}")
    cycles, frameworks = _cycles(raw, problems), _frameworks(raw, problems)
    audience = raw.get("audience")
    if audience not in (None, "published", "internal"):
        problems.append(f"`audience` must be \"published\" or \"internal\"; got {audience!r}")
    authorities = _authorities(raw, problems)
    if problems:
        raise ParameterError(problems, source)
    return Region(source=source, name=name, params=params, cycles=tuple(dict.fromkeys(cycles)),
                  frameworks=tuple(frameworks), audience=audience, authorities=tuple(authorities))


COMPARISON_PARAMS: tuple[Param, ...] = (
    Param("authority", "str", "Demo council (synthetic)",
          "the local authority under review, name and code as every page names it"),
    Param("region_file", "str", "", "a region file (review demo-data --region 3 OUT writes one); empty: a synthetic region"),
    Param("cycle", "cycle", "2009-Q4", "review cycle (a quarter), written YYYY-Qn"),
    Param("audience", "choice", "published", "published (suppressed) or internal (council managers)",
          choices=("published", "internal")),
    Param("suppression_threshold", "int", 5, "published pages show counts of 1 to this as c", minimum=1),
    Param("min_group", "int", 10, "published rates of smaller groups are withheld", minimum=1),
    Param("rounding_base", "int", 1, "published counts are rounded half up to a multiple of this", minimum=1),
    Param("thresholds_file", "str", "", "per-item thresholds with their source (YAML, project-relative)"),
    Param("criteria", "str_list", [], "audit criteria to compare; empty: those the authorities' evidence maps test"),
)
"""The regional comparison notebook's parameters, checked like a framework's (:func:`from_notebook`)."""


def from_notebook(namespace: Mapping[str, Any]) -> Mapping[str, Any]:
    """Validate the regional comparison notebook's parameters, taken from its namespace.

    Called in the cell after the parameters cell, as the framework notebooks call
    :func:`review.config.params.from_notebook`: a misspelt name (``cylce``) or a wrong value is
    refused before anything is read, and in JupyterLab no later cell runs after a failure
    (:mod:`review.config.run_guard`).

    Parameters
    ----------
    namespace : mapping
        The notebook's globals.

    Returns
    -------
    mapping
        Every parameter's validated value (read-only).

    Raises
    ------
    ParameterError
        Naming the undeclared name or the invalid value, with the parameters there are.

    Examples
    --------
    >>> values = {p.name: p.default for p in COMPARISON_PARAMS}
    >>> dict(from_notebook(values | {"cycle": "2009-Q3"}))["cycle"]
    '2009-Q3'
    >>> from_notebook(values | {"In": ["", "cycle = '2009-Q4'\\ncylce = '2009-Q3'", "p = from_notebook(globals())"]})
    Traceback (most recent call last):
    ...
    review.exceptions.ParameterError: notebook region_comparison: the parameters cell defines cylce, which is not a \
parameter of region_comparison; its parameters are authority, region_file, cycle, audience, suppression_threshold, \
min_group, rounding_base, thresholds_file, criteria
    """
    begin_check()
    source = f"notebook {COMPARISON}"
    names = [p.name for p in COMPARISON_PARAMS]
    missing = [n for n in names if n not in namespace]
    if missing:
        raise ParameterError(f"the parameters cell does not define {', '.join(missing)}", source)
    history = namespace.get("In")
    stray = undeclared_names(history, names) if isinstance(history, list) else []
    if stray:
        raise ParameterError(
            f"the parameters cell defines {', '.join(stray)}, which "
            f"{'is not a parameter' if len(stray) == 1 else 'are not parameters'} of {COMPARISON}; "
            f"its parameters are {', '.join(names)}", source)
    return MappingProxyType(validate_values({n: namespace[n] for n in names}, COMPARISON_PARAMS, source))


def check_cycle_covered(cycle: str, covered: Iterable[str], source: str = f"notebook {COMPARISON}") -> None:
    """Refuse a cycle no authority's evidence covers, naming the cycles that are.

    Parameters
    ----------
    cycle : str
        The comparison's quarter (``YYYY-Qn``).
    covered : iterable of str
        The quarters some authority's evidence covers (repeats allowed).
    source : str, optional
        What the error names as the parameter's source; default the region comparison notebook.

    Returns
    -------
    None
        Nothing, when some authority's evidence covers ``cycle``.

    Raises
    ------
    ParameterError
        When none does: the message names the quarters covered, in order.

    Examples
    --------
    >>> check_cycle_covered("2009-Q4", ["2009-Q3", "2009-Q4"])
    >>> check_cycle_covered("2011-Q1", ["2009-Q4", "2009-Q3"])
    Traceback (most recent call last):
    ...
    review.exceptions.ParameterError: notebook region_comparison: `cycle` 2011-Q1 has no evidence in the region; \
the authorities' evidence covers 2009-Q3, 2009-Q4
    """
    have = sorted(set(covered))
    if cycle not in have:
        raise ParameterError(f"`cycle` {cycle} has no evidence in the region; the authorities' evidence covers "
                             f"{', '.join(have) or 'no cycle'}", source)
