"""What every framework notebook starts from: validated parameters, evidence, disclosure policy."""

from __future__ import annotations

from dataclasses import dataclass

from review.cycles import previous_cycle
from review.data import Evidence, load_evidence
from review.disclosure import DisclosurePolicy
from review.exceptions import ParameterError
from review.params import RunParameters

__all__ = ["Context", "context"]


@dataclass(frozen=True)
class Context:
    """A notebook's inputs.

    Attributes
    ----------
    params : RunParameters
    evidence : Evidence
        Pseudonymised at load (see :mod:`review.pseudonym`).
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


def context(params: RunParameters) -> Context:
    """Load the evidence for a notebook and check the cycle is in it.

    Parameters
    ----------
    params : RunParameters
        From :func:`review.params.from_notebook`.

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
    from review.pseudonym import pseudonymise

    evidence = pseudonymise(load_evidence(params.data_dir), params.path("data_dir"))
    if params.cycle not in evidence.cycles:
        raise ParameterError(
            f"`cycle` {params.cycle!r} has no audits in {params.data_dir}; cycles there: {', '.join(evidence.cycles)}",
            f"notebook {params.framework}",
        )
    policy = DisclosurePolicy(audience=params.audience, high=params.suppression_threshold,
                              min_group=params.min_group, rounding_base=params.rounding_base)
    return Context(params, evidence, policy, params.cycle, previous_cycle(params.cycle))
