"""A run's inputs, resolved once: what every part of a cycle's run reads, passed explicitly.

The command line (or a regional run's validation) builds one :class:`RunContext` per cycle (per
authority-cycle in a regional run) before any kernel starts, and everything after reads it: the
runner, the publish gate and the regional run's tasks. Nothing is read again from the environment
or from a params file halfway through a run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from review.config.params import CycleParams
from review.config.paths import resolve
from review.config.region import KeySource
from review.protection.disclosure import DisclosurePolicy, policy_of
from review.protection.pseudonym import DEMO_MARKER, resolve_key

__all__ = ["RunContext", "run_context"]


@dataclass(frozen=True)
class RunContext:
    """One cycle's run, resolved and validated.

    Attributes
    ----------
    params : CycleParams
        The validated params file.
    data_dir : pathlib.Path
        The evidence folder, resolved from the project root.
    key_source : KeySource or None
        Where the evidence's pseudonymisation key is (a regional run names one per authority);
        None: this process's key variables, or the demo key for the demo data. The key itself is
        never held here: the context travels to a regional run's workers, and keys never cross
        the network (each is read where it is needed, from its source).
    key_from : str
        Where the key was found when the context was built (never the key).
    thresholds : mapping
        Framework to its ``(rag_green, rag_red)``, for every framework that judges red, amber and
        green.
    confidence_level : float
    policy : DisclosurePolicy
        From the audience and the suppression parameters.
    synthetic : bool
        Whether the evidence is the synthetic demo (its folder holds the demo marker).
    """

    params: CycleParams
    data_dir: Path
    key_source: KeySource | None
    key_from: str
    thresholds: Mapping[str, tuple[float, float]]
    confidence_level: float
    policy: DisclosurePolicy
    synthetic: bool

    @property
    def cycle(self) -> str:
        """The review cycle."""
        return self.params.cycle

    @property
    def audience(self) -> str:
        """``published`` or ``internal``: the policy's audience."""
        return self.policy.audience


def run_context(params: CycleParams, key_source: KeySource | None = None) -> RunContext:
    """Resolve and check a cycle's inputs once.

    Parameters
    ----------
    params : CycleParams
        From :func:`review.config.params.load_cycle_params`.
    key_source : KeySource, optional
        Where the key is; default this process's key variables (see
        :func:`review.protection.pseudonym.resolve_key`).

    Returns
    -------
    RunContext

    Raises
    ------
    ParameterError
        If the key cannot be found or is unfit for the data (the message names where it was
        looked for, never the key).

    Examples
    --------
    >>> from review.config.params import load_cycle_params
    >>> ctx = run_context(load_cycle_params("params/2009-Q4.yaml"))
    >>> ctx.data_dir.name, ctx.synthetic, ctx.policy.audience, ctx.thresholds["jar_haringey"]
    ('demo', True, 'published', (0.8, 0.65))
    """
    common = params.common
    data_dir = resolve(common["data_dir"])
    _, key_from = resolve_key(data_dir, key_source)
    thresholds = {}
    for name in params.sections:
        values = params.for_framework(name)
        if "rag_green" in values and "rag_red" in values:
            thresholds[name] = (float(values["rag_green"]), float(values["rag_red"]))
    policy = policy_of(common)
    return RunContext(params=params, data_dir=data_dir, key_source=key_source, key_from=key_from,
                      thresholds=MappingProxyType(thresholds), confidence_level=float(common["confidence_level"]),
                      policy=policy, synthetic=(data_dir / DEMO_MARKER).is_file())
