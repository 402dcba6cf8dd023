"""Data for the course: synthetic sets, bundled real data sets, splits, standardization, mini-batches.

- :mod:`.synthetic`      :func:`make_linear`, :func:`make_polynomial`, :func:`make_two_blobs`,
  :func:`make_moons`, :func:`make_spirals`
- :mod:`.datasets`       :func:`load_dataset` (digits, breast_cancer, diabetes, iris; scikit-learn
  is imported only when a data set is loaded)
- :mod:`.splits`         :func:`train_test_indices`, :func:`train_val_test_split`, :func:`kfold_indices`
- :mod:`.preprocessing`  :class:`Standardizer`, :func:`fit_standardizer`, :func:`standardize`
- :mod:`.batches`        :func:`minibatch_indices`, :func:`iterate_minibatches`
- :mod:`.augment`        :func:`shift_images`, :func:`random_shifts`, :func:`add_noise`, :func:`augment`

Every random function takes an explicit ``rng`` (a ``np.random.Generator`` or an integer seed).
"""

from .augment import add_noise, augment, random_shifts, shift_images
from .batches import iterate_minibatches, minibatch_indices
from .datasets import DATASETS, Dataset, load_dataset
from .preprocessing import Standardizer, fit_standardizer, standardize
from .splits import kfold_indices, train_test_indices, train_val_test_split
from .synthetic import make_linear, make_moons, make_polynomial, make_spirals, make_two_blobs

__all__ = [
    "make_linear",
    "make_polynomial",
    "make_two_blobs",
    "make_moons",
    "make_spirals",
    "Dataset",
    "DATASETS",
    "load_dataset",
    "train_test_indices",
    "train_val_test_split",
    "kfold_indices",
    "Standardizer",
    "fit_standardizer",
    "standardize",
    "minibatch_indices",
    "iterate_minibatches",
    "shift_images",
    "random_shifts",
    "add_noise",
    "augment",
]
