"""Small real data sets that ship with scikit-learn (no download).

scikit-learn is imported inside :func:`load_dataset`, so importing this module
needs numpy only.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validation import check_choice

__all__ = ["Dataset", "DATASETS", "load_dataset"]

DATASETS = ("digits", "breast_cancer", "diabetes", "iris")
"""The names :func:`load_dataset` accepts."""

_CLASSIFICATION = ("digits", "breast_cancer", "iris")


class Dataset(NamedTuple):
    """A data set: features, targets and their descriptions.

    Attributes
    ----------
    X : ndarray of shape (n, d)
        The features, float64.
    y : ndarray of shape (n,)
        The targets: int64 class labels for classification, float64 for regression.
    feature_names : tuple of str
        The names of the ``d`` columns of ``X``.
    target_names : tuple of str
        The class names, ``target_names[k]`` for label ``k``; ``()`` for regression.
    description : str
        scikit-learn's description of the data set and its source.
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple
    target_names: tuple
    description: str


def _sklearn_loader(name: str):
    try:
        from sklearn import datasets
    except ImportError:
        raise ImportError(
            f"load_dataset({name!r}) needs scikit-learn, which provides the bundled data; "
            "install it with `pip install scikit-learn`."
        ) from None
    if name == "diabetes":
        # scikit-learn's default version is already centred and scaled using all 442
        # samples; the raw values leave standardization to the training set.
        return lambda: datasets.load_diabetes(scaled=False)
    return getattr(datasets, f"load_{name}")


def load_dataset(name):
    """Load one of the small data sets bundled with scikit-learn.

    ============== ============ ======== ===========================================
    name           shape of X   y        task
    ============== ============ ======== ===========================================
    digits         (1797, 64)   0..9     8x8 images of handwritten digits, pixels 0..16
    breast_cancer  (569, 30)    0, 1     tumour malignant (0) or benign (1)
    diabetes       (442, 10)    float    disease progression after one year
    iris           (150, 4)     0, 1, 2  species of iris from flower measurements
    ============== ============ ======== ===========================================

    The data are read from files installed with scikit-learn; nothing is
    downloaded. ``diabetes`` holds the raw feature values (age in years, sex coded
    1/2, ...), not scikit-learn's default version, which was centred and scaled
    with statistics of all samples.

    Parameters
    ----------
    name : str
        One of :data:`DATASETS`.

    Returns
    -------
    dataset : Dataset
        ``X`` float64 (n, d), ``y`` (n,), ``feature_names``, ``target_names``
        (``()`` for the regression set ``diabetes``) and ``description``.

    Examples
    --------
    >>> iris = load_dataset("iris")
    >>> iris.X.shape, iris.y.shape, iris.target_names
    ((150, 4), (150,), ('setosa', 'versicolor', 'virginica'))
    """
    check_choice(name, "name", DATASETS)
    bunch = _sklearn_loader(name)()
    X = np.asarray(bunch.data, dtype=np.float64)
    if name in _CLASSIFICATION:
        y = np.asarray(bunch.target, dtype=np.int64)
        target_names = tuple(str(t) for t in bunch.target_names)
    else:
        y = np.asarray(bunch.target, dtype=np.float64)
        target_names = ()
    feature_names = tuple(str(f) for f in bunch.feature_names)
    return Dataset(X=X, y=y, feature_names=feature_names, target_names=target_names,
                   description=str(bunch.DESCR))
