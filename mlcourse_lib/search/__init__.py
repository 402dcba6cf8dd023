"""Hyperparameter search: where to try, how to score a try, and how to spend the budget.

- :mod:`.sampling`  :func:`grid_points`, :func:`random_points`, :func:`log_uniform`
- :mod:`.cv`        :func:`cv_score` (the standardizer refitted in each fold),
  :func:`cross_val_scores`, :func:`top_correlated_features`
- :mod:`.bayesian`  :func:`rbf_kernel`, :func:`gp_posterior`, :func:`normal_cdf`,
  :func:`normal_pdf`, :func:`expected_improvement`, :func:`bayesian_optimization`
- :mod:`.halving`   :func:`successive_halving_schedule`, :func:`successive_halving`

Every random function takes an explicit ``rng`` (a ``np.random.Generator`` or an integer seed).
Losses are minimized, scores maximized.
"""

from .bayesian import (
    BayesOptResult,
    bayesian_optimization,
    expected_improvement,
    gp_posterior,
    normal_cdf,
    normal_pdf,
    rbf_kernel,
)
from .cv import cross_val_scores, cv_score, top_correlated_features
from .halving import Rung, successive_halving, successive_halving_schedule
from .sampling import grid_points, log_uniform, random_points

__all__ = [
    "grid_points",
    "random_points",
    "log_uniform",
    "cv_score",
    "cross_val_scores",
    "top_correlated_features",
    "rbf_kernel",
    "gp_posterior",
    "normal_cdf",
    "normal_pdf",
    "expected_improvement",
    "BayesOptResult",
    "bayesian_optimization",
    "successive_halving_schedule",
    "Rung",
    "successive_halving",
]
