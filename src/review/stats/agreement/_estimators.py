"""The chance-corrected estimators and their variances, following Gwet's Handbook and R irrCAC.

Each estimator takes the (n_units, q) matrix ``counts`` of how many raters put each unit in each
category and the (q, q) agreement-weight matrix ``w``, and returns an :class:`Estimate` with the
coefficient, p_a, p_e and the variance of Gwet's linearisation. The formulas are transcribed from
the equations of Gwet (2014) as implemented in irrCAC's ``agree.coeff3.raw.r`` (multi-rater raw
data) and ``agree.coeff2.r`` (two-rater contingency tables); variable names follow them.
Nothing here validates input, rounds, prints or warns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "Estimate",
    "brennan_prediger",
    "chance_corrected_tables",
    "cohen_table",
    "conger",
    "fleiss",
    "gwet",
    "krippendorff",
    "percent",
    "scott_table",
]


@dataclass(frozen=True)
class Estimate:
    """Coefficient, observed and chance agreement, variance and the units behind them."""

    statistic: float
    pa: float
    pe: float
    variance: float
    n_units: int
    df: int


def _div(a: float, b: float) -> float:
    """a / b, NaN when b is 0 (a degenerate coefficient; the caller warns)."""
    return float(a) / float(b) if b != 0 else float("nan")


def _observed(counts: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Per-unit observed agreement (irrCAC's pa.ivec before scaling) and overall p_a."""
    ri = counts.sum(axis=1)
    sum_q = (counts * (counts @ w.T - 1.0)).sum(axis=1)
    two = ri >= 2
    den = ri * (ri - 1.0)
    den[den == 0] = -1.0  # as irrCAC: units with one rating contribute 0
    pa_i = sum_q / den
    n2 = int(two.sum())
    pa = float(pa_i[two].sum() / n2) if n2 else float("nan")
    return ri, two, pa_i, pa


def _variance(x_i: np.ndarray, centre: float, n: int) -> float:
    return float(((x_i - centre) ** 2).sum() / (n * (n - 1))) if n >= 2 else float("nan")


def _chance_corrected(
    counts: np.ndarray, w: np.ndarray, pe: float, pe_i: np.ndarray | None
) -> Estimate:
    """Shared tail of AC1, Fleiss, Brennan-Prediger: coefficient and linearised variance."""
    n = counts.shape[0]
    _, two, pa_i, pa = _observed(counts, w)
    n2 = int(two.sum())
    stat = _div(pa - pe, 1.0 - pe)
    coef_i = (n / n2) * (pa_i - pe * two) / (1.0 - pe)
    if pe_i is not None:
        coef_i = coef_i - 2.0 * (1.0 - stat) * (pe_i - pe) / (1.0 - pe)
    return Estimate(stat, pa, pe, _variance(coef_i, stat, n), n, n - 1)


def _pi(counts: np.ndarray) -> np.ndarray:
    """Mean over units of the share of each unit's ratings in each category."""
    return (counts / counts.sum(axis=1, keepdims=True)).mean(axis=0)


def percent(counts: np.ndarray, w: np.ndarray) -> Estimate:
    """Pairwise percent agreement (irrCAC ``pa.coeff.raw``): p_e = 0."""
    n = counts.shape[0]
    _, two, pa_i, pa = _observed(counts, w)
    return Estimate(pa, pa, 0.0, _variance((n / two.sum()) * pa_i, pa, n), n, n - 1)


def gwet(counts: np.ndarray, w: np.ndarray) -> Estimate:
    """Gwet's AC1 (AC2 when weighted), irrCAC ``gwet.ac1.raw``."""
    q = w.shape[0]
    pi = _pi(counts)
    tw = w.sum() / (q * (q - 1))
    pe = float(tw * (pi * (1 - pi)).sum())
    pe_i = tw * (counts @ (1 - pi)) / counts.sum(axis=1)
    return _chance_corrected(counts, w, pe, pe_i)


def fleiss(counts: np.ndarray, w: np.ndarray) -> Estimate:
    """Fleiss' generalised kappa, irrCAC ``fleiss.kappa.raw``."""
    pi = _pi(counts)
    pe = float(pi @ w @ pi)
    pi_w = (w @ pi + w.T @ pi) / 2
    pe_i = (counts @ pi_w) / counts.sum(axis=1)
    return _chance_corrected(counts, w, pe, pe_i)


def brennan_prediger(counts: np.ndarray, w: np.ndarray) -> Estimate:
    """Brennan and Prediger's coefficient, irrCAC ``bp.coeff.raw``: p_e = sum(w) / q^2."""
    q = w.shape[0]
    return _chance_corrected(counts, w, float(w.sum() / q**2), None)


def krippendorff(counts: np.ndarray, w: np.ndarray, n_input_units: int) -> Estimate:
    """Krippendorff's alpha in Gwet's formulation, irrCAC ``krippen.alpha.raw``.

    Only units with two or more ratings enter; the interval's degrees of freedom are
    ``n_input_units - 1`` as in irrCAC.
    """
    keep = counts.sum(axis=1) >= 2
    counts = counts[keep]
    n = counts.shape[0]
    ri = counts.sum(axis=1)
    r_mean = ri.mean()
    eps = 1.0 / ri.sum()
    sum_q = (counts * (counts @ w.T - 1.0)).sum(axis=1)
    pa_prime = float((sum_q / (r_mean * (ri - 1))).sum() / n)
    pa = (1 - eps) * pa_prime + eps
    pi = counts.sum(axis=0) / (n * r_mean)
    pe = float(pi @ w @ pi)
    stat = _div(pa - pe, 1 - pe)
    stat_prime = _div(pa_prime - pe, 1 - pe)
    pa_i = sum_q / (r_mean * (ri - 1)) - pa_prime * (ri - r_mean) / r_mean
    alpha_i = (pa_i - pe) / (1 - pe)
    pi_w = (w @ pi + w.T @ pi) / 2
    pe_i = (counts @ pi_w) / r_mean - pe * (ri - r_mean) / r_mean
    x_i = alpha_i - 2 * (1 - stat_prime) * (pe_i - pe) / (1 - pe)
    return Estimate(float(stat), float(pa), pe, _variance(x_i, stat_prime, n), n, n_input_units - 1)


