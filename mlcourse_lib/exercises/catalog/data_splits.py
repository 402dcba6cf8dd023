"""Exercises on data preparation (chapter "Data and splits").

Splits and mini-batches are random, so their checks test properties rather than compare
with one particular permutation: each output must be a valid split (sizes, coverage,
disjointness), and over many seeds the function must behave as a uniform shuffle driven by
the ``rng`` it is given (:func:`_split_behaviour`, :func:`_batch_behaviour`).
"""

from __future__ import annotations

import math

import numpy as np

from ...data import fit_standardizer, minibatch_indices, train_test_indices
from ..spec import Case, Exercise, Mistake

CHAPTER = "01_data_and_splits"

# Property checks of random answers reject a correct answer only by bad luck; keep that
# chance below this bound for every check.
UNLUCKY = 1e-12


# --- fit_standardizer ---------------------------------------------------------------------

_EPS = np.finfo(np.float64).eps


def _near_constant_features(seed_column):
    """Columns that test the constant-feature rule, next to an ordinary one.

    0.1 repeated 12 times has a computed standard deviation of about 1.4e-17 (rounding,
    not spread); 1e8 plus 0 to 3 units in the last place has a spread of about 1.7e-8,
    far below the rounding error of its mean, n × 1e8 × eps ≈ 2.7e-7: both are constant by
    the rule. The column k × 1e-9 has a tiny but real spread (std ≈ 3.5e-9): not constant.
    """
    n = len(seed_column)
    ulp = np.spacing(1e8)
    return np.column_stack([
        seed_column,
        np.full(n, 0.1),
        np.full(n, -2.5),
        1e8 + ulp * (np.arange(n) % 4),
        1e-9 * np.arange(n),
    ])


def _standardizer_cases(rng, hidden):
    if not hidden:
        return [
            Case("three samples, two features", (np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 60.0]]),)),
            Case("features on very different scales",
                 (rng.normal(size=(20, 4)) * np.array([1.0, 10.0, 1e3, 0.01])
                  + np.array([0.5, 5.0, -1e3, 2.0]),)),
            Case("constant and near-constant features",
                 (_near_constant_features(np.linspace(-3.0, 8.0, 12)),)),
        ]
    fixed = [
        Case("four samples, three features",
             (np.array([[2.0, -1.0, 100.0], [4.0, 0.0, 130.0], [9.0, 5.0, 90.0], [1.0, 0.0, 160.0]]),)),
        Case("constant and near-constant features, 13 samples",
             (_near_constant_features(np.array([5.0, 1, 4, 4, 2, 8, 0, 3, 6, 1, 9, 2, 7])),)),
        Case("a small spread around a large mean",
             (np.array([[1e3 + 0.002, 7.0], [1e3 - 0.001, 3.0], [1e3 + 0.004, 5.0],
                        [1e3, 11.0], [1e3 - 0.003, 7.0]]),)),
        Case("a single sample", (np.array([[1.5, -2.0, 0.1]]),)),
    ]
    n, d = int(rng.integers(10, 60)), int(rng.integers(2, 7))
    return fixed + [
        Case(f"random: {n} samples, {d} features", (rng.normal(loc=3, scale=2, size=(n, d)),)),
        Case("random: a single feature", (rng.uniform(-5, 5, size=(12, 1)),)),
    ]


def _is_constant(var, mean, n):
    return var <= n * _EPS * var + (n * mean * _EPS) ** 2


def _standardizer_loop(X_train):
    n, d = X_train.shape
    mean, scale = np.zeros(d), np.ones(d)
    for j in range(d):
        column = X_train[:, j]
        mean[j] = math.fsum(column) / n
        var = math.fsum((v - mean[j]) ** 2 for v in column) / n
        scale[j] = 1.0 if _is_constant(var, mean[j], n) else math.sqrt(var)
    return mean, scale


def _standardizer_var(X_train):
    n = X_train.shape[0]
    mean = X_train.mean(axis=0)
    var = ((X_train - mean) ** 2).mean(axis=0)
    return mean, np.where(_is_constant(var, mean, n), 1.0, np.sqrt(var))


def _statistics_with(scale_of):
    """A standardizer whose scale is ``scale_of(X, mean, std)``: the frame of several mistakes."""
    def fit(X_train):
        mean = X_train.mean(axis=0)
        return mean, scale_of(X_train, mean, X_train.std(axis=0))
    return fit


