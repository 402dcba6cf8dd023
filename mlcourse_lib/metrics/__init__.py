"""Metrics that score a trained model; the numbers equal ``sklearn.metrics``.

- :mod:`.classification`  :func:`confusion_matrix`, :func:`accuracy_score`, :func:`precision_score`,
  :func:`recall_score`, :func:`f1_score`, :func:`precision_recall_fscore_support`
- :mod:`.ranking`         :func:`roc_curve`, :func:`roc_auc_score`, :func:`precision_recall_curve`
- :mod:`.regression`      :func:`mean_squared_error`, :func:`mean_absolute_error`, :func:`r2_score`

``*_score`` is maximized, ``*_error`` minimized (scikit-learn's naming rule).
"""

from .classification import (
    UndefinedMetricWarning,
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
)
from .ranking import precision_recall_curve, roc_auc_score, roc_curve
from .regression import mean_absolute_error, mean_squared_error, r2_score

__all__ = [
    "UndefinedMetricWarning",
    "confusion_matrix",
    "accuracy_score",
    "precision_score",
    "recall_score",
    "f1_score",
    "precision_recall_fscore_support",
    "roc_curve",
    "roc_auc_score",
    "precision_recall_curve",
    "mean_squared_error",
    "mean_absolute_error",
    "r2_score",
]
