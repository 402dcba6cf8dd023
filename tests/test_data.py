"""Tests of mlcourse_lib.data: generators with known truth, bundled data sets, splits against
scikit-learn's conventions, standardization against StandardScaler, mini-batches, validation."""

from __future__ import annotations

import math
import subprocess
import sys
import types

import numpy as np
import pytest

from mlcourse_lib.data import (
    DATASETS,
    Dataset,
    Standardizer,
    fit_standardizer,
    iterate_minibatches,
    kfold_indices,
    load_dataset,
    make_linear,
    make_moons,
    make_polynomial,
    make_spirals,
    make_two_blobs,
    minibatch_indices,
    standardize,
    train_test_indices,
    train_val_test_split,
)


def _is_partition(parts, n):
    """True if the index arrays together hold each of 0..n-1 exactly once."""
    everything = np.concatenate(parts)
    return len(everything) == n and np.array_equal(np.sort(everything), np.arange(n))


# --- synthetic data -------------------------------------------------------------------------

def test_make_linear_follows_the_model_without_noise():
    X, y, w = make_linear(30, n_features=3, weights=[1.0, -2.0, 0.5], bias=4.0, noise=0.0, rng=0)
    assert X.shape == (30, 3) and y.shape == (30,) and w.shape == (3,)
    assert X.dtype == y.dtype == w.dtype == np.float64
    np.testing.assert_allclose(y, X @ np.array([1.0, -2.0, 0.5]) + 4.0)
    assert X.min() >= -1.0 and X.max() <= 1.0


def test_make_linear_noise_has_the_requested_standard_deviation():
    X, y, w = make_linear(20_000, n_features=2, noise=0.5, rng=1)
    residual = y - X @ w
    assert abs(residual.std() - 0.5) < 0.02
    assert abs(residual.mean()) < 0.02


def test_make_linear_is_reproducible_and_weights_do_not_change_X():
    X1, y1, w1 = make_linear(10, n_features=2, rng=3)
    X2, y2, w2 = make_linear(10, n_features=2, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    np.testing.assert_array_equal(w1, w2)
    X3, _, _ = make_linear(10, n_features=2, weights=[5.0, 5.0], rng=3)
    np.testing.assert_array_equal(X1, X3)
    X4, _, _ = make_linear(10, n_features=2, rng=4)
    assert not np.allclose(X1, X4)


def test_make_linear_returns_a_copy_of_weights():
    weights = np.array([2.0])
    _, _, w = make_linear(5, weights=weights, rng=0)
    w[0] = 99.0
    assert weights[0] == 2.0


def test_make_linear_errors():
    with pytest.raises(ValueError, match=r"weights has shape \(3,\), expected \(1,\) to match n_features=1"):
        make_linear(5, weights=[1.0, 2.0, 3.0], rng=0)
    with pytest.raises(ValueError, match="noise must be >= 0; got noise=-0.1"):
        make_linear(5, noise=-0.1, rng=0)
    with pytest.raises(ValueError, match="n_samples must be >= 1; got n_samples=0"):
        make_linear(0, rng=0)
    with pytest.raises(TypeError, match="rng must be a numpy Generator or an integer seed"):
        make_linear(5, rng=None)


def test_make_polynomial_follows_the_polynomial():
    x, y = make_polynomial(50, coefs=(0.5, -1.0, 2.0), x_range=(-2, 3), noise=0.0, rng=0)
    assert x.shape == y.shape == (50,)
    assert x.min() >= -2 and x.max() <= 3
    np.testing.assert_allclose(y, 0.5 - x + 2 * x**2)
    x1, y1 = make_polynomial(20, noise=0.3, rng=7)
    x2, y2 = make_polynomial(20, noise=0.3, rng=7)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)


def test_make_polynomial_errors():
    with pytest.raises(ValueError, match=r"x_range must satisfy low < high; got x_range=\(1, 1\)"):
        make_polynomial(5, x_range=(1, 1), rng=0)
    with pytest.raises(TypeError, match=r"x_range must be a pair \(low, high\)"):
        make_polynomial(5, x_range=3, rng=0)
    with pytest.raises(ValueError, match="coefs is empty"):
        make_polynomial(5, coefs=(), rng=0)


