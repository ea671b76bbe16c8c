"""Parameters of a review cycle: loaded from ``params/<cycle>.yaml`` and validated before anything runs.

papermill only warns about an unknown parameter and accepts any type, so a misspelt key
in a params file would silently run with the default. Every parameter is therefore
declared here, with its type and a sentence of help, and checked before a notebook
starts: unknown keys are refused with the list of known keys, wrong types and missing
files are named.

A cycle params file has the parameters common to every framework at the top level and
one optional section per framework under ``frameworks:``::

    cycle: "2009-Q4"
    data_dir: "data/demo"
    audience: "published"
    frameworks:
      jar_haringey:
        rag_green: 0.8

and an optional ``report:`` section (author, approver, date, version: ``review.config.report_meta``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from review.config.declarations import Param, validate_values
from review.config.frameworks import FRAMEWORKS
from review.config.parameters_cell import undeclared_names
from review.config.paths import resolve
from review.config.report_meta import ReportMeta, parse_report_meta
from review.config.run_guard import begin_check
from review.config.thresholds import Threshold, declared_thresholds, load_thresholds
from review.config.yamlio import load_yaml
from review.exceptions import ParameterError

__all__ = [
    "COMMON_PARAMS",
    "CycleParams",
    "Param",
    "RunParameters",
    "default_params_path",
    "from_notebook",
    "load_cycle_params",
    "read_report_meta",
    "validate_values",
]

COMMON_PARAMS: tuple[Param, ...] = (
    Param("authority", "str", "Demo council (synthetic)", "the local authority under review, name and code as every page names it"),
    Param("cycle", "cycle", "2009-Q4", "review cycle (a quarter), written YYYY-Qn"),
    Param("data_dir", "directory", "data/demo", "folder of the cycle's evidence, relative to the project root"),
    Param(
        "audience",
        "choice",
        "published",
        "published (partners, papers: suppressed, no identifiers) or internal (council managers)",
        choices=("published", "internal"),
    ),
    Param("confidence_level", "probability", 0.95, "two-sided confidence level of every interval"),
    Param("suppression_threshold", "int", 5, "published tables show counts of 1 to this as c", minimum=1),
    Param("min_group", "int", 10, "published percentages of groups smaller than this are withheld", minimum=1),
    Param("rounding_base", "int", 1, "published counts are rounded half up to a multiple of this (1: unrounded)",
          minimum=1),    Param("thresholds_file", "str", "", "per-item thresholds with their source (YAML, project-relative; empty: rag_green/rag_red for every item)"),
)


def default_params_path(cycle: str) -> Path:
    """Return ``params/<cycle>.yaml`` under the project root.

    Parameters
    ----------
    cycle : str
        A cycle written ``YYYY-Qn``.

    Returns
    -------
    pathlib.Path
        The absolute path of the cycle's params file (which may not exist).
    """
    return resolve(Path("params") / f"{cycle}.yaml")


@dataclass(frozen=True)
class CycleParams:
    """A validated params file: common parameters plus one section per framework.

    Attributes
    ----------
    source : str
        The params file, as given.
    common : mapping
        The common parameters (every entry of ``COMMON_PARAMS``).
    sections : mapping
        Framework name to the validated values of its own parameters.
    report : ReportMeta
        The ``report:`` section: author, approver, date and version of the cycle's pack.
    """

    source: str
    common: Mapping[str, Any]
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    report: ReportMeta = field(default_factory=ReportMeta)

    @property
    def cycle(self) -> str:
        """The review cycle these parameters run."""
        return str(self.common["cycle"])

    def for_framework(self, name: str) -> dict[str, Any]:
        """Return every parameter of framework ``name``'s notebook, as papermill takes them."""
        return {**self.common, **self.sections[name]}


def load_cycle_params(path: str | Path, *, overrides: Mapping[str, Any] | None = None) -> CycleParams:
    """Load and validate a cycle params file.

    Parameters
    ----------
    path : str or pathlib.Path
        The YAML file (absolute or project-relative).
    overrides : mapping, optional
        Common parameters set on the command line (``audience``), applied before validation.

    Returns
    -------
    CycleParams
        The validated parameters, with a section for every registered framework.

    Raises
    ------
    ParameterError
        If the file is missing, is not a mapping, or has unknown keys or invalid values;
        every problem is listed.
    """
    source = str(path)
    raw = {**_read_mapping(path, source), **(overrides or {})}
    sections_raw = raw.pop("frameworks", None) or {}
    report_raw = raw.pop("report", None)
    problems: list[str] = []
    report = ReportMeta()
    try:
        report = parse_report_meta(report_raw, source)
    except ParameterError as exc:
        problems.extend(exc.problems)
    if "cycle" not in raw:
        problems.append('`cycle` is required (for example cycle: "2009-Q4")')
    if not isinstance(sections_raw, dict):
        problems.append(f"`frameworks` must map framework names to their parameters; got {sections_raw!r}")
        sections_raw = {}
    common: dict[str, Any] = {}
    try:
        common = validate_values(raw, COMMON_PARAMS, source, also_known=("frameworks", "report"))
    except ParameterError as exc:
        problems.extend(exc.problems)
    sections = _sections(sections_raw, source, problems)
    if common.get("thresholds_file"):
        try:
            load_thresholds(common["thresholds_file"])  # every line and its source, before any kernel
        except ParameterError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ParameterError(problems, source)
    return CycleParams(
        source=source, common=MappingProxyType(common), sections=MappingProxyType(sections), report=report
    )


