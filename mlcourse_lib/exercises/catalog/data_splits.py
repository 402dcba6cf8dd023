"""Exercises on data preparation (chapter "Data and splits").

Splits and mini-batches are random, so their checks test properties (sizes, coverage,
disjointness, shuffling) rather than compare with one particular permutation.
"""

from __future__ import annotations

import math

import numpy as np

from ...data import fit_standardizer, minibatch_indices, train_test_indices, train_val_test_split
from ..spec import Case, Exercise, Mistake


# Property checks of random answers reject a correct answer only by bad luck; keep that
# chance below this bound for every case.
UNLUCKY = 1e-12


# --- fit_standardizer ---------------------------------------------------------------------

def _standardizer_cases(rng, hidden):
    cases = [
        Case("three samples, two features", (np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 60.0]]),)),
        Case("features on very different scales",
             (rng.normal(size=(20, 4)) * np.array([1.0, 10.0, 1e3, 0.01]) + np.array([0.0, 5.0, -1e3, 2.0]),)),
        Case("a constant feature", (np.column_stack([rng.normal(size=8), np.full(8, 3.0)]),)),
    ]
    if hidden:
        n, d = int(rng.integers(10, 60)), int(rng.integers(2, 7))
        cases += [
            Case(f"{n} samples, {d} features", (rng.normal(loc=3, scale=2, size=(n, d)),)),
            Case("a single feature", (rng.uniform(-5, 5, size=(12, 1)),)),
        ]
    return cases


def _standardizer_loop(X_train):
    n, d = X_train.shape
    mean, scale = np.zeros(d), np.ones(d)
    for j in range(d):
        column = X_train[:, j]
        mean[j] = sum(column) / n
        std = math.sqrt(sum((v - mean[j]) ** 2 for v in column) / n)
        scale[j] = std if std > 0 else 1.0
    return mean, scale


def _standardizer_var(X_train):
    mean = X_train.mean(axis=0)
    scale = np.sqrt(X_train.var(axis=0))
    return mean, np.where(scale == 0, 1.0, scale)


FIT_STANDARDIZER = Exercise(
    id="fit_standardizer",
    title="Standardization statistics fitted on the training set",
    reference=fit_standardizer,
    cases=_standardizer_cases,
    mistakes=(
        Mistake("statistics per sample (axis=1)",
                "Each feature (column) gets its own mean and scale: reduce over the samples, axis=0.",
                lambda X_train: (X_train.mean(axis=1), X_train.std(axis=1))),
        Mistake("one mean and scale for all features",
                "A single mean and standard deviation over the whole matrix leaves features on "
                "different scales; compute them column by column (axis=0).",
                lambda X_train: (float(X_train.mean()), float(X_train.std()))),
        Mistake("sample standard deviation (ddof=1)",
                "Standardization uses the population standard deviation (ddof=0), as scikit-learn's "
                "StandardScaler does.",
                lambda X_train: (X_train.mean(axis=0),
                                 np.where(X_train.std(axis=0) == 0, 1.0, X_train.std(axis=0, ddof=1)))),
        Mistake("zero standard deviation kept",
                "A constant feature has standard deviation 0, and dividing by it gives NaN. Use a "
                "scale of 1 for such features.",
                lambda X_train: (X_train.mean(axis=0), X_train.std(axis=0))),
    ),
    alternatives=(_standardizer_loop, _standardizer_var),
    forbidden=("sklearn.preprocessing:StandardScaler.partial_fit",),
)


# --- train_test_indices -------------------------------------------------------------------

def _int_array(value, what):
    if value is None:
        return None, f"{what} is None; expected an array of integer indices."
    arr = np.asarray(value)
    if arr.ndim != 1:
        return None, f"{what} has shape {arr.shape}; expected a 1-D array of indices."
    if arr.size and arr.dtype.kind not in "iu":
        return None, f"{what} has dtype {arr.dtype}; expected integer indices (e.g. from rng.permutation)."
    return arr.astype(np.int64), None


