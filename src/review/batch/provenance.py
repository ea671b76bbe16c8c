"""What was run: input hashes, package versions and the git state, for manifests and footers."""

from __future__ import annotations

import hashlib
import subprocess
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from review.config.paths import project_root

__all__ = ["PACKAGES", "code_digest", "file_sha256", "first_code_digest", "git_state", "input_files", "package_versions"]

PACKAGES = (
    "review", "numpy", "pandas", "scipy", "matplotlib", "papermill", "nbconvert", "nbclient",
    "nbformat", "ipykernel", "jupyter_client", "ipywidgets", "pyyaml", "openpyxl",
)


def code_digest() -> str:
    """SHA-256 of the workbook's code files as they are on disk now (paths and contents)."""
    digest = hashlib.sha256()
    package = Path(__file__).parents[1]
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def first_code_digest() -> str:
    """:func:`code_digest` when this process first asked, at the start of the first run it took
    part in. A process keeps running the code it imported then: if the files differ later (a
    ``git pull`` under a running Dask worker), the two digests differ."""
    return code_digest()


def file_sha256(path: Path) -> str:
    """Return the SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_files(*paths: Path) -> list[dict[str, str]]:
    """List files (folders are walked) with their project-relative path and SHA-256.

    Parameters
    ----------
    *paths : pathlib.Path
        Files or folders.

    Returns
    -------
    list of dict
        ``{"path": ..., "sha256": ...}`` sorted by path; hidden files are skipped.
    """
    root = project_root()
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            found.add(path)
    out = []
    for p in sorted(found):
        rel = p.resolve().relative_to(root) if p.resolve().is_relative_to(root) else p
        out.append({"path": rel.as_posix(), "sha256": file_sha256(p)})
    return out


def package_versions() -> dict[str, str]:
    """Return the installed version of each package the reports depend on."""
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_state() -> dict[str, object]:
    """Return ``{"commit": sha or None, "dirty": bool or None}`` for the project checkout."""
    root = project_root()
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root, capture_output=True, text=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(status.strip())}