def _read_mapping(path: str | Path, source: str) -> dict[str, Any]:
    """A params file's top-level mapping, or a ParameterError saying why there is none."""
    file = resolve(path)
    if not file.is_file():
        raise ParameterError(f"params file not found (looked for {file})", source)
    try:
        raw = load_yaml(file)
    except yaml.YAMLError as exc:
        raise ParameterError(f"not valid YAML: {exc}", source) from exc
    if raw is None:
        raise ParameterError("the params file is empty; expected at least `cycle:`", source)
    if not isinstance(raw, dict):
        raise ParameterError(f"expected a mapping of parameter names to values; got {type(raw).__name__}", source)
    return raw


def _sections(sections_raw: Mapping[str, Any], source: str, problems: list[str]) -> dict[str, dict[str, Any]]:
    """Every registered framework's validated section (its defaults where the file has none); each
    problem is added to ``problems``."""
    for name, section in sections_raw.items():
        if name not in FRAMEWORKS:
            problems.append(f"unknown framework `{name}` under `frameworks`; known frameworks are: {', '.join(FRAMEWORKS)}")
        elif section is not None and not isinstance(section, dict):
            problems.append(f"`frameworks.{name}` must be a mapping of parameters; got {section!r}")
    sections: dict[str, dict[str, Any]] = {}
    for name, fw in FRAMEWORKS.items():
        section = sections_raw.get(name) or {}
        if not isinstance(section, dict):
            continue
        try:
            sections[name] = validate_values(section, fw.params, source)
        except ParameterError as exc:
            problems.extend(f"frameworks.{name}: {p}" for p in exc.problems)
    return sections


@dataclass(frozen=True)
class RunParameters:
    """The validated parameters of one notebook run, read as attributes (``p.cycle``).

    Attributes
    ----------
    framework : str
        The framework the notebook reports on.
    values : mapping
        Every parameter of that framework's notebook, validated.
    declared : mapping, optional
        Per-item thresholds already read; None (the default) reads the ``thresholds_file``.
    """

    framework: str
    values: Mapping[str, Any]
    declared: Mapping[tuple[str, str], Threshold] | None = None

    def __getattr__(self, name: str) -> Any:
        values = object.__getattribute__(self, "values")
        if name in values:
            return values[name]
        msg = f"{name!r} is not a parameter of the {self.framework} notebook"
        raise AttributeError(msg)

    def path(self, name: str) -> Path:
        """Return parameter ``name`` (a project-relative path) resolved from the project root."""
        return resolve(self.values[name])

    @property
    def report(self) -> ReportMeta:
        """The author, approver, date and version of the run's reports: the ``report:`` section of its
        params file (the ``params_file`` parameter where the notebook has one; else ``params/<cycle>.yaml``),
        :func:`read_report_meta`."""
        return read_report_meta(str(self.values.get("params_file", "") or ""), str(self.values["cycle"]))

    @property
    def thresholds(self) -> Mapping[tuple[str, str], Threshold]:
        """The per-item thresholds the ``thresholds_file`` declares (none when it is empty)."""
        if self.declared is not None:  # lines already read (the action plan's re-judging of earlier cycles)
            return self.declared
        return declared_thresholds(self.values)


def from_notebook(framework: str, namespace: Mapping[str, Any]) -> RunParameters:
    """Validate a notebook's parameters, taken from its namespace.

    Called in the cell after the parameters cell as
    ``p = review.config.params.from_notebook("jar_haringey", globals())``, so a value injected
    by papermill or edited in JupyterLab is checked before the notebook uses it.

    Parameters
    ----------
    framework : str
        A registered framework name.
    namespace : mapping
        The notebook's globals; only the framework's declared parameters are read.

    Returns
    -------
    RunParameters
        The validated parameters.

    Raises
    ------
    ParameterError
        If the framework is unknown, a parameter is missing from the namespace, or a
        value is invalid.

    Notes
    -----
    In a JupyterLab kernel the first call installs :mod:`review.config.run_guard`: when the cell
    calling it fails, no later cell runs on the kernel's earlier state.
    """
    begin_check()
    if framework not in FRAMEWORKS:
        raise ParameterError(f"`framework` must be one of {list(FRAMEWORKS)}; got {framework!r}", "notebook")
    specs = COMMON_PARAMS + FRAMEWORKS[framework].params
    missing = [p.name for p in specs if p.name not in namespace]
    if missing:
        raise ParameterError(
            f"the parameters cell does not define {', '.join(missing)}", f"notebook {framework}"
        )

    history = namespace.get("In")
    stray = undeclared_names(history, [p.name for p in specs]) if isinstance(history, list) else []
    if stray:
        raise ParameterError(
            f"the parameters cell defines {', '.join(stray)}, which "
            f"{'is not a parameter' if len(stray) == 1 else 'are not parameters'} of {framework}; "
            f"its parameters are {', '.join(p.name for p in specs)}", f"notebook {framework}")
    values = validate_values({p.name: namespace[p.name] for p in specs}, specs, f"notebook {framework}")
    return RunParameters(framework=framework, values=MappingProxyType(values))


def read_report_meta(params_file: str, cycle: str) -> ReportMeta:
    """The ``report:`` section of a run's params file (``params_file``; empty: ``params/<cycle>.yaml``,
    and without that file every field reads "not stated": nothing is made up).

    Parameters
    ----------
    params_file : str
        The run's params file (project-relative or absolute), or ``""``.
    cycle : str
        The run's cycle, for the default params file.

    Returns
    -------
    ReportMeta

    Raises
    ------
    ParameterError
        If the params file is not valid.

    Examples
    --------
    >>> read_report_meta("", "1999-Q1").author
    'not stated'
    >>> read_report_meta("params/2009-Q4.yaml", "2009-Q4").version
    '1.0 (demo)'
    """
    if not params_file:
        path = default_params_path(cycle)
        return load_cycle_params(path).report if path.is_file() else ReportMeta()
    return load_cycle_params(params_file).report