def _rule(X, mean, value):
    """``value`` where the feature is not constant by the exercise's rule, else 1."""
    return np.where(_is_constant(X.var(axis=0), mean, X.shape[0]), 1.0, value)


FIT_STANDARDIZER = Exercise(
    id="fit_standardizer",
    title="Standardization statistics fitted on the training set",
    reference=fit_standardizer,
    cases=_standardizer_cases,
    points=2,
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
                _statistics_with(lambda X, mean, std: _rule(X, mean, X.std(axis=0, ddof=1)))),
        Mistake("variance instead of standard deviation",
                "The scale is σ, the square root of the variance; dividing by σ² leaves each "
                "feature with standard deviation 1/σ instead of 1.",
                _statistics_with(lambda X, mean, std: _rule(X, mean, X.var(axis=0)))),
        Mistake("min-max scaling",
                "Subtracting the minimum and dividing by the range maps each feature to [0, 1]; "
                "standardization subtracts the mean and divides by the standard deviation.",
                lambda X_train: (X_train.min(axis=0),
                                 np.where(np.ptp(X_train, axis=0) == 0, 1.0, np.ptp(X_train, axis=0)))),
        Mistake("mean not subtracted (root mean square)",
                "√(mean of x²) is the root mean square; the standard deviation is the root mean "
                "square of the deviations x - μ.",
                _statistics_with(lambda X, mean, std: _rule(X, mean, np.sqrt((X ** 2).mean(axis=0))))),
        Mistake("zero standard deviation kept",
                "A constant feature has standard deviation 0 (or a rounding error near it), and "
                "dividing by it gives NaN or huge values. Use a scale of 1 for such features.",
                _statistics_with(lambda X, mean, std: std)),
        Mistake("std > 0 instead of the near-constant rule",
                "A column of 0.1 repeated has a computed standard deviation of about 1e-17: a "
                "rounding error, not 0, so `std == 0` misses it. Use the exercise's rule "
                "σ² ≤ n·ε·σ² + (n·μ·ε)², which tells rounding from real spread.",
                _statistics_with(lambda X, mean, std: np.where(std == 0, 1.0, std))),
        Mistake("a fixed threshold instead of the near-constant rule",
                "A fixed cut such as σ < 1e-8 treats a feature with a tiny but real spread as "
                "constant, and misses the rounding error of a large mean. Use the exercise's rule "
                "σ² ≤ n·ε·σ² + (n·μ·ε)², which scales with the data.",
                _statistics_with(lambda X, mean, std: np.where(std < 1e-8, 1.0, std))),
        Mistake("std + 1e-8 instead of scale 1",
                "Adding a small number to every standard deviation changes the scale of features "
                "with a small spread and divides constant features by 1e-8. Keep σ as it is and "
                "give (near-)constant features the scale 1.",
                _statistics_with(lambda X, mean, std: std + 1e-8)),
    ),
    alternatives=(_standardizer_loop, _standardizer_var),
    hints=(
        "Each column of X_train is one feature: it needs its own mean and its own scale.",
        "Reduce over the samples (the rows, axis 0). The scale is the population standard "
        "deviation (divide by n, not n - 1). A feature whose variance is only rounding error is "
        "constant and gets the scale 1, so that it maps to 0 instead of being divided by ~0.",
        "μ_j = (1/n) Σ_i x_ij; σ_j² = (1/n) Σ_i (x_ij - μ_j)²; constant when "
        "σ_j² ≤ n·ε·σ_j² + (n·μ_j·ε)² with ε the float64 machine epsilon; scale_j = 1 if "
        "constant, else σ_j.",
    ),
)


# --- shared by the random answers -----------------------------------------------------------

def _int_array(value, what):
    if value is None:
        return None, f"{what} is None; expected an array of integer indices."
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        return None, f"{what} cannot be read as an array of indices ({exc})."
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
        return (f"index {i} appears {counts[i]} times (in {where}); every sample belongs to exactly "
                "one part. Were indices drawn with replacement?")
    if np.any(counts == 0):
        missing = np.flatnonzero(counts == 0)
        return (f"{missing.size} of {n} samples are in no part (index {missing[0]} is missing); "
                "every sample must be used.")
    return None


