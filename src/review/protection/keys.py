"""The council's pseudonymisation key: making one, checking it is there, and following a pseudonym back.

- :func:`new_key_file` writes 32 random bytes as 64 hex digits to a new file that only its owner
  can read (mode 0600); it never replaces a file.
- :func:`check_key` is what ``review validate`` runs: the key a run would use is found, strong
  enough for real data, and, when it is a file, readable by its owner only.
- :func:`reveal` turns a pseudonym seen on an internal page (``S-2f254619b821``) back into the
  reference it stands for, by computing the pseudonym of every reference in the evidence under the
  key, so a manager can follow it up. Each use is appended to an access log (when, who, which
  pseudonym, whether it was found; never the reference).
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import re
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from review.data.load import Evidence
from review.exceptions import ParameterError
from review.protection.pseudonym import (
    IDENTIFIERS,
    KEY_FILE_ENV,
    MIN_KEY_BYTES,
    identifier_rows,
    pseudonym,
    resolve_key,
)

__all__ = ["ACCESS_LOG", "PSEUDONYM", "Revealed", "check_key", "log_access", "new_key_file", "parse_pseudonym", "reveal"]

PSEUDONYM = re.compile(r"([CSA])-([0-9a-f]{12})")
"""A pseudonym as pages show it: C (case), S (person) or A (audit), a hyphen and 12 hex digits."""

ACCESS_LOG = "access_log.csv"
"""The access log's name in the data folder (its default place)."""


def new_key_file(path: str | Path) -> Path:
    """Write a new random key (:data:`MIN_KEY_BYTES` bytes as hex digits) readable by its owner only.

    Parameters
    ----------
    path : str or pathlib.Path
        A new file; an existing one is never replaced.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ParameterError
        If the file exists or its folder does not.
    """
    path = Path(path).expanduser()
    if path.exists() or path.is_symlink():
        raise ParameterError(f"{path} already exists; a key file is never overwritten (losing a key makes every "
                             "earlier pseudonym unmatchable): choose a new name")
    if not path.parent.is_dir():
        raise ParameterError(f"the folder {path.parent} does not exist")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        os.write(fd, (secrets.token_hex(MIN_KEY_BYTES) + "\n").encode("ascii"))
    finally:
        os.close(fd)
    return path


def _others_can_read(path: Path) -> bool:
    return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def check_key(data_dir: Path) -> str:
    """Check that a run of ``data_dir`` has its key; return where the key comes from (never the key).

    Parameters
    ----------
    data_dir : pathlib.Path
        The data folder (the demo's marker allows the demo key).

    Returns
    -------
    str
        Where the key comes from.

    Raises
    ------
    ParameterError
        No key for real data, a weak key, the demo key on real data, text that is not UTF-8, or a
        key file that others than its owner can read.
    """
    _, source = resolve_key(data_dir)
    named = os.environ.get(KEY_FILE_ENV)
    if named and source.endswith(KEY_FILE_ENV) and _others_can_read(Path(named).expanduser()):
        mode = stat.S_IMODE(Path(named).expanduser().stat().st_mode)
        raise ParameterError(f"the key file named by {KEY_FILE_ENV} can be read by others than its owner (mode "
                             f"{mode:04o}); make it private: chmod 600 on the file")
    return source


@dataclass(frozen=True)
class Revealed:
    """Where a pseudonym's reference appears in the evidence.

    Attributes
    ----------
    pseudonym : str
    reference : str or None
        The reference it stands for; None when no reference in the evidence has it.
    fields : tuple of str
        ``dataset.column`` where the reference appears.
    """

    pseudonym: str
    reference: str | None
    fields: tuple[str, ...]


def parse_pseudonym(text: str) -> re.Match[str]:
    """A pseudonym's parts (prefix, digits), or a ParameterError naming what is expected.

    Parameters
    ----------
    text : str
        A pseudonym as a page shows it.

    Returns
    -------
    re.Match
        Group 1 is the prefix (C, S or A).

    Examples
    --------
    >>> parse_pseudonym("S-2f254619b821").group(1)
    'S'
    """
    m = PSEUDONYM.fullmatch(text.strip())
    if m is None:
        raise ParameterError(f"`PSEUDONYM` is written like S-2f254619b821 (C case, S person, A audit, then 12 hex "
                             f"digits); got {text[:40]!r}")
    return m


def reveal(text: str, evidence: Evidence, key: bytes) -> Revealed:
    """The reference behind a pseudonym: the one whose pseudonym under ``key`` is ``text``.

    Parameters
    ----------
    text : str
        The pseudonym, e.g. ``S-2f254619b821``.
    evidence : Evidence
        The evidence as loaded (raw references, before pseudonymisation).
    key : bytes
        The key the page was made with.

    Returns
    -------
    Revealed

    Raises
    ------
    ParameterError
        If ``text`` is not written like a pseudonym.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import MappingProxyType
    >>> staff = pd.DataFrame({"staff_id": ["TM05"], "tier": ["TM"], "team": [None], "service": [None]})
    >>> ev = Evidence("x", MappingProxyType({"staff": staff}), MappingProxyType({}), ())
    >>> found = reveal(pseudonym("TM05", b"k" * 32, "S"), ev, b"k" * 32)
    >>> found.reference, found.fields
    ('TM05', ('staff.staff_id',))
    """
    m = parse_pseudonym(text)
    prefix = m.group(1)
    found: str | None = None
    fields = []
    for dataset, columns in IDENTIFIERS.items():
        frame = evidence.tables.get(dataset)
        if frame is None:
            continue
        for column, kind in columns.items():
            if kind != prefix or column not in frame.columns:
                continue
            values = {str(v) for v in frame.loc[identifier_rows(frame, dataset, column), column]}
            match = next((v for v in sorted(values) if pseudonym(v, key, prefix) == m.group(0)), None)
            if match is not None:
                found = match
                fields.append(f"{dataset}.{column}")
    return Revealed(m.group(0), found, tuple(fields))


def log_access(log: Path, revealed: Revealed, data_dir: str) -> None:
    """Append one line to the access log (created readable by its owner only).

    Parameters
    ----------
    log : pathlib.Path
        The log file.
    revealed : Revealed
        The use: when, who, which pseudonym and whether it was found are written, never the reference.
    data_dir : str
        The data folder, as named.
    """
    new = not log.exists()
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        if new:
            fh.write("when,who,pseudonym,found,data_folder\n")
        when = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        try:
            who = getpass.getuser().replace(",", " ")
        except (KeyError, OSError):  # no user name in this environment
            who = str(os.getuid())
        fh.write(f"{when},{who},{revealed.pseudonym},{'yes' if revealed.reference else 'no'},"
                 f"\"{data_dir.replace(chr(34), '')}\"\n")
