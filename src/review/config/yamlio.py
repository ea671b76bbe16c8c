"""Reading YAML the way an analyst means it.

PyYAML follows YAML 1.1, which turns ``2009-04-01`` into a date, ``NO`` and ``off``
into False and ``007`` into 7. Cycles, IDs and dates in this workbook are strings, so
the loader here keeps them as written: only ``true``/``false`` are booleans and
timestamps are never resolved. Numbers with leading zeros stay strings too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

__all__ = ["load_yaml"]


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2-like scalars: no timestamps, only true/false as booleans."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
# YAML 1.1 reads 0-prefixed numbers as octal (007 -> 7, 010 -> 8): keep them as text.
_INT_RESOLVERS = _StrictLoader.yaml_implicit_resolvers
for _first in "0123456789+-":
    _INT_RESOLVERS[_first] = [
        (tag, regexp) for tag, regexp in _INT_RESOLVERS.get(_first, []) if tag != "tag:yaml.org,2002:int"
    ]
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]*))$"),
    list("-+0123456789"),
)
# YAML 1.1 wants a dot in a float ("1.0e-3"); accept the "1e-3" an analyst writes.
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)


def load_yaml(path: str | Path) -> Any:
    """Load a YAML file with the workbook's strict scalar rules.

    Parameters
    ----------
    path : str or pathlib.Path
        The file to read (UTF-8).

    Returns
    -------
    object
        The parsed document; ``None`` for an empty file.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    yaml.YAMLError
        If the file is not valid YAML.
    """
    text = Path(path).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
