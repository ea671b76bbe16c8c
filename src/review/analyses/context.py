"""What every framework notebook starts from: validated parameters, evidence, disclosure policy."""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from review.config.cycles import previous_cycle
from review.config.params import RunParameters
from review.config.region import KeySource
from review.data import Evidence, load_evidence
from review.exceptions import ParameterError
from review.protection.disclosure import DisclosurePolicy
from review.protection.pseudonym import pseudonymise

__all__ = ["EVIDENCE_CACHE_ENV", "REGION_CACHE_ENV", "SNAPSHOT_FILE", "Context", "context", "evidence_snapshot",
           "load_pseudonymised", "read_snapshot", "write_evidence_cache"]

EVIDENCE_CACHE_ENV = "REVIEW_EVIDENCE_CACHE"
"""Set by the batch in its kernels' environment: a folder holding ``evidence.pickle``, the
validated, pseudonymised evidence (:func:`write_evidence_cache`), so the notebooks of one run
share one load instead of each parsing and checking the files again. The folder, not the file, is
named: every kernel of a worker then starts with the same environment, whichever authority's
evidence its task puts there."""

SNAPSHOT_FILE = "evidence.pickle"
"""The evidence snapshot's file name in the folder :data:`EVIDENCE_CACHE_ENV` names."""

REGION_CACHE_ENV = "REVIEW_REGION_CACHE"
"""Set by the regional run in its kernels' environment: a folder that holds, while a comparison
notebook runs, a snapshot per authority, ``<authority id>.pickle`` (:func:`evidence_snapshot`), so
that kernel reads every authority's pseudonymised evidence without holding any authority's key. Every
kernel of a worker is given the same folder (see :data:`EVIDENCE_CACHE_ENV`); only the comparison
reads it."""


@dataclass(frozen=True)
class Context:
    """A notebook's inputs.

    Attributes
    ----------
    params : RunParameters
    evidence : Evidence
        Pseudonymised at load (see :mod:`review.protection.pseudonym`).
    policy : DisclosurePolicy
        From the audience and the suppression parameters.
    cycle, previous : str
        This cycle and the one before it.
    """

    params: RunParameters
    evidence: Evidence
    policy: DisclosurePolicy
    cycle: str
    previous: str


def load_pseudonymised(folder: Path, key: KeySource | None = None) -> Evidence:
    """A data folder's evidence, validated and pseudonymised under its key (``key``: where it is;
    default this process's key variables, see :func:`review.protection.pseudonym.resolve_key`)."""
    return pseudonymise(load_evidence(folder), folder, key)


def evidence_snapshot(folder: Path, evidence: Evidence | None = None, key: KeySource | None = None) -> bytes:
    """A data folder's evidence, validated and pseudonymised, as the bytes of a run's evidence cache.

    The bytes hold pseudonyms only (never raw references) and no key. ``evidence``: the folder
    already loaded and validated (raw), if the caller has it; it is pseudonymised here, under the
    key ``key`` names (default this process's, see :func:`load_pseudonymised`).
    """
    ev = load_pseudonymised(folder, key) if evidence is None else pseudonymise(evidence, folder, key)
    parts = {"folder": ev.folder, "tables": dict(ev.tables), "scales": dict(ev.scales), "criteria": ev.criteria,
             "key_source": ev.key_source}
    return pickle.dumps({"folder": str(folder.resolve()), "named": os.path.abspath(folder), "evidence": parts})


def write_evidence_cache(folder: Path, cache_dir: Path, evidence: Evidence | None = None,
                         snapshot: bytes | None = None) -> Path:
    """Load, validate and pseudonymise a data folder once and pickle it for a run's notebooks.

    The pickle holds pseudonyms only (never raw references) and lives in a private temporary
    folder that the runner deletes when the run ends. ``evidence``: the folder already loaded and
    validated (raw), if the caller has it; ``snapshot``: the bytes already made by
    :func:`evidence_snapshot` (a regional run makes them once per authority, on a worker).
    """
    path = cache_dir / SNAPSHOT_FILE
    path.write_bytes(snapshot if snapshot is not None else evidence_snapshot(folder, evidence))
    return path


def read_snapshot(path: str | Path, folder: Path) -> Evidence:
    """The evidence in a snapshot file written by this run (:func:`evidence_snapshot`).

    Parameters
    ----------
    path : str or pathlib.Path
        The snapshot file.
    folder : pathlib.Path
        The data folder the notebook was asked to read: the snapshot must be of it.

    Raises
    ------
    ParameterError
        If the file is gone, or holds another folder's evidence.
    """
    if not Path(path).is_file():
        raise ParameterError(f"the run's validated evidence ({path}) is gone; run the cycle again", "batch run")
    data = Path(path).read_bytes()
    cached = pickle.loads(data)  # noqa: S301 - written by this run's own runner
    # The same folder: the same once links are resolved here, or the same absolute path as named (a
    # snapshot made on another machine, a Dask worker, may resolve a shared mount through other links).
    if cached["folder"] != str(folder.resolve()) and cached["named"] != os.path.abspath(folder):
        raise ParameterError(f"the run validated {cached['folder']}, not {folder}; run the cycle again", "batch run")
    parts = cached["evidence"]
    return Evidence(parts["folder"], MappingProxyType(parts["tables"]), MappingProxyType(parts["scales"]),
                    parts["criteria"], parts["key_source"], snapshot=hashlib.sha256(data).hexdigest())


def _cached(folder: Path) -> Evidence | None:
    """The runner's cached evidence: in a batch run, kernels read only the evidence validated at the
    run's start, never the raw files again (None outside a batch run)."""
    cache = os.environ.get(EVIDENCE_CACHE_ENV)
    return read_snapshot(Path(cache) / SNAPSHOT_FILE, folder) if cache else None


def context(params: RunParameters) -> Context:
    """Load the evidence for a notebook and check the cycle is in it.

    Parameters
    ----------
    params : RunParameters
        From :func:`review.config.params.from_notebook`.

    Returns
    -------
    Context

    Raises
    ------
    DataValidationError
        If the data folder fails validation.
    ParameterError
        If the data hold no audits for the cycle.
    """
    evidence = _cached(params.path("data_dir")) or load_pseudonymised(params.path("data_dir"))
    if params.cycle not in evidence.cycles:
        raise ParameterError(
            f"`cycle` {params.cycle!r} has no audits in {params.data_dir}; cycles there: {', '.join(evidence.cycles)}",
            f"notebook {params.framework}",
        )
    policy = DisclosurePolicy(audience=params.audience, high=params.suppression_threshold,
                              min_group=params.min_group, rounding_base=params.rounding_base)
    return Context(params, evidence, policy, params.cycle, previous_cycle(params.cycle))
