"""Pseudonymisation at load: references to cases, audits and people become stable keyed hashes.

Which fields hold references is declared by field in :mod:`review.data.schema`
(``PERSON_FIELDS``, ``CASE_FIELDS``, ``AUDIT_FIELDS``), never by what a row's label says: a rater
recorded as "Manager", "manager" or "area manager" is a person and is pseudonymised; only a row
that names an agency (``ORGANISATION_ROWS``) keeps its name, because organisations may be named.

A reference is replaced by a prefix and the first 12 hex digits of its HMAC-SHA256 under a key
the council holds outside the repository (``REVIEW_PSEUDONYM_KEY``, or a key file named by
``REVIEW_PSEUDONYM_KEY_FILE``). The same reference and key always give the same pseudonym, so
results join across quarters without the raw references; a different key gives different ones.
Real data need a key of at least 32 random bytes (64 hex digits when written as hex), and never
the public demo key, which only the bundled synthetic data (marked by ``SYNTHETIC_DEMO_DATA.txt``)
use. No message names the key; raw references never leave the loader for a report, results
file or manifest.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from review.config.paths import resolve
from review.config.region import KeySource
from review.data.load import Evidence
from review.data.schema import AUDIT_FIELDS, CASE_FIELDS, ORGANISATION_ROWS, PERSON_FIELDS
from review.exceptions import ParameterError
from review.protection.text_screen import TextScreen, free_text_identifiers, screen_learning

__all__ = ["DEMO_KEY", "DEMO_MARKER", "IDENTIFIERS", "KEY_ENV", "KEY_FILE_ENV", "MIN_KEY_BYTES", "identifier_rows",
           "identifier_values", "pseudonym", "pseudonymise", "resolve_key"]

KEY_ENV = "REVIEW_PSEUDONYM_KEY"
KEY_FILE_ENV = "REVIEW_PSEUDONYM_KEY_FILE"
DEMO_MARKER = "SYNTHETIC_DEMO_DATA.txt"
DEMO_KEY = b"review-demo-key: synthetic demo data only, NOT A SECRET"
MIN_KEY_BYTES = 32
"""A real key holds at least this many random bytes (64 hex digits written as hex)."""


def _identifiers() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for fields, prefix in ((CASE_FIELDS, "C"), (PERSON_FIELDS, "S"), (AUDIT_FIELDS, "A")):
        for dataset, columns in fields.items():
            out.setdefault(dataset, {}).update(dict.fromkeys(columns, prefix))
    return out


IDENTIFIERS: dict[str, dict[str, str]] = _identifiers()
"""Dataset -> identifier column -> pseudonym prefix (C case, S person, A audit), from the schema."""

_HEX = re.compile(r"[0-9a-fA-F]+")


def _key_bytes(raw: bytes) -> bytes:
    """A key as bytes: text of hex digits is decoded (64 hex digits are 32 bytes)."""
    text = raw.strip()
    if len(text) % 2 == 0 and _HEX.fullmatch(text.decode("ascii", errors="replace")):
        return bytes.fromhex(text.decode("ascii"))
    return text


def _checked(key: bytes, where: str, demo: bool) -> bytes:
    """Refuse a weak key for real data, naming where it came from and never the key."""
    if demo:
        return key
    if hmac.compare_digest(key, DEMO_KEY) or DEMO_KEY in key:
        raise ParameterError(f"the key from {where} is the public demo key; real data need the council's own key")
    if len(_key_bytes(key)) < MIN_KEY_BYTES or len(set(_key_bytes(key))) < 8:
        raise ParameterError(
            f"the key from {where} is too short or too regular: real data need at least {MIN_KEY_BYTES} random bytes "
            f"(for example 64 hex digits from `python -c \"import secrets; print(secrets.token_hex(32))\"`)")
    return key


def _env_key() -> bytes:
    """The key in :data:`KEY_ENV` as UTF-8 bytes; a value that is not valid text is refused (never quoted)."""
    try:
        return os.environ[KEY_ENV].encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ParameterError(
            f"environment variable {KEY_ENV} is not valid text: character {exc.start + 1} is a byte that is not "
            f"UTF-8; write the key as hex digits (`review key new FILE` writes one) or name a key file with "
            f"{KEY_FILE_ENV}") from None


def resolve_key(data_dir: Path, source: KeySource | None = None) -> tuple[bytes, str]:
    """Find the pseudonymisation key: environment, key file, or the demo key for the demo data.

    Parameters
    ----------
    data_dir : pathlib.Path
        The data folder (checked for the demo marker).
    source : KeySource, optional
        Where this data folder's key is (a regional run names one per authority); default this
        process's :data:`KEY_ENV` or :data:`KEY_FILE_ENV`, else the demo key for demo data.

    Returns
    -------
    tuple
        ``(key, source)``; ``source`` says where the key came from (never the key itself).

    Raises
    ------
    ParameterError
        If no key is configured for real data, the key file is missing or empty, or the key of
        real data is shorter than :data:`MIN_KEY_BYTES` random bytes or is the demo key. The
        message names where the key came from, never the key.
    """
    demo = (Path(data_dir) / DEMO_MARKER).is_file()
    if source is not None:
        return _from_source(source, demo)
    if os.environ.get(KEY_ENV):
        where = f"environment variable {KEY_ENV}"
        return _checked(_env_key(), where, demo), where
    if os.environ.get(KEY_FILE_ENV):
        return _from_file(Path(os.environ[KEY_FILE_ENV]).expanduser(), f"the key file named by {KEY_FILE_ENV}", demo,
                          f"{KEY_FILE_ENV} must name a regular file holding the pseudonymisation key")
    if demo:
        return DEMO_KEY, _DEMO_SOURCE
    raise ParameterError(
        f"no pseudonymisation key for {data_dir}: set {KEY_ENV} or {KEY_FILE_ENV} to the council's key "
        "(kept outside the repository); only the synthetic demo data may use the demo key"
    )


_DEMO_SOURCE = "the fixed demo key (synthetic data only; not a secret)"


def _from_file(path: Path, where: str, demo: bool, missing: str) -> tuple[bytes, str]:
    if not path.is_file() or not path.read_bytes().strip():
        raise ParameterError(missing)
    return _checked(path.read_bytes().strip(), where, demo), where


def _from_source(source: KeySource, demo: bool) -> tuple[bytes, str]:
    """The key a region file names for one authority."""
    if source.kind == "env":
        value = os.environ.get(source.value)
        if not value:
            raise ParameterError(f"the environment variable {source.value} (its pseudonymisation key) is not set")
        where = f"environment variable {source.value}"
        return _checked(value.encode("utf-8"), where, demo), where
    if source.kind == "file":
        path = resolve(source.value)
        return _from_file(path, f"the key file {path}", demo, f"the key file {path} is missing or empty")
    if not demo:
        raise ParameterError("the demo key is for the synthetic demo data only; name this authority's own key")
    return DEMO_KEY, _DEMO_SOURCE


def pseudonym(value: str, key: bytes, prefix: str) -> str:
    """The pseudonym of one reference: ``prefix-`` and 12 hex digits of HMAC-SHA256(key, prefix:value).

    >>> pseudonym("C100001", b"k1", "C")[:2]
    'C-'
    """
    digest = hmac.new(key, f"{prefix}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{prefix}-{digest[:12]}"


def _label(value: object) -> str:
    return " ".join(str(value).split()).casefold()


def identifier_rows(frame: pd.DataFrame, dataset: str, column: str) -> pd.Series:
    """Which rows of an identifier field hold a reference (True) rather than an organisation's name
    or nothing."""
    present = frame[column].notna()
    rule = ORGANISATION_ROWS.get((dataset, column))
    if rule is None or rule[0] not in frame.columns:
        return present
    organisations = {_label(v) for v in rule[1]}
    return present & ~frame[rule[0]].map(_label).isin(organisations)


def identifier_values(evidence: Evidence) -> set[str]:
    """Every reference held in an identifier field of the evidence (raw, or pseudonyms once replaced),
    and what the free-text screen finds in auditors' narratives as loaded (names, dates, postcodes,
    phone and NHS numbers: :func:`review.protection.text_screen.free_text_identifiers`)."""
    found: set[str] = free_text_identifiers(evidence)
    for name, columns in IDENTIFIERS.items():
        frame = evidence.tables.get(name)
        if frame is None:
            continue
        for column in columns:
            if column in frame.columns:
                found.update(str(v) for v in frame.loc[identifier_rows(frame, name, column), column])
    return found


def pseudonymise(evidence: Evidence, data_dir: Path, source: KeySource | None = None) -> Evidence:
    """Replace every reference in an identifier field by its pseudonym (empty cells stay empty).

    Parameters
    ----------
    evidence : Evidence
        As loaded.
    data_dir : pathlib.Path
        The data folder (for the key).
    source : KeySource, optional
        Where its key is (see :func:`resolve_key`).

    Returns
    -------
    Evidence
        A new Evidence; ``key_source`` records where the key came from. The free text of
        ``audit_learning`` is screened first (:func:`review.protection.text_screen.screen_learning`):
        every finding is masked, and a row with one is marked ``withheld``.
    """
    key, where = resolve_key(data_dir, source)
    tables = dict(evidence.tables)
    if "audit_learning" in tables:  # free text is screened and masked before anything else reads it
        tables["audit_learning"] = screen_learning(tables["audit_learning"], TextScreen.of(evidence))
    for name, columns in IDENTIFIERS.items():
        if name not in tables:
            continue
        frame = tables[name].copy()
        for column, prefix in columns.items():
            if column not in frame.columns:
                continue
            rows = identifier_rows(frame, name, column)
            frame[column] = frame[column].astype(object)
            frame.loc[rows, column] = frame.loc[rows, column].map(lambda v, p=prefix: pseudonym(str(v), key, p))
        tables[name] = frame
    return replace(evidence, tables=MappingProxyType(tables), key_source=where)