def hoeffding_margin(n_draws, n_events, n_looks):
    r"""How far a mean over ``n_draws`` seeds may stray before it rejects a correct answer.

    Hoeffding's inequality: the mean of ``R`` independent draws of a statistic with values
    in an interval of width 1 strays from its expectation by ``t`` or more with probability
    at most :math:`2\exp(-2 R t^2)`. A union bound over ``n_events`` statistics, each looked
    at ``n_looks`` times, keeps the chance of any false alarm below ``UNLUCKY`` when
    :math:`2 E S \exp(-2 R t^2) \le \text{UNLUCKY}`:
    :math:`t = \sqrt{\ln(2 E S / \text{UNLUCKY}) / (2R)}`. For an interval of width ``w``,
    the margin is ``w · t``.
    """
    return math.sqrt(math.log(2 * n_events * n_looks / UNLUCKY) / (2 * n_draws))


# Over-many-seeds checks draw from these Generators: fixed seeds, so a check's verdict on a
# function never changes. Means are judged after each stage (cumulative draws): a clearly
# wrong answer stops after the first, a correct one costs all of them.
SPREAD_STAGES = (60, 150)
SPREAD_SEED = 20_240_901


def _seeded(k):
    return np.random.default_rng(SPREAD_SEED + k)


def _spread_problem(draw, expected, widths, describe):
    """Draw statistics over the seeded Generators; a message for the first clear deviation.

    Parameters
    ----------
    draw : callable ``k -> ndarray or str``
        The statistics of one output, from the ``k``-th Generator (a message if the output
        is wrong in itself).
    expected, widths : ndarray
        Exact expectation of each statistic under a uniform shuffle, and the width of the
        interval that holds its every possible value.
    describe : callable ``(event, mean, n_draws) -> str``
    """
    n_events = len(expected)
    total, draws = np.zeros(n_events), 0
    for stage in SPREAD_STAGES:
        for k in range(draws, stage):
            stats = draw(k)
            if isinstance(stats, str):
                return stats
            total += stats
        draws = stage
        margin = widths * hoeffding_margin(draws, n_events, len(SPREAD_STAGES))
        excess = (np.abs(total / draws - expected) - margin) / widths
        event = int(np.argmax(excess))
        if excess[event] >= 0:
            return describe(event, total[event] / draws, draws)
    return None


def _same_seed_problem(call, args, kwargs, validate, what):
    """A message if two calls with the same seed disagree (or give an invalid output)."""
    outputs = []
    for _ in range(2):
        out = call(*args, **kwargs, rng=_seeded(-1))
        problem = validate(Case("same seed", args, kwargs), out)
        if problem:
            shown = ", ".join(f"{k}={v}" for k, v in kwargs.items())
            return f"with n_samples={args[0]}, {shown}: {problem}"
        outputs.append([np.asarray(part).tolist() for part in out])
    if outputs[0] != outputs[1]:
        return (f"your function ignores rng: two calls with the same seed gave different {what}. "
                "Use the rng you are given (rng.permutation), not np.random or a Generator of "
                "your own.")
    return None


def _lags(same, n):
    """For s = 1..n-1: the fraction of pairs (i, i+s) with ``same[i, i+s]``."""
    return np.array([np.trace(same, offset=s) / (n - s) for s in range(1, n)])


# --- train_test_indices -------------------------------------------------------------------

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
        if train.size == n_test and test.size == n - n_test:
            return (f"train_idx has {train.size} indices and test_idx {test.size}: the two look "
                    f"swapped. The test set has ceil({f} × {n}) = {n_test} indices; return "
                    "(train_idx, test_idx) in that order.")
        if test.size == math.floor(f * n) and test.size + train.size == n:
            return (f"test_idx has {test.size} indices; expected ceil({f} × {n}) = {n_test}. "
                    "You rounded down: round the test size up (math.ceil), as scikit-learn does.")
        return f"test_idx has {test.size} indices; expected ceil({f} × {n}) = {n_test}."
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


# The split of 10 samples with 50% test, judged over many seeds. In a uniform random split
# each index is in the test set with probability 5/10, and indices i and i+s are both there
# with probability 5·4 / (10·9) = 2/9 for every lag s. Every k-th index, a block at a random
# start or a random rotation of 0..n-1 all move the lag statistics far from 2/9.
_SPREAD_SPLIT = (10, 0.5)


