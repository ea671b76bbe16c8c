"""Speed of the agreement engine against its peers, as ratios measured in one run.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/agreement_speed.py``). Each timing is
the best of several repeats on the same data; a ratio below 1 means the engine is faster than
the peer. Targets: Cohen's kappa (with its standard error) at least as fast as
statsmodels' table path and 10x faster than scikit-learn; Fleiss' kappa and AC1 at least as fast
as statsmodels (aggregation included) and the irrCAC Python port; Krippendorff's alpha at least
as fast as the ``krippendorff`` package; ICC under 50 ms; a 2,000-resample bootstrap of weighted
kappa on 100,000 units under 100 ms.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

from review.stats import agreement as ag

warnings.filterwarnings("ignore")  # the peers' own deprecation noise is not measured here


def best(fn: Callable[[], object], repeat: int = 5) -> float:
    """Best wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def ratings(n: int, raters: int, missing: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.choice(4, size=n, p=[0.1, 0.45, 0.35, 0.1])
    x = np.where(rng.random((n, raters)) < 0.7, truth[:, None], rng.integers(0, 4, (n, raters))).astype(float)
    x[rng.random((n, raters)) < missing] = np.nan
    return x


def report(label: str, ours: float, peer: float | None, peer_name: str, target: str) -> bool:
    if peer is None:
        print(f"{label:<48} ours {ours * 1e3:8.2f} ms   {peer_name}: not installed")
        return True
    ratio = ours / peer
    print(f"{label:<48} ours {ours * 1e3:8.2f} ms   {peer_name} {peer * 1e3:9.2f} ms   ratio {ratio:6.3f}  ({target})")
    return True


def _cohen(failures: list[str]) -> None:
    from sklearn.metrics import cohen_kappa_score
    from statsmodels.stats import inter_rater

    x2 = ratings(100_000, 2, 0.0)
    a, b = x2[:, 0].astype(int), x2[:, 1].astype(int)
    ours = best(lambda: ag.cohen_kappa(x2))
    sm = best(lambda: inter_rater.cohens_kappa(inter_rater.to_table(x2)[0]))
    sk = best(lambda: cohen_kappa_score(a, b), repeat=3)
    report("Cohen's kappa + SE, 2 x 100,000", ours, sm, "statsmodels", "target <= 1")
    report("Cohen's kappa + SE, 2 x 100,000", ours, sk, "sklearn", "target <= 0.1")
    if ours > sm:
        failures.append("cohen vs statsmodels")
    if ours > 0.1 * sk:
        failures.append("cohen vs sklearn")


def _fleiss_and_gwet(failures: list[str]) -> None:
    from statsmodels.stats import inter_rater

    x5 = ratings(20_000, 5, 0.10)
    # statsmodels' fleiss_kappa refuses units with unequal numbers of ratings, so it is timed on
    # the same design without missing ratings (aggregation included); ours on that data too.
    complete = ratings(20_000, 5, 0.0)
    as_int = complete.astype(int)
    ours_c = best(lambda: ag.fleiss_kappa(complete))
    sm_f = best(lambda: inter_rater.fleiss_kappa(inter_rater.aggregate_raters(as_int, n_cat=4)[0]))
    report("Fleiss' kappa + SE, 5 x 20,000, complete", ours_c, sm_f, "statsmodels", "target <= 1")
    if ours_c > sm_f:
        failures.append("fleiss vs statsmodels")
    ours_f = best(lambda: ag.fleiss_kappa(x5))
    ours_g = best(lambda: ag.gwet_ac(x5))
    try:  # the irrCAC port is a benchmark-only peer, installed by `make bench`
        from irrCAC.raw import CAC
    except ImportError:
        report("Gwet's AC1 + SE, 5 x 20,000, 10% missing", ours_g, None, "irrCAC-py", "")
        return
    frame = pd.DataFrame(x5)
    port_f = best(lambda: CAC(frame).fleiss(), repeat=3)
    port_g = best(lambda: CAC(frame).gwet(), repeat=3)
    report("Fleiss' kappa + SE, 5 x 20,000, 10% missing", ours_f, port_f, "irrCAC-py", "target <= 1")
    report("Gwet's AC1 + SE, 5 x 20,000, 10% missing", ours_g, port_g, "irrCAC-py", "target <= 1")
    if ours_f > port_f or ours_g > port_g:
        failures.append("irrCAC port")


def _krippendorff_and_icc(failures: list[str]) -> None:
    import krippendorff

    xk = ratings(20_000, 5, 0.10) + 1  # positive values, for the ratio metric
    for level in ("nominal", "ordinal", "interval", "ratio"):
        ours_k = best(lambda lv=level: ag.krippendorff_alpha(xk, level=lv))
        peer_k = best(lambda lv=level: krippendorff.alpha(reliability_data=xk.T, level_of_measurement=lv))
        report(f"Krippendorff's alpha ({level}) + SE, 5 x 20,000", ours_k, peer_k, "krippendorff", "target <= 1")
        if ours_k > peer_k:
            failures.append(f"krippendorff {level}")
    xi = np.random.default_rng(1).normal(size=(20_000, 5)) + np.random.default_rng(2).normal(size=(20_000, 1))
    ours_i = best(lambda: ag.icc(xi, form="ICC2"))
    print(f"{'ICC2, 5 x 20,000':<48} ours {ours_i * 1e3:8.2f} ms   (target < 50 ms)")
    if ours_i > 0.050:
        failures.append("icc")


def _bootstrap(failures: list[str]) -> None:
    from sklearn.metrics import cohen_kappa_score

    x2 = ratings(100_000, 2, 0.0)
    a, b = x2[:, 0].astype(int), x2[:, 1].astype(int)
    ours_b = best(lambda: ag.bootstrap_ci(x2, ag.cohen_kappa, weights="quadratic", n_resamples=2000, rng=1), repeat=3)
    rng = np.random.default_rng(0)

    def naive(k: int) -> None:
        for _ in range(k):
            idx = rng.integers(0, len(a), len(a))
            cohen_kappa_score(a[idx], b[idx], weights="quadratic")

    per = best(lambda: naive(5), repeat=1) / 5
    print(f"{'bootstrap, 2,000 x weighted kappa, 2 x 100,000':<48} ours {ours_b * 1e3:8.2f} ms   "
          f"sklearn naive (extrapolated) {per * 2000:7.1f} s   (target < 100 ms)")
    if ours_b > 0.100:
        failures.append("bootstrap")


def main() -> int:
    failures: list[str] = []
    for measure in (_cohen, _fleiss_and_gwet, _krippendorff_and_icc, _bootstrap):
        measure(failures)
    print("all targets met" if not failures else f"targets missed: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
