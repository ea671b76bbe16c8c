"""Pseudonymisation at load: case, audit and staff references become stable keyed hashes.

A reference is replaced by a prefix and the first 12 hex digits of its HMAC-SHA256 under a key
the council holds outside the repository (``REVIEW_PSEUDONYM_KEY``, or a key file named by
``REVIEW_PSEUDONYM_KEY_FILE``). The same reference and key always give the same pseudonym, so
results join across quarters without the raw references; a different key gives different ones.
The bundled synthetic data (marked by ``SYNTHETIC_DEMO_DATA.txt``) use a fixed demo key that is
not a secret. Raw references never leave the loader for a report, results file or manifest.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import replace
from pathlib import Path

import pandas as pd

from review.data.load import Evidence
from review.exceptions import ParameterError

__all__ = ["DEMO_KEY", "DEMO_MARKER", "IDENTIFIERS", "KEY_ENV", "KEY_FILE_ENV", "pseudonym", "pseudonymise", "resolve_key"]

KEY_ENV = "REVIEW_PSEUDONYM_KEY"
KEY_FILE_ENV = "REVIEW_PSEUDONYM_KEY_FILE"
DEMO_MARKER = "SYNTHETIC_DEMO_DATA.txt"
DEMO_KEY = b"review-demo-key: synthetic demo data only, NOT A SECRET"

IDENTIFIERS: dict[str, dict[str, str]] = {
    "frame": {"case_ref": "C", "allocated_worker": "S", "team_manager": "S"},
    "audits": {"case_ref": "C", "auditor_id": "S", "audit_id": "A", "moderation_of": "A"},
    "staff": {"staff_id": "S"},
    "actions": {"audit_id": "A"},
}
"""Dataset -> identifier column -> pseudonym prefix (C case, S staff, A audit)."""


def resolve_key(data_dir: Path) -> tuple[bytes, str]:
    """Find the pseudonymisation key: environment, key file, or the demo key for the demo data.

    Parameters
    ----------
    data_dir : pathlib.Path
        The data folder (checked for the demo marker).

    Returns
    -------
    tuple
        ``(key, source)``; ``source`` says where the key came from (never the key itself).

    Raises
    ------
    ParameterError
        If no key is configured for real data, or the key file is missing or empty.
    """
    if os.environ.get(KEY_ENV):
        return os.environ[KEY_ENV].encode("utf-8"), f"environment variable {KEY_ENV}"
    if os.environ.get(KEY_FILE_ENV):
        path = Path(os.environ[KEY_FILE_ENV]).expanduser()
        if not path.is_file() or not path.read_bytes().strip():
            raise ParameterError(f"{KEY_FILE_ENV}={path} must name a file holding the pseudonymisation key")
        return path.read_bytes().strip(), f"key file named by {KEY_FILE_ENV}"
    if (data_dir / DEMO_MARKER).is_file():
        return DEMO_KEY, "the fixed demo key (synthetic data only; not a secret)"
    raise ParameterError(
        f"no pseudonymisation key for {data_dir}: set {KEY_ENV} or {KEY_FILE_ENV} to the council's key "
        "(kept outside the repository); only the synthetic demo data may use the demo key"
    )


def pseudonym(value: str, key: bytes, prefix: str) -> str:
    """The pseudonym of one reference: ``prefix-`` and 12 hex digits of HMAC-SHA256(key, prefix:value)."""
    digest = hmac.new(key, f"{prefix}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{prefix}-{digest[:12]}"


def pseudonymise(evidence: Evidence, data_dir: Path) -> Evidence:
    """Replace every identifier column by its pseudonym (empty cells stay empty).

    Parameters
    ----------
    evidence : Evidence
        As loaded.
    data_dir : pathlib.Path
        The data folder (for the key).

    Returns
    -------
    Evidence
        A new Evidence; ``key_source`` records where the key came from.
    """
    key, source = resolve_key(data_dir)
    tables = dict(evidence.tables)
    for name, columns in IDENTIFIERS.items():
        if name not in tables:
            continue
        frame = tables[name].copy()
        for column, prefix in columns.items():
            frame[column] = frame[column].map(
                lambda v, p=prefix: None if v is None or pd.isna(v) else pseudonym(str(v), key, p))
        tables[name] = frame
    if "self_assessments" in tables:  # managers who rate are staff; agencies are not people
        frame = tables["self_assessments"].copy()
        managers = frame["rater_type"].str.lower().isin(["manager", "area manager"])
        frame.loc[managers, "rater"] = frame.loc[managers, "rater"].map(lambda v: pseudonym(str(v), key, "S"))
        tables["self_assessments"] = frame
    from types import MappingProxyType

    return replace(evidence, tables=MappingProxyType(tables), key_source=source)
