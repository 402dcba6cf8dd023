"""Tests of plots.plot_distance_to_minimum (the distance-per-step figure of the optimizer chapter)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mlcourse_lib.plots import plot_distance_to_minimum  # noqa: E402


def test_one_line_per_path_with_the_distances_and_a_tolerance_line():
    path = np.array([[3.0, 4.0], [0.0, 1.0], [1.0, 0.0]])
    ax = plot_distance_to_minimum({"a": path, "b": path[::-1]}, [0.0, 0.0], tol=0.5, title="t")
    a, b, tol = ax.lines
    np.testing.assert_allclose(a.get_ydata(), [5.0, 1.0, 1.0])
    np.testing.assert_allclose(b.get_xdata(), [0, 1, 2])
    assert tol.get_label() == "tolerance 0.5" and ax.get_yscale() == "log"
    assert ax.get_xlabel() == "step k" and ax.get_title() == "t"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "tolerance 0.5"]
    plt.close("all")


def test_diverged_rows_and_exact_zeros_are_left_out():
    path = np.array([[1.0, 0.0], [0.0, 0.0], [np.nan, np.nan]])
    ax = plot_distance_to_minimum({"run": path}, np.zeros(2))
    y = ax.lines[0].get_ydata()
    assert y[0] == 1.0 and np.isnan(y[1]) and np.isnan(y[2])
    plt.close("all")


@pytest.mark.parametrize("call,error,message", [
    (lambda: plot_distance_to_minimum([np.zeros((2, 2))], np.zeros(2)), TypeError, "must be a dict"),
    (lambda: plot_distance_to_minimum({"a": np.zeros((2, 3))}, np.zeros(2)), ValueError,
     r"has 3 columns, expected 2 to match minimum"),
    (lambda: plot_distance_to_minimum({"a": np.zeros((2, 2))}, np.zeros(2), tol=-1.0), ValueError, "tol"),
])
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