def _check_partition(parts, n, names):
    """Message if ``parts`` do not together hold each of 0..n-1 exactly once, else None."""
    everything = np.concatenate(parts) if parts else np.array([], dtype=np.int64)
    out_of_range = everything[(everything < 0) | (everything >= n)]
    if out_of_range.size:
        return f"index {out_of_range[0]} is out of range for {n} samples."
    counts = np.bincount(everything, minlength=n)
    if np.any(counts > 1):
        i = int(np.flatnonzero(counts > 1)[0])
        holders = [name for name, p in zip(names, parts) if i in p]
        where = " and ".join(sorted(set(holders)))
        return f"index {i} appears {counts[i]} times (in {where}); every sample belongs to exactly one part."
    if np.any(counts == 0):
        missing = np.flatnonzero(counts == 0)
        return (f"{missing.size} of {n} samples are in no part (index {missing[0]} is missing); "
                "every sample must be used.")
    return None


def _validate_split(case, got):
    n, f = case.args[0], case.kwargs["test_fraction"]
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return f"the result is a {type(got).__name__}; expected a tuple (train_idx, test_idx)."
    train, problem = _int_array(got[0], "train_idx")
    if problem:
        return problem
    test, problem = _int_array(got[1], "test_idx")
    if problem:
        return problem
    n_test = math.ceil(f * n)
    if test.size != n_test:
        return (f"test_idx has {test.size} indices; expected ceil({f} × {n}) = {n_test}. "
                "Round the test size up, as scikit-learn does.")
    problem = _check_partition([train, test], n, ["train_idx", "test_idx"])
    if problem:
        return problem
    block = set(test.tolist())
    # A random test set is one of the two end blocks with probability 2 / C(n, n_test);
    # judge shuffling only where that chance is negligible, so no correct answer is rejected.
    if 2 / math.comb(n, n_test) < UNLUCKY and (
            block == set(range(n - n_test, n)) or block == set(range(n_test))):
        return ("test_idx is a contiguous block at one end of the data; shuffle first "
                "(rng.permutation) so the test set is a random sample.")
    return None


def _split_cases(rng, hidden):
    cases = [
        Case("100 samples, 20% test", (100,), {"test_fraction": 0.2, "rng": rng}),
        Case("50 samples, 25% test (12.5 rounds up)", (50,), {"test_fraction": 0.25, "rng": rng}),
        Case("30 samples, 10% test", (30,), {"test_fraction": 0.1, "rng": rng}),
    ]
    if hidden:
        n = int(rng.integers(40, 400))
        cases += [
            Case(f"{n} samples, 33% test", (n,), {"test_fraction": 0.33, "rng": rng}),
            Case("1001 samples, 15% test", (1001,), {"test_fraction": 0.15, "rng": rng}),
        ]
    return cases


def _split_choice(n_samples, test_fraction, rng):
    n_test = math.ceil(test_fraction * n_samples)
    test = np.sort(rng.choice(n_samples, size=n_test, replace=False))
    train = np.setdiff1d(np.arange(n_samples), test)
    return train, test


def _split_shuffle(n_samples, test_fraction, rng):
    order = np.arange(n_samples)
    rng.shuffle(order)
    n_test = int(np.ceil(test_fraction * n_samples))
    return order[n_test:], order[:n_test]


def _split_no_shuffle(n_samples, test_fraction, rng):
    n_test = math.ceil(test_fraction * n_samples)
    idx = np.arange(n_samples)
    return idx[:-n_test], idx[-n_test:]


def _split_floor(n_samples, test_fraction, rng):
    perm = rng.permutation(n_samples)
    n_test = int(test_fraction * n_samples)
    return perm[n_test:], perm[:n_test]


def _split_with_replacement(n_samples, test_fraction, rng):
    n_test = math.ceil(test_fraction * n_samples)
    test = rng.integers(0, n_samples, size=n_test)
    return np.setdiff1d(np.arange(n_samples), test), test


def _split_overlap(n_samples, test_fraction, rng):
    perm = rng.permutation(n_samples)
    n_test = math.ceil(test_fraction * n_samples)
    return perm, perm[:n_test]


TRAIN_TEST_INDICES = Exercise(
    id="train_test_indices",
    title="A shuffled train/test split",
    reference=train_test_indices,
    cases=_split_cases,
    validate=_validate_split,
    mistakes=(
        Mistake("no shuffling",
                "Data files are often sorted (by class, by date); the last rows are not a random "
                "sample. Permute the indices with rng.permutation first.",
                _split_no_shuffle),
        Mistake("test size rounded down",
                "int() rounds down; the test set has ceil(test_fraction × n) samples.",
                _split_floor),
        Mistake("test indices drawn with replacement",
                "rng.integers can draw the same index twice; take the first n_test entries of a permutation.",
                _split_with_replacement),
        Mistake("training set includes the test samples",
                "Test samples must never be trained on, or the test score measures memory, not "
                "generalization. Train on the remaining indices only.",
                _split_overlap),
    ),
    alternatives=(_split_choice, _split_shuffle),
    forbidden=(train_val_test_split, "sklearn.model_selection:train_test_split"),
)