def test_make_two_blobs_centres_spread_and_labels():
    X, y = make_two_blobs(4001, distance=4.0, std=0.5, rng=0)
    assert X.shape == (4001, 2) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [2001, 2000]
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [-2.0, 0.0], atol=0.05)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [2.0, 0.0], atol=0.05)
    np.testing.assert_allclose(X[y == 1].std(axis=0), [0.5, 0.5], atol=0.03)
    assert not np.all(np.diff(y) >= 0), "rows should be shuffled, not sorted by class"


def test_make_moons_has_scikit_learn_geometry():
    from sklearn.datasets import make_moons as sk_make_moons

    for n in (2, 7, 200):
        X, y = make_moons(n, noise=0.0, rng=0)
        X_sk, y_sk = sk_make_moons(n, noise=0.0, shuffle=False)
        assert np.bincount(y).tolist() == np.bincount(y_sk).tolist()
        for c in (0, 1):
            ours, theirs = X[y == c], X_sk[y_sk == c]
            # x is monotone along each half circle, so sorting by x aligns the points
            np.testing.assert_allclose(ours[np.argsort(ours[:, 0])], theirs[np.argsort(theirs[:, 0])],
                                       atol=1e-12)


def test_make_moons_noise_and_shuffling():
    X0, y0 = make_moons(500, noise=0.0, rng=1)
    X1, y1 = make_moons(500, noise=0.1, rng=1)
    assert not np.all(np.diff(y0) >= 0)
    np.testing.assert_array_equal(y0, y1)  # the same order for the same seed
    assert 0.08 < (X1 - X0).std() < 0.12


def test_make_spirals_arms_without_noise():
    X, y = make_spirals(301, n_classes=3, noise=0.0, rng=0)
    assert X.shape == (301, 2) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [101, 100, 100]
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.max() <= 1.0 + 1e-12
    for k in range(3):
        r_k = np.sort(r[y == k])
        np.testing.assert_allclose(r_k, np.linspace(0, 1, np.sum(y == k)), atol=1e-12)
        t = 4 * k + 4 * r[y == k]
        np.testing.assert_allclose(X[y == k], np.column_stack([r[y == k] * np.sin(t),
                                                               r[y == k] * np.cos(t)]), atol=1e-12)


def test_make_spirals_errors_and_reproducibility():
    a = make_spirals(40, n_classes=4, rng=5)
    b = make_spirals(40, n_classes=4, rng=5)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    with pytest.raises(ValueError, match="n_samples must be >= n_classes"):
        make_spirals(2, n_classes=3, rng=0)
    with pytest.raises(ValueError, match="n_classes must be >= 2; got n_classes=1"):
        make_spirals(10, n_classes=1, rng=0)


# --- bundled data sets ------------------------------------------------------------------------

@pytest.mark.parametrize("name, shape, n_classes", [
    ("digits", (1797, 64), 10),
    ("breast_cancer", (569, 30), 2),
    ("diabetes", (442, 10), 0),
    ("iris", (150, 4), 3),
])
def test_load_dataset_shapes_and_types(name, shape, n_classes):
    ds = load_dataset(name)
    assert isinstance(ds, Dataset)
    assert ds.X.shape == shape and ds.X.dtype == np.float64
    assert ds.y.shape == (shape[0],)
    assert len(ds.feature_names) == shape[1]
    assert all(isinstance(f, str) for f in ds.feature_names)
    assert len(ds.target_names) == n_classes
    assert isinstance(ds.description, str) and len(ds.description) > 100
    if n_classes:
        assert ds.y.dtype == np.int64
        assert sorted(np.unique(ds.y).tolist()) == list(range(n_classes))
    else:
        assert ds.y.dtype == np.float64


def test_load_dataset_details():
    assert DATASETS == ("digits", "breast_cancer", "diabetes", "iris")
    cancer = load_dataset("breast_cancer")
    assert cancer.target_names == ("malignant", "benign")
    assert np.bincount(cancer.y).tolist() == [212, 357]
    diabetes = load_dataset("diabetes")
    assert diabetes.feature_names[:3] == ("age", "sex", "bmi")
    assert set(np.unique(diabetes.X[:, 1]).tolist()) == {1.0, 2.0}  # raw values, not pre-scaled
    assert load_dataset("digits").target_names == tuple(str(k) for k in range(10))


