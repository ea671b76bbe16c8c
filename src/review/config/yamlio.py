"""Reading YAML the way an analyst means it.

PyYAML follows YAML 1.1, which turns ``2009-04-01`` into a date, ``NO`` and ``off``
into False and ``007`` into 7. Cycles, IDs and dates in this workbook are strings, so
the loader here keeps them as written: only ``true``/``false`` are booleans and
timestamps are never resolved. Numbers with leading zeros stay strings too.

A params file is refused with a :class:`~review.exceptions.ParameterError` naming it when it
is not UTF-8, larger than :data:`MAX_YAML_BYTES`, nested deeper than :data:`MAX_YAML_DEPTH`,
uses more than :data:`MAX_YAML_ALIASES` aliases, repeats a key in one mapping, or has a key
that is not text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from review.exceptions import ParameterError

__all__ = ["MAX_YAML_ALIASES", "MAX_YAML_BYTES", "MAX_YAML_DEPTH", "load_yaml"]

MAX_YAML_BYTES = 256 * 1024
"""The largest params file accepted (256 KiB; the bundled ones are under 1 KiB)."""

MAX_YAML_DEPTH = 16
"""The deepest nesting of mappings and lists accepted."""

MAX_YAML_ALIASES = 8
"""The most ``*alias`` references accepted in one file (no alias bombs)."""


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


def _check_events(text: str, source: str) -> None:
    """Depth and alias bounds, checked on the parser's event stream (no recursion, no expansion)."""
    depth = aliases = 0
    for event in yaml.parse(text, Loader=_StrictLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark is not None else 0
                raise ParameterError(f"line {line}: nested more than {MAX_YAML_DEPTH} levels deep; "
                                     "expected a flat mapping of parameters", source)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_YAML_ALIASES:
                line = event.start_mark.line + 1 if event.start_mark is not None else 0
                raise ParameterError(f"line {line}: more than {MAX_YAML_ALIASES} aliases (*name); "
                                     "write the values out", source)


def _check_keys(node: yaml.Node, source: str) -> None:
    """Every mapping key is text and appears once in its mapping."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in current.value:
                line = key.start_mark.line + 1
                if not isinstance(key, yaml.ScalarNode) or key.tag != "tag:yaml.org,2002:str":
                    shown = key.value if isinstance(key, yaml.ScalarNode) else "a list or mapping"
                    raise ParameterError(f"line {line}: the key {str(shown)[:60]!r} is not text; "
                                         "expected a parameter name", source)
                if key.value in seen:
                    raise ParameterError(f"line {line}: the key `{key.value[:60]}` appears twice "
                                         f"(first on line {seen[key.value]}); expected each key once", source)
                seen[key.value] = line
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def load_yaml(path: str | Path) -> Any:
    """Load a YAML file with the workbook's strict scalar rules and bounds.

    Parameters
    ----------
    path : str or pathlib.Path
        The file to read (UTF-8, with or without a byte-order mark).

    Returns
    -------
    object
        The parsed document; ``None`` for an empty file.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ParameterError
        If the file is not UTF-8, too large, too deep, has too many aliases, a repeated key or
        a key that is not text.
    yaml.YAMLError
        If the file is not valid YAML.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as fh:
    ...     _ = fh.write("cycle: 2009-Q4\\nseed: 007\\n")
    >>> load_yaml(fh.name)
    {'cycle': '2009-Q4', 'seed': '007'}
    >>> os.unlink(fh.name)
    """
    file = Path(path)
    source = str(path)
    size = file.stat().st_size
    if size > MAX_YAML_BYTES:
        raise ParameterError(f"the params file is larger than the limit of {MAX_YAML_BYTES:,} bytes "
                             f"(found {size:,} bytes)", source)
    data = file.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ParameterError(f"line {line}: expected UTF-8 text; found byte 0x{data[exc.start]:02X}", source) from None
    _check_events(text, source)
    node = yaml.compose(text, Loader=_StrictLoader)
    if node is None:
        return None
    _check_keys(node, source)
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