# --- minibatch_indices --------------------------------------------------------------------

def _validate_batches(case, got):
    n, b = case.args[0], case.kwargs["batch_size"]
    if not isinstance(got, (list, tuple)):
        return f"the result is a {type(got).__name__}; expected a list of index arrays."
    batches = []
    for k, batch in enumerate(got):
        arr, problem = _int_array(batch, f"batch {k}")
        if problem:
            return problem
        batches.append(arr)
    sizes = [len(x) for x in batches]
    want = [b] * (n // b) + ([n % b] if n % b else [])
    if sizes != want:
        shown = sizes if len(sizes) <= 8 else sizes[:3] + ["..."] + sizes[-2:]
        return (f"batch sizes are {shown}; expected {len(want)} batches of {b}"
                + (f" and a last one of {n % b}" if n % b else "") + ".")
    problem = _check_partition(batches, n, [f"batch {k}" for k in range(len(batches))])
    if problem:
        return problem
    # A random permutation is the identity with probability 1 / n!: judge only where negligible.
    if 1 / math.factorial(n) < UNLUCKY and np.array_equal(np.concatenate(batches), np.arange(n)):
        return "the batches take the samples in order; shuffle the indices each epoch (rng.permutation)."
    return None


def _batch_cases(rng, hidden):
    cases = [
        Case("10 samples, batches of 4", (10,), {"batch_size": 4, "rng": rng}),
        Case("64 samples, batches of 16", (64,), {"batch_size": 16, "rng": rng}),
        Case("batch larger than the data", (5,), {"batch_size": 8, "rng": rng}),
    ]
    if hidden:
        n, b = int(rng.integers(50, 500)), int(rng.integers(3, 40))
        cases += [
            Case(f"{n} samples, batches of {b}", (n,), {"batch_size": b, "rng": rng}),
            Case("batches of one", (20,), {"batch_size": 1, "rng": rng}),
        ]
    return cases


def _batches_loop(n_samples, batch_size, rng):
    order = list(rng.permutation(n_samples))
    batches, current = [], []
    for i in order:
        current.append(i)
        if len(current) == batch_size:
            batches.append(np.array(current))
            current = []
    if current:
        batches.append(np.array(current))
    return batches


MINIBATCH_INDICES = Exercise(
    id="minibatch_indices",
    title="Shuffled mini-batches",
    reference=minibatch_indices,
    cases=_batch_cases,
    validate=_validate_batches,
    mistakes=(
        Mistake("last partial batch dropped",
                "When batch_size does not divide n, the remaining samples form a smaller last batch; "
                "dropping them means some samples are never trained on in that epoch.",
                lambda n_samples, batch_size, rng: [
                    b for b in np.split(rng.permutation(n_samples),
                                        range(batch_size, n_samples, batch_size))
                    if len(b) == batch_size]),
        Mistake("no shuffling",
                "Batches in a fixed order make SGD see the same sequence every epoch (and sorted "
                "data gives batches of a single class). Permute the indices first.",
                lambda n_samples, batch_size, rng: [np.arange(n_samples)[i:i + batch_size]
                                                    for i in range(0, n_samples, batch_size)]),
        Mistake("each batch drawn independently",
                "Drawing every batch at random from all samples repeats some samples and skips "
                "others within an epoch; split one permutation into consecutive batches instead.",
                lambda n_samples, batch_size, rng: [
                    rng.choice(n_samples, size=min(batch_size, n_samples - i), replace=False)
                    for i in range(0, n_samples, batch_size)]),
    ),
    alternatives=(
        _batches_loop,
        lambda n_samples, batch_size, rng: np.split(rng.permutation(n_samples),
                                                    np.arange(batch_size, n_samples, batch_size)),
    ),
)


EXERCISES = [FIT_STANDARDIZER, TRAIN_TEST_INDICES, MINIBATCH_INDICES]
