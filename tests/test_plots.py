"""Tests of mlcourse_lib.plots on matplotlib's Agg backend: what each function draws (lines,
legend labels, texts, scatter points), that it draws on the given Axes and never calls
plt.show(), and that importing the module does not load matplotlib."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from mlcourse_lib.plots import (  # noqa: E402
    plot_confusion_matrix,
    plot_contour_trajectories,
    plot_decision_boundary,
    plot_loss_curves,
)
from mlcourse_lib.train import History  # noqa: E402


@pytest.fixture(autouse=True)
def no_show_and_close(monkeypatch):
    """Fail on plt.show(); close every figure after the test."""
    def show(*args, **kwargs):
        raise AssertionError("plots must not call plt.show()")

    monkeypatch.setattr(plt, "show", show)
    yield
    plt.close("all")


def bowl(p):
    return p[0] ** 2 + 4 * p[1] ** 2


def legend_labels(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def test_import_does_not_load_matplotlib():
    out = subprocess.run(
        [sys.executable, "-c", "import sys, mlcourse_lib.plots; print('matplotlib' in sys.modules)"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert out.strip() == "False"


# --- loss curves -------------------------------------------------------------------------------

def test_loss_curves_lines_and_best_epoch():
    history = History(metrics={"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.6, 0.8]}, best_epoch=1)
    ax = plot_loss_curves(history, title="run 1")
    assert len(ax.lines) == 3
    assert legend_labels(ax) == ["train", "validation", "best epoch (2)"]
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [1.1, 0.6, 0.8])
    assert ax.lines[2].get_xdata()[0] == 2                   # epoch 1 (0-based) drawn at x = 2
    assert ax.get_title() == "run 1"
    assert ax.get_yscale() == "linear"


def test_loss_curves_plain_dict_log_scale_and_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    ax = plot_loss_curves({"loss": [4.0, 2.0, 1.0]}, ax=right, log=True)
    assert ax is right and len(left.lines) == 0
    assert len(ax.lines) == 1 and legend_labels(ax) == ["train"]
    assert ax.get_yscale() == "log"


def test_loss_curves_needs_loss():
    with pytest.raises(ValueError, match="history must have a 'loss' entry; got the keys \\['val_loss'\\]"):
        plot_loss_curves({"val_loss": [1.0]})


# --- contour plot with trajectories ------------------------------------------------------------

def test_contour_trajectories_paths_markers_and_legend():
    gd = np.array([[2.0, 1.0], [1.5, 0.2], [1.0, 0.05]])
    momentum = np.array([[2.0, 1.0], [1.0, -0.5], [0.2, 0.1], [0.0, 0.0]])
    ax = plot_contour_trajectories(bowl, {"GD": gd, "momentum": momentum}, xlim=(-3, 3), ylim=(-2, 2))
    assert len(ax.lines) == 6                                # path, start and end for each
    assert legend_labels(ax) == ["GD", "momentum"]
    path, start, end = ax.lines[3:6]
    np.testing.assert_array_equal(path.get_xydata(), momentum)
    np.testing.assert_array_equal(start.get_xydata(), [[2.0, 1.0]])
    np.testing.assert_array_equal(end.get_xydata(), [[0.0, 0.0]])
    assert start.get_color() == end.get_color() == path.get_color()
    assert ax.get_xlim() == (-3, 3) and ax.get_ylim() == (-2, 2)
    assert len(ax.collections) == 1 and len(ax.collections[0].levels) >= 10   # the contour lines


def test_contour_pointwise_function_gives_the_same_levels():
    A = np.diag([1.0, 4.0])

    def bowl_pointwise(p):                    # works only for one point of shape (2,)
        return float(p @ A @ p)

    kwargs = dict(xlim=(-3, 3), ylim=(-2, 2), levels=12, resolution=40)
    vectorized = plot_contour_trajectories(bowl, {}, **kwargs).collections[0]
    pointwise = plot_contour_trajectories(bowl_pointwise, {}, **kwargs).collections[0]
    np.testing.assert_allclose(vectorized.levels, pointwise.levels)


def test_contour_log_levels_are_geometric():
    def rosenbrock(p):
        return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2

    ax = plot_contour_trajectories(rosenbrock, {"path": [[-1.2, 1.0], [np.nan, np.nan]]},
                                   xlim=(-1.5, 1.5), ylim=(-0.5, 1.5), levels=20, log_levels=True)
    levels = ax.collections[0].levels
    assert len(levels) == 20
    np.testing.assert_allclose(levels[1:] / levels[:-1], levels[1] / levels[0])
    np.testing.assert_array_equal(ax.lines[0].get_xydata(), [[-1.2, 1.0]])   # the NaN row is dropped


def test_contour_errors():
    with pytest.raises(ValueError, match=r"trajectories\['GD'\] must have shape \(T, 2\); got an array of shape \(2, 3\)"):
        plot_contour_trajectories(bowl, {"GD": np.zeros((2, 3))}, xlim=(-1, 1), ylim=(-1, 1))
    with pytest.raises(ValueError, match=r"xlim must be \(low, high\) with low < high; got xlim=\(1.0, -1.0\)"):
        plot_contour_trajectories(bowl, {}, xlim=(1, -1), ylim=(-1, 1))
    with pytest.raises(TypeError, match="trajectories must be a dict"):
        plot_contour_trajectories(bowl, np.zeros((3, 2)), xlim=(-1, 1), ylim=(-1, 1))
    with pytest.raises(ValueError, match="log_levels=True needs values of f > 0"):
        plot_contour_trajectories(lambda p: -bowl(p) - 1, {}, xlim=(-1, 1), ylim=(-1, 1), log_levels=True)


# --- decision boundary -------------------------------------------------------------------------

def test_decision_boundary_regions_and_points():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    y = (X[:, 0] > 0).astype(int)
    ax = plot_decision_boundary(lambda P: (P[:, 0] > 0).astype(int), X, y, resolution=50, padding=1.0)
    regions, points = ax.collections
    np.testing.assert_array_equal(points.get_offsets(), X)
    np.testing.assert_array_equal(points.get_array(), y)     # class index -> colour index
    assert len(regions.levels) == 3                          # boundaries around classes 0 and 1
    assert ax.get_xlim() == pytest.approx((X[:, 0].min() - 1.0, X[:, 0].max() + 1.0))


def test_decision_boundary_classes_missing_from_predictions():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    ax = plot_decision_boundary(lambda P: np.full(len(P), 5), X, [5, 7, 9], resolution=10)
    np.testing.assert_array_equal(ax.collections[-1].get_array(), [0, 1, 2])


def test_decision_boundary_errors():
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match="predict\\(points\\) must hold integer labels; got 0.7"):
        plot_decision_boundary(lambda P: np.full(len(P), 0.7), X, [0, 1, 0, 1], resolution=5)
    with pytest.raises(ValueError, match=r"predict returned shape \(25, 1\) for 25 points"):
        plot_decision_boundary(lambda P: np.zeros((len(P), 1)), X, [0, 1, 0, 1], resolution=5)
    with pytest.raises(ValueError, match="X must have 2 columns"):
        plot_decision_boundary(lambda P: P[:, 0], np.zeros((4, 3)), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="y has 3 rows, expected 4 to match X"):
        plot_decision_boundary(lambda P: P[:, 0], X, [0, 1, 0])


# --- confusion matrix --------------------------------------------------------------------------

def test_confusion_matrix_counts_and_labels():
    cm = np.array([[5, 1], [2, 7]])
    ax = plot_confusion_matrix(cm, labels=["cat", "dog"])
    assert [t.get_text() for t in ax.texts] == ["5", "1", "2", "7"]
    assert [t.get_position() for t in ax.texts][1] == (1, 0)           # row 0 (true), column 1 (predicted)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "dog"]
    assert ax.get_xlabel() == "predicted label" and ax.get_ylabel() == "true label"
    np.testing.assert_array_equal(ax.images[0].get_array(), cm)


def test_confusion_matrix_normalized_rows():
    ax = plot_confusion_matrix([[5, 1], [0, 0]], normalize=True)
    assert [t.get_text() for t in ax.texts] == ["0.83", "0.17", "0.00", "0.00"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0", "1"]


def test_confusion_matrix_errors():
    with pytest.raises(ValueError, match=r"cm must be square \(K, K\); got shape \(2, 3\)"):
        plot_confusion_matrix(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"labels has 3 names, expected 2"):
        plot_confusion_matrix(np.eye(2), labels=["a", "b", "c"])
    with pytest.raises(ValueError, match="cm must hold counts >= 0"):
        plot_confusion_matrix([[1, -1], [0, 1]])