def _split_behaviour(call):
    """Same seed, same split; other seeds, other splits; and the spread of a uniform shuffle."""
    n, f = _SPREAD_SPLIT
    kwargs = {"test_fraction": f}
    problem = _same_seed_problem(call, (n,), kwargs, _validate_split, "splits")
    if problem:
        return problem
    n_test = math.ceil(f * n)
    lags = np.arange(1, n)
    expected = np.concatenate([np.full(n, n_test / n),
                               np.full(n - 1, n_test * (n_test - 1) / (n * (n - 1)))])
    # A lag-s count is at most n_test - 1 (the largest test index has no partner) and n - s.
    widths = np.concatenate([np.ones(n), np.minimum(n_test - 1, n - lags) / (n - lags)])
    seen = set()

    def draw(k):
        out = call(n, **kwargs, rng=_seeded(k))
        problem = _validate_split(Case("spread", (n,), kwargs), out)
        if problem:
            return f"with n_samples={n}, test_fraction={f}: {problem}"
        in_test = np.zeros(n)
        in_test[np.asarray(out[1])] = 1.0
        seen.add(tuple(np.flatnonzero(in_test)))
        if k == 9 and len(seen) == 1:
            # A uniform split repeats one test set 9 times with chance C(10, 5)^-9 ≈ 2e-22.
            return ("your split is the same for every rng: 10 calls with different seeds gave "
                    "the same test set. Draw the permutation from the rng you are given, not "
                    "from a fixed seed or a fixed order.")
        return np.concatenate([in_test, _lags(np.outer(in_test, in_test), n)])

    def describe(event, mean, draws):
        advice = "Shuffle all indices with rng.permutation, then take the first n_test."
        if event < n:
            return (f"index {event} was in the test set in {round(mean * draws)} of {draws} "
                    f"splits with different seeds (n_samples={n}, test_fraction={f}); in a "
                    f"uniform random split each index is there {expected[event]:.0%} of the "
                    f"time. {advice}")
        s = event - n + 1
        pair = "neighbouring indices (i and i+1)" if s == 1 else f"indices {s} apart (i and i+{s})"
        return (f"over {draws} splits with different seeds (n_samples={n}, test_fraction={f}), "
                f"{mean:.0%} of the pairs of {pair} were both in the test set; in a uniform "
                f"random split it is {expected[event]:.0%}. Your test set is not a uniform "
                f"random sample (every k-th index, or a block at a random start?). {advice}")

    return _spread_problem(draw, expected, widths, describe)


def _split_cases(rng, hidden):
    if not hidden:
        return [
            Case("100 samples, 20% test", (100,), {"test_fraction": 0.2, "rng": rng}),
            Case("50 samples, 25% test (12.5 rounds up)", (50,), {"test_fraction": 0.25, "rng": rng}),
            Case("7 samples, 30% test (2.1 rounds up)", (7,), {"test_fraction": 0.3, "rng": rng}),
        ]
    # Fixed problems (only the random stream comes from the seed): 1001 samples with 30% test
    # reject every known mistake whatever the stream, e.g. 301 indices drawn with
    # replacement from 1001 repeat one with probability 1 - 1e-20.
    n = int(rng.integers(40, 400))
    f = float(rng.choice([0.1, 0.15, 0.2, 0.33, 0.4]))
    return [
        Case("1001 samples, 30% test (300.3 rounds up)", (1001,), {"test_fraction": 0.3, "rng": rng}),
        Case("200 samples, 40% test", (200,), {"test_fraction": 0.4, "rng": rng}),
        Case("two samples, 50% test", (2,), {"test_fraction": 0.5, "rng": rng}),
        Case(f"random: {n} samples, {f:.0%} test", (n,), {"test_fraction": f, "rng": rng}),
    ]


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


def _split_mask(n_samples, test_fraction, rng):
    n_test = math.ceil(test_fraction * n_samples)
    in_test = np.zeros(n_samples, dtype=bool)
    in_test[rng.permutation(n_samples)[:n_test]] = True
    return np.flatnonzero(~in_test), np.flatnonzero(in_test)


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
    test = rng.choice(n_samples, size=n_test)
    return np.setdiff1d(np.arange(n_samples), test), test


def _split_overlap(n_samples, test_fraction, rng):
    perm = rng.permutation(n_samples)
    n_test = math.ceil(test_fraction * n_samples)
    return perm, perm[:n_test]


def _split_swapped(n_samples, test_fraction, rng):
    perm = rng.permutation(n_samples)
    n_test = math.ceil(test_fraction * n_samples)
    return perm[:n_test], perm[n_test:]


