"""The evidence of a review cycle: its data contract, loading and validation, and the demo data."""

from review.data.load import Evidence, GradeScale, load_evidence
from review.data.schema import DATASETS, TIERS

__all__ = ["DATASETS", "TIERS", "Evidence", "GradeScale", "load_evidence"]