def test_load_dataset_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"name must be one of 'digits', 'breast_cancer', "
                                         r"'diabetes', 'iris'; got name='mnist'"):
        load_dataset("mnist")


def test_importing_the_data_package_does_not_import_sklearn_or_matplotlib():
    code = ("import sys, mlcourse_lib.data; "
            "print(any(m.split('.')[0] in ('sklearn', 'matplotlib') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- train/test split -------------------------------------------------------------------------

@pytest.mark.parametrize("n, fraction", [(100, 0.2), (50, 0.25), (30, 0.1), (7, 0.5), (1001, 0.15)])
def test_train_test_indices_sizes_disjoint_and_complete(n, fraction):
    from sklearn.model_selection import train_test_split

    train_idx, test_idx = train_test_indices(n, test_fraction=fraction, rng=0)
    assert train_idx.dtype == test_idx.dtype == np.int64
    assert len(test_idx) == math.ceil(fraction * n)
    _, sk_test = train_test_split(np.arange(n), test_size=fraction, random_state=0)
    assert len(test_idx) == len(sk_test)
    assert _is_partition([train_idx, test_idx], n)


def test_train_test_indices_is_a_permutation_split():
    train_idx, test_idx = train_test_indices(20, test_fraction=0.25, rng=3)
    permutation = np.random.default_rng(3).permutation(20)
    np.testing.assert_array_equal(test_idx, permutation[:5])
    np.testing.assert_array_equal(train_idx, permutation[5:])


def test_train_test_indices_reproducible_and_random():
    a = train_test_indices(50, test_fraction=0.2, rng=11)
    b = train_test_indices(50, test_fraction=0.2, rng=11)
    c = train_test_indices(50, test_fraction=0.2, rng=12)
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])
    assert set(a[1].tolist()) != set(range(40, 50))


@pytest.mark.parametrize("fraction", [0.2, 0.25, 0.33])
def test_stratified_split_matches_scikit_learn_class_counts(fraction):
    from sklearn.model_selection import train_test_split

    y = np.repeat([0, 1], [212, 357])
    train_idx, test_idx = train_test_indices(len(y), test_fraction=fraction, rng=0, stratify=y)
    _, _, _, y_test_sk = train_test_split(y, y, test_size=fraction, stratify=y, random_state=0)
    assert len(test_idx) == math.ceil(fraction * len(y))
    assert np.bincount(y[test_idx]).tolist() == np.bincount(y_test_sk).tolist()
    assert _is_partition([train_idx, test_idx], len(y))
    assert not np.all(np.diff(y[test_idx]) >= 0), "stratified indices should be shuffled"


def test_stratified_split_uses_largest_remainders():
    # 3 classes of 10, 25, 65 samples, ceil(0.17 * 100) = 17 test samples;
    # exact shares 1.7, 4.25, 11.05 -> floors 1, 4, 11 (16), one left for the largest remainder (class 0)
    y = np.repeat([0, 1, 2], [10, 25, 65])
    train_idx, test_idx = train_test_indices(100, test_fraction=0.17, rng=0, stratify=y)
    assert np.bincount(y[test_idx]).tolist() == [2, 4, 11]
    assert np.bincount(y[train_idx]).tolist() == [8, 21, 54]


def test_train_test_indices_errors():
    with pytest.raises(ValueError, match=r"test_fraction must be in \(0.0, 1.0\); got test_fraction=1.5"):
        train_test_indices(10, test_fraction=1.5, rng=0)
    with pytest.raises(ValueError, match="test_fraction must be in"):
        train_test_indices(10, test_fraction=0.0, rng=0)
    with pytest.raises(ValueError, match=r"puts all samples in the test set \(ceil\(0.95 \* 10\) = 10\)"):
        train_test_indices(10, test_fraction=0.95, rng=0)
    with pytest.raises(ValueError, match="n_samples must be >= 2; got n_samples=1"):
        train_test_indices(1, test_fraction=0.5, rng=0)
    with pytest.raises(ValueError, match=r"stratify has 9 labels, expected 10 \(one per sample\)"):
        train_test_indices(10, test_fraction=0.2, rng=0, stratify=np.zeros(9, dtype=int))
    with pytest.raises(TypeError, match="rng must be a numpy Generator"):
        train_test_indices(10, test_fraction=0.2, rng=None)