TRAIN_TEST_INDICES = Exercise(
    id="train_test_indices",
    title="A shuffled train/test split",
    reference=train_test_indices,
    cases=_split_cases,
    validate=_validate_split,
    behaviour=_split_behaviour,
    points=2,
    mistakes=(
        Mistake("no shuffling",
                "Data files are often sorted (by class, by date); the last rows are not a random "
                "sample. Permute the indices with rng.permutation first.",
                _split_no_shuffle),
        Mistake("test size rounded down",
                "int() rounds down; the test set has ceil(test_fraction × n) samples.",
                _split_floor),
        Mistake("test indices drawn with replacement",
                "rng.choice(n, size) and rng.integers can draw the same index twice; take the "
                "first n_test entries of a permutation (or rng.choice with replace=False).",
                _split_with_replacement),
        Mistake("training set includes the test samples",
                "Test samples must never be trained on, or the test score measures memory, not "
                "generalization. Train on the remaining indices only.",
                _split_overlap),
        Mistake("train and test swapped",
                "The function returns (train_idx, test_idx): the training indices first, then "
                "the ceil(test_fraction × n) test indices.",
                _split_swapped),
    ),
    alternatives=(_split_choice, _split_shuffle, _split_mask),
    hints=(
        "A random split is a random order of the indices 0, …, n-1, cut in two.",
        "Get the random order from the rng you are given, so that the same seed always gives "
        "the same split. Count the test samples first, rounding up, and let the test set be "
        "the first part of the order and the training set the rest.",
        "n_test = ⌈test_fraction · n⌉; π = a random permutation of 0, …, n-1 drawn with rng; "
        "test = π[0 : n_test], train = π[n_test : n]; return (train, test).",
    ),
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
    # A random permutation is the identity or its reverse with probability 2 / n!: judge
    # only where that is negligible.
    order = np.concatenate(batches)
    if 2 / math.factorial(n) < UNLUCKY and (
            np.array_equal(order, np.arange(n)) or np.array_equal(order, np.arange(n)[::-1])):
        return ("the batches take the samples in a fixed order; shuffle the indices each epoch "
                "(rng.permutation).")
    return None


# One epoch of 10 samples in batches of 3, judged over many seeds. With a fresh shuffle,
# sample i is in batch k with probability s_k / 10 (sizes 3, 3, 3, 1), and samples i and
# i+s share a batch with probability Σ s_k (s_k - 1) / (10·9) = 1/5 for every lag s. Fixed
# batches in a shuffled order (or shuffled within) keep neighbours together far more often.
_SPREAD_BATCHES = (10, 3)


def _batch_behaviour(call):
    """Same seed, same batches; other seeds, other batches; and the spread of a uniform shuffle."""
    n, b = _SPREAD_BATCHES
    kwargs = {"batch_size": b}
    problem = _same_seed_problem(call, (n,), kwargs, _validate_batches, "batches")
    if problem:
        return problem
    sizes = np.array([b] * (n // b) + ([n % b] if n % b else []))
    n_batches = len(sizes)
    lags = np.arange(1, n)
    expected = np.concatenate([np.tile(sizes / n, n),
                               np.full(n - 1, np.sum(sizes * (sizes - 1)) / (n * (n - 1)))])
    # A lag-s count of shared batches is at most Σ (s_k - 1) = n - n_batches, and n - s.
    widths = np.concatenate([np.ones(n * n_batches),
                             np.minimum(n - n_batches, n - lags) / (n - lags)])
    seen = set()

    def draw(k):
        out = call(n, **kwargs, rng=_seeded(k))
        problem = _validate_batches(Case("spread", (n,), kwargs), out)
        if problem:
            return f"with n_samples={n}, batch_size={b}: {problem}"
        member = np.zeros((n, n_batches))
        for j, batch in enumerate(out):
            member[np.asarray(batch), j] = 1.0
        seen.add(tuple(tuple(sorted(np.asarray(batch).tolist())) for batch in out))
        if k == 9 and len(seen) == 1:
            # Uniform shuffles repeat one grouping 9 times with chance (1/2800)^9 ≈ 1e-31.
            return ("your batches hold the same samples for every rng: 10 epochs with different "
                    "seeds grouped the samples in the same way. Draw the permutation from the rng "
                    "you are given, not from a fixed seed or a fixed order; shuffling only within "
                    "(or the order of) fixed batches is not enough.")
        return np.concatenate([member.ravel(), _lags(member @ member.T, n)])

    def describe(event, mean, draws):
        advice = ("Permute all indices with rng.permutation, then cut the permutation into "
                  "consecutive batches.")
        if event < n * n_batches:
            i, k = divmod(event, n_batches)
            return (f"sample {i} was in batch {k} in {round(mean * draws)} of {draws} epochs with "
                    f"different seeds (n_samples={n}, batch_size={b}); with a fresh shuffle every "
                    f"epoch that happens {expected[event]:.0%} of the time. {advice}")
        s = event - n * n_batches + 1
        pair = "neighbouring samples (i and i+1)" if s == 1 else f"samples {s} apart (i and i+{s})"
        return (f"over {draws} epochs with different seeds (n_samples={n}, batch_size={b}), "
                f"{mean:.0%} of the pairs of {pair} shared a batch; with a fresh shuffle every "
                f"epoch it is {expected[event]:.0%}. Shuffling only the order of fixed batches, "
                f"or within them, keeps the same samples together. {advice}")

    return _spread_problem(draw, expected, widths, describe)


def _batch_cases(rng, hidden):
    if not hidden:
        return [
            Case("10 samples, batches of 4", (10,), {"batch_size": 4, "rng": rng}),
            Case("64 samples, batches of 16", (64,), {"batch_size": 16, "rng": rng}),
            Case("batch larger than the data", (5,), {"batch_size": 8, "rng": rng}),
        ]
    # Fixed problems (only the random stream comes from the seed). 50 samples in batches of 8
    # reject every known mistake whatever the stream: independent batches are disjoint, or
    # 50 draws with replacement distinct, with probability below 1e-12.
    n, b = int(rng.integers(50, 500)), int(rng.integers(3, 40))
    return [
        Case("50 samples, batches of 8", (50,), {"batch_size": 8, "rng": rng}),
        Case("20 samples, batches of one", (20,), {"batch_size": 1, "rng": rng}),
        Case("7 samples, one batch of 7", (7,), {"batch_size": 7, "rng": rng}),
        Case("a single sample", (1,), {"batch_size": 3, "rng": rng}),
        Case(f"random: {n} samples, batches of {b}", (n,), {"batch_size": b, "rng": rng}),
    ]


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


def _batches_sorted_within(n_samples, batch_size, rng):
    order = rng.permutation(n_samples)
    n_batches = -(-n_samples // batch_size)
    return [np.sort(order[k * batch_size:(k + 1) * batch_size]) for k in range(n_batches)]


MINIBATCH_INDICES = Exercise(
    id="minibatch_indices",
    title="Shuffled mini-batches",
    reference=minibatch_indices,
    cases=_batch_cases,
    validate=_validate_batches,
    behaviour=_batch_behaviour,
    points=2,
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
        Mistake("order drawn with replacement",
                "rng.choice(n, n) draws with replacement by default, so some samples come twice "
                "and others never; use rng.permutation(n) (or replace=False).",
                lambda n_samples, batch_size, rng: [
                    b for b in np.split(rng.choice(n_samples, n_samples),
                                        range(batch_size, n_samples, batch_size))]),
        Mistake("np.array_split into ceil(n / batch_size) parts",
                "np.array_split balances the part sizes (10 into 3 parts gives 4, 3, 3), but "
                "every batch except the last must hold exactly batch_size samples. Slice the "
                "permutation at 0, batch_size, 2·batch_size, … instead.",
                lambda n_samples, batch_size, rng: np.array_split(
                    rng.permutation(n_samples), math.ceil(n_samples / batch_size))),
        Mistake("np.array_split into n // batch_size parts",
                "np.array_split(order, n // batch_size) makes n // batch_size balanced parts, so "
                "the leftover samples are spread over the batches instead of forming a smaller "
                "last one. Slice the permutation at 0, batch_size, 2·batch_size, … instead.",
                lambda n_samples, batch_size, rng: np.array_split(
                    rng.permutation(n_samples), n_samples // batch_size)),
    ),
    alternatives=(
        _batches_loop,
        _batches_sorted_within,
        lambda n_samples, batch_size, rng: np.split(rng.permutation(n_samples),
                                                    np.arange(batch_size, n_samples, batch_size)),
    ),
    hints=(
        "One epoch uses every sample exactly once, in a random order.",
        "Shuffle all the indices once, with the rng you are given, and then cut that one "
        "random order into consecutive pieces of batch_size; the last piece keeps whatever "
        "is left.",
        "π = a random permutation of 0, …, n-1 drawn with rng; batch k = π[k·B : min((k+1)·B, n)] "
        "for k = 0, …, ⌈n/B⌉ - 1.",
    ),
)


EXERCISES = [TRAIN_TEST_INDICES, FIT_STANDARDIZER, MINIBATCH_INDICES]  # in chapter order