def conger(codes: np.ndarray, counts: np.ndarray, w: np.ndarray) -> Estimate:
    """Conger's generalised kappa (Cohen's kappa for two raters), irrCAC ``conger.kappa.raw``.

    ``codes`` is (n_units, n_raters) with -1 for a missing rating; every rater must have rated
    at least one unit.
    """
    n, r = codes.shape
    q = w.shape[0]
    rated = codes >= 0
    classif = np.stack([np.bincount(codes[rated[:, g], g], minlength=q) for g in range(r)]).astype(float)
    ng = classif.sum(axis=1)
    pgk = classif / ng[:, None]
    p_mean = pgk.mean(axis=0)
    s2 = (pgk.T @ pgk - r * np.outer(p_mean, p_mean)) / (r - 1)
    pe = float((w * (np.outer(p_mean, p_mean) - s2 / r)).sum())
    _, two, pa_i, pa = _observed(counts, w)
    n2 = int(two.sum())
    stat = _div(pa - pe, 1 - pe)
    # lambda_ig of Gwet (2014) eq. (5.38), summed over categories in closed form.
    a = r * p_mean[None, :] - pgk                      # (r, q)
    aw = a @ w                                          # aw[g, c] = sum_k a[g, k] w[k, c]
    term1 = np.where(rated, aw[np.arange(r)[None, :], np.where(rated, codes, 0)], 0.0)
    term2 = ((pgk @ w.T) * a).sum(axis=1)              # (r,)
    lam = (n / ng)[None, :] * (term1 - (rated - ng[None, :] / n) * term2[None, :])
    pe_i = lam.sum(axis=1) / (r * (r - 1))
    coef_i = (n / n2) * (pa_i - pe * two) / (1 - pe)
    x_i = coef_i - 2 * (1 - stat) * (pe_i - pe) / (1 - pe)
    return Estimate(float(stat), pa, pe, _variance(x_i, stat, n), n, n - 1)


def _table_variance(table: np.ndarray, w: np.ndarray, stat: float, pa: float, pe: float,
                    mark: np.ndarray) -> float:
    """Two-rater table variance of irrCAC's ``kappa2.table``/``scott2.table`` family."""
    n = table.sum()
    p = table / n
    s = (p * (w - (1 - stat) * mark) ** 2).sum()
    return max(_div(s - (pa - 2 * (1 - stat) * pe) ** 2, n * (1 - pe) ** 2), 0.0)


def chance_corrected_tables(tables: np.ndarray, w: np.ndarray, *, scott: bool
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cohen's kappa (Scott's pi when ``scott``) of one table or a stack of tables, shape (..., q, q).

    The one estimator of the two-rater coefficients: :func:`cohen_table`, :func:`scott_table` and
    the bootstrap's resampled tables all go through it. Returns ``(p_a, p_e, coefficient)``,
    each of shape ``tables.shape[:-2]``; the coefficient is NaN where ``p_e`` is 1.
    """
    n = tables.sum(axis=(-2, -1))[..., None, None]
    p = tables / n
    row, col = p.sum(axis=-1), p.sum(axis=-2)
    pa = (w * p).sum(axis=(-2, -1))
    if scott:
        row = col = (row + col) / 2
    if tables.ndim == 2:  # one table: plain products are faster than einsum at this size
        pe = row @ w @ col
        return pa, pe, np.asarray(_div(pa - pe, 1 - pe))
    pe = np.einsum("...k,kl,...l->...", row, w, col)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = np.where(pe != 1, (pa - pe) / (1 - pe), np.nan)
    return pa, pe, stat


def cohen_table(table: np.ndarray, w: np.ndarray) -> Estimate:
    """Cohen's (weighted) kappa from a two-rater table, irrCAC ``kappa2.table``."""
    n = float(table.sum())
    p = table / n
    row, col = p.sum(axis=1), p.sum(axis=0)
    pa, pe, stat = (float(v) for v in chance_corrected_tables(table, w, scott=False))
    pb_k = w @ col            # \bar p_{+k}
    pb_l = w.T @ row          # \bar p_{l+}
    mark = pb_k[:, None] + pb_l[None, :]
    return Estimate(stat, pa, pe, _table_variance(table, w, stat, pa, pe, mark), int(n), int(n) - 1)


def scott_table(table: np.ndarray, w: np.ndarray) -> Estimate:
    """Scott's (weighted) pi from a two-rater table, irrCAC ``scott2.table``."""
    n = float(table.sum())
    p = table / n
    row, col = p.sum(axis=1), p.sum(axis=0)
    pa, pe, stat = (float(v) for v in chance_corrected_tables(table, w, scott=True))
    pbk = (w @ col + w.T @ row) / 2
    mark = pbk[:, None] + pbk[None, :]
    return Estimate(stat, pa, pe, _table_variance(table, w, stat, pa, pe, mark), int(n), int(n) - 1)