# --- train/validation/test split --------------------------------------------------------------

def test_train_val_test_split_sizes_alignment_and_dtypes():
    X = np.arange(200).reshape(100, 2)
    y = np.arange(100)
    X_tr, X_val, X_te, y_tr, y_val, y_te = train_val_test_split(X, y, val_fraction=0.15,
                                                                test_fraction=0.25, rng=0)
    assert (len(X_tr), len(X_val), len(X_te)) == (60, 15, 25)
    assert X_tr.dtype == X.dtype and y_tr.dtype == y.dtype
    for Xp, yp in ((X_tr, y_tr), (X_val, y_val), (X_te, y_te)):
        np.testing.assert_array_equal(Xp[:, 0], 2 * yp)  # the same rows of X and y
    assert _is_partition([y_tr, y_val, y_te], 100)
    np.testing.assert_array_equal(y, np.arange(100))  # input unchanged


def test_train_val_test_split_without_validation():
    X = np.ones((10, 3))
    X_tr, X_val, X_te = train_val_test_split(X, val_fraction=0, test_fraction=0.3, rng=0)
    assert X_tr.shape == (7, 3) and X_val.shape == (0, 3) and X_te.shape == (3, 3)


def test_train_val_test_split_stratified_and_reproducible():
    y = np.repeat([0, 1], [212, 357])
    X = np.arange(len(y), dtype=float)[:, None]
    parts = train_val_test_split(X, y, val_fraction=0.2, test_fraction=0.2, rng=0, stratify=y)
    again = train_val_test_split(X, y, val_fraction=0.2, test_fraction=0.2, rng=0, stratify=y)
    for a, b in zip(parts, again):
        np.testing.assert_array_equal(a, b)
    _, _, _, y_tr, y_val, y_te = parts
    assert (len(y_tr), len(y_val), len(y_te)) == (455 - 114, 114, 114)
    for part in (y_tr, y_val, y_te):
        assert abs(part.mean() - y.mean()) < 0.01


def test_train_val_test_split_errors():
    X, y = np.zeros((5, 2)), np.zeros(4)
    with pytest.raises(ValueError, match="arrays\\[1\\] has 4 rows, expected 5 to match arrays\\[0\\]"):
        train_val_test_split(X, y, val_fraction=0.2, test_fraction=0.2, rng=0)
    with pytest.raises(ValueError, match=r"val_fraction \+ test_fraction must be < 1 to leave training data; got 0.5 \+ 0.5 = 1.0"):
        train_val_test_split(X, val_fraction=0.5, test_fraction=0.5, rng=0)
    with pytest.raises(ValueError, match="leave no training data"):
        train_val_test_split(np.zeros(3), val_fraction=0.4, test_fraction=0.4, rng=0)
    with pytest.raises(ValueError, match=r"val_fraction must be in \[0.0, 1.0\); got val_fraction=-0.1"):
        train_val_test_split(X, val_fraction=-0.1, test_fraction=0.2, rng=0)
    with pytest.raises(TypeError, match="needs at least one array"):
        train_val_test_split(val_fraction=0.1, test_fraction=0.2, rng=0)


# --- k-fold cross-validation ------------------------------------------------------------------

def test_kfold_each_index_validated_exactly_once():
    folds = kfold_indices(23, n_folds=5, rng=0)
    assert [len(val) for _, val in folds] == [5, 5, 5, 4, 4]
    assert _is_partition([val for _, val in folds], 23)
    for train, val in folds:
        assert train.dtype == val.dtype == np.int64
        assert _is_partition([train, val], 23)


def test_kfold_without_shuffle_equals_scikit_learn():
    from sklearn.model_selection import KFold

    ours = kfold_indices(17, n_folds=4, shuffle=False)
    theirs = list(KFold(n_splits=4).split(np.zeros(17)))
    assert len(ours) == len(theirs)
    for (tr, val), (tr_sk, val_sk) in zip(ours, theirs):
        np.testing.assert_array_equal(tr, tr_sk)
        np.testing.assert_array_equal(val, val_sk)


