"""The quarterly batch: the runner, HTML export, the cycle index and manifest, results and
provenance."""