def test_kfold_shuffle_reproducible():
    a = kfold_indices(30, n_folds=5, rng=0)
    b = kfold_indices(30, n_folds=5, rng=0)
    for (tr_a, val_a), (tr_b, val_b) in zip(a, b):
        np.testing.assert_array_equal(val_a, val_b)
        np.testing.assert_array_equal(tr_a, tr_b)
    assert not np.array_equal(a[0][1], np.arange(6))


def test_kfold_errors():
    with pytest.raises(TypeError, match="rng is required when shuffle=True"):
        kfold_indices(10, n_folds=2)
    with pytest.raises(ValueError, match="n_samples must be >= n_folds"):
        kfold_indices(3, n_folds=5, rng=0)
    with pytest.raises(ValueError, match="n_folds must be >= 2; got n_folds=1"):
        kfold_indices(10, n_folds=1, rng=0)


# --- standardization --------------------------------------------------------------------------

def test_fit_standardizer_hand_computed():
    s = fit_standardizer(np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 60.0]]))
    assert isinstance(s, Standardizer)
    np.testing.assert_allclose(s.mean, [2.0, 30.0])
    np.testing.assert_allclose(s.scale, [math.sqrt(2 / 3), math.sqrt((400 + 100 + 900) / 3)])


def test_fit_standardizer_equals_scikit_learn_including_constant_columns():
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(3, 2, size=40), np.full(40, 3.0), np.full(40, 0.1),
                         rng.uniform(-1e3, 1e3, size=40)])
    s = fit_standardizer(X)
    sk = StandardScaler().fit(X)
    np.testing.assert_allclose(s.mean, sk.mean_, rtol=1e-12)
    np.testing.assert_allclose(s.scale, sk.scale_, rtol=1e-12)
    np.testing.assert_allclose(s.scale[1:3], [1.0, 1.0])
    Z = s.transform(X)
    np.testing.assert_allclose(Z, sk.transform(X), atol=1e-12)
    np.testing.assert_allclose(Z[:, 1:3], 0.0, atol=1e-12)


def test_standardized_training_data_has_mean_zero_std_one_and_round_trips():
    X = np.random.default_rng(1).normal([1.0, -50.0, 1e4], [0.1, 5.0, 1e3], size=(30, 3))
    s = fit_standardizer(X)
    Z = s.transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1.0)
    np.testing.assert_allclose(s.inverse_transform(Z), X)
    np.testing.assert_allclose(s.transform(X[0]), Z[0])  # one sample as a 1-D array
    single = fit_standardizer(X[:1])
    np.testing.assert_array_equal(single.scale, np.ones(3))


def test_standardize_fits_on_the_training_set_only():
    rng = np.random.default_rng(2)
    X_train = rng.normal(0, 1, size=(50, 2))
    X_test = rng.normal(5, 3, size=(20, 2))  # shifted: its statistics must not be used
    Z_train, Z_test, s = standardize(X_train, X_test)
    ref = fit_standardizer(X_train)
    np.testing.assert_array_equal(s.mean, ref.mean)
    np.testing.assert_array_equal(s.scale, ref.scale)
    np.testing.assert_allclose(Z_test, (X_test - ref.mean) / ref.scale)
    assert np.all(Z_test.mean(axis=0) > 2)  # the test set stays shifted
    Z_train2, _, s2 = standardize(X_train, X_test * 100)
    np.testing.assert_array_equal(Z_train, Z_train2)
    np.testing.assert_array_equal(s.mean, s2.mean)


def test_standardize_leaves_inputs_alone_and_accepts_empty_sets():
    X_train = np.array([[1.0, 2.0], [3.0, 6.0]])
    copy = X_train.copy()
    Z_train, Z_val, Z_test, s = standardize(X_train, np.zeros((0, 2)), [[2.0, 4.0]])
    np.testing.assert_array_equal(X_train, copy)
    assert Z_val.shape == (0, 2)
    np.testing.assert_allclose(Z_test, [[0.0, 0.0]])
    np.testing.assert_allclose(Z_train, [[-1.0, -1.0], [1.0, 1.0]])


def test_standardizer_errors():
    with pytest.raises(ValueError, match=r"X_train must be 2-D; got an array of shape \(3,\)"):
        fit_standardizer([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="X_train is empty"):
        fit_standardizer(np.zeros((0, 2)))
    with pytest.raises(ValueError, match=r"X_train contains nan at index \(1, 0\)"):
        fit_standardizer([[1.0], [np.nan]])
    s = fit_standardizer(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"X has 2 features \(columns\), expected 3 to match the standardizer"):
        s.transform(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"others\[0\] has 2 features"):
        standardize(np.ones((4, 3)), np.ones((4, 2)))
    with pytest.raises(ValueError, match="standardizer.scale must be > 0; got 0.0 at index 1"):
        Standardizer(mean=np.zeros(2), scale=np.array([1.0, 0.0])).transform(np.ones((1, 2)))


# --- mini-batches -----------------------------------------------------------------------------

def test_minibatch_indices_sizes_and_coverage():
    batches = minibatch_indices(10, batch_size=4, rng=0)
    assert [len(b) for b in batches] == [4, 4, 2]
    assert all(b.dtype == np.int64 for b in batches)
    assert _is_partition(batches, 10)
    np.testing.assert_array_equal(np.concatenate(batches), np.random.default_rng(0).permutation(10))


def test_minibatch_indices_drop_last_large_batch_and_no_shuffle():
    dropped = minibatch_indices(10, batch_size=4, rng=0, drop_last=True)
    assert [len(b) for b in dropped] == [4, 4]
    assert len(np.unique(np.concatenate(dropped))) == 8
    assert [len(b) for b in minibatch_indices(12, batch_size=4, rng=0, drop_last=True)] == [4, 4, 4]
    one = minibatch_indices(5, batch_size=8, rng=0)
    assert len(one) == 1 and _is_partition(one, 5)
    ordered = minibatch_indices(5, batch_size=2, shuffle=False)
    assert [b.tolist() for b in ordered] == [[0, 1], [2, 3], [4]]


def test_minibatch_indices_new_order_each_epoch_reproducible_per_seed():
    rng = np.random.default_rng(0)
    epoch1 = np.concatenate(minibatch_indices(20, batch_size=5, rng=rng))
    epoch2 = np.concatenate(minibatch_indices(20, batch_size=5, rng=rng))
    assert not np.array_equal(epoch1, epoch2)
    again = np.random.default_rng(0)
    np.testing.assert_array_equal(np.concatenate(minibatch_indices(20, batch_size=5, rng=again)), epoch1)


def test_minibatch_indices_errors():
    with pytest.raises(ValueError, match="batch_size must be >= 1; got batch_size=0"):
        minibatch_indices(10, batch_size=0, rng=0)
    with pytest.raises(TypeError, match="batch_size must be an integer; got float 2.5"):
        minibatch_indices(10, batch_size=2.5, rng=0)
    with pytest.raises(TypeError, match=r"rng is required when shuffle=True; pass rng=np.random.default_rng\(0\)"):
        minibatch_indices(10, batch_size=2)
    with pytest.raises(ValueError, match="drop_last=True with batch_size=8 > n_samples=5 leaves no batch"):
        minibatch_indices(5, batch_size=8, rng=0, drop_last=True)
    with pytest.raises(TypeError, match="shuffle must be True or False"):
        minibatch_indices(5, batch_size=2, rng=0, shuffle="yes")


def test_iterate_minibatches_pairs_rows():
    X = np.arange(14).reshape(7, 2)
    y = np.arange(7)
    gen = iterate_minibatches(X, y, batch_size=3, rng=0)
    assert isinstance(gen, types.GeneratorType)
    batches = list(gen)
    assert [len(yb) for _, yb in batches] == [3, 3, 1]
    for Xb, yb in batches:
        assert Xb.shape == (len(yb), 2)
        np.testing.assert_array_equal(Xb[:, 0], 2 * yb)
    assert _is_partition([yb for _, yb in batches], 7)
    dropped = list(iterate_minibatches(X, y, batch_size=3, rng=0, drop_last=True))
    assert [len(yb) for _, yb in dropped] == [3, 3]


def test_iterate_minibatches_errors_are_raised_at_the_call():
    with pytest.raises(ValueError, match="y has 4 rows, expected 5 to match X"):
        iterate_minibatches(np.zeros((5, 2)), np.zeros(4), batch_size=2, rng=0)
    with pytest.raises(TypeError, match="rng is required when shuffle=True"):
        iterate_minibatches(np.zeros((5, 2)), np.zeros(5), batch_size=2)
    with pytest.raises(ValueError, match="X is empty"):
        iterate_minibatches(np.zeros((0, 2)), np.zeros(0), batch_size=2, rng=0)


# --- a stratified split never leaves a class out of the training set ------------------------------

def test_stratified_split_refuses_to_leave_a_class_out_of_training():
    # counts 1, 1, 8 with n_test = 5: quotas 0.5, 0.5, 4; class 0 takes the leftover sample
    y = np.array([0, 1] + [2] * 8)
    with pytest.raises(ValueError, match=r"stratify: class 0 has only 1 sample, and its share of the "
                                         r"test set takes it, leaving none for training. Every class "
                                         r"needs at least 2 samples"):
        train_test_indices(10, test_fraction=0.5, rng=0, stratify=y)
    from sklearn.model_selection import train_test_split
    with pytest.raises(ValueError, match="too few"):
        train_test_split(np.arange(10), test_size=0.5, random_state=0, stratify=y)


def test_stratified_validation_split_refuses_to_leave_a_class_out_of_training():
    y = np.array([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])
    with pytest.raises(ValueError, match=r"class 0 has only 2 samples, and its share of the test set "
                                         r"takes all of them.*smaller test_fraction"):
        train_test_indices(12, test_fraction=0.9, rng=0, stratify=y)
    with pytest.raises(ValueError, match=r"its share of the val set .*smaller val_fraction"):
        train_val_test_split(np.arange(20), val_fraction=0.45, test_fraction=0.45, rng=0,
                             stratify=np.array([0, 0, 0] + [1] * 17))


def test_stratified_splits_keep_every_class_in_training_when_they_can():
    rng = np.random.default_rng(5)
    for _ in range(200):
        n = int(rng.integers(4, 40))
        y = rng.integers(0, 4, size=n)
        f = float(rng.uniform(0.05, 0.9))
        try:
            train_idx, _ = train_test_indices(n, test_fraction=f, rng=rng, stratify=y)
        except ValueError as exc:
            assert "leaving none for training" in str(exc) or "puts all samples" in str(exc)
            continue
        assert set(y[train_idx]) == set(y)


# --- near-constant features: scikit-learn's rule -------------------------------------------------

def _near_constant_columns():
    rng = np.random.default_rng(0)
    return np.column_stack([
        np.full(10, 0.1),                              # sigma computes to ~1e-17, not 0
        np.full(10, 1e10 + 0.3),
        np.r_[np.full(9, 0.1), 0.1 + 1e-15],           # a real (tiny) spread: not constant
        1e8 + 1e-7 * rng.normal(size=10),              # spread below the rounding of the mean
        rng.normal(size=10),
        np.full(10, -3.0),
    ])


def test_fit_standardizer_treats_near_constant_features_as_sklearn_does():
    from sklearn.preprocessing import StandardScaler

    X = _near_constant_columns()
    scaler = StandardScaler().fit(X)
    s = fit_standardizer(X)
    np.testing.assert_array_equal(s.scale, scaler.scale_)
    np.testing.assert_array_equal(s.mean, scaler.mean_)
    np.testing.assert_array_equal(s.transform(X), scaler.transform(X))
    np.testing.assert_array_equal(s.scale[[0, 1, 3, 5]], 1.0)
    np.testing.assert_array_equal(fit_standardizer(np.full((10, 1), 0.1)).transform(np.full((3, 1), 0.1)),
                                  np.zeros((3, 1)))


@pytest.mark.parametrize("seed", range(20))
def test_fit_standardizer_equals_standard_scaler_on_random_scales(seed):
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 30))
    X = rng.normal(size=(n, 4)) * 10.0 ** rng.integers(-12, 5, size=4) + 10.0 ** rng.integers(-3, 9, size=4)
    scaler = StandardScaler().fit(X)
    s = fit_standardizer(X)
    np.testing.assert_array_equal(s.scale, scaler.scale_)
    np.testing.assert_array_equal(s.transform(X), scaler.transform(X))
