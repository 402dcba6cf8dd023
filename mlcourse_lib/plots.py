r"""The course's figures: loss curves, optimizer paths on a contour plot, decision boundaries
and confusion matrices.

Each function draws on the matplotlib ``Axes`` it is given (``ax=...``), or on a new
figure, and returns the Axes so that a notebook can add to it before ``plt.show()``.
matplotlib is imported inside the functions only: ``import mlcourse_lib.plots`` does
not load it.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, as_label_array, check_int, check_nonnegative

__all__ = [
    "plot_loss_curves",
    "plot_contour_trajectories",
    "plot_distance_to_minimum",
    "plot_decision_boundary",
    "plot_confusion_matrix",
]


def _new_axes_if_none(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax


def _check_limits(limits, name: str):
    limits = as_float_array(limits, name, ndim=1)
    if limits.shape != (2,) or not limits[0] < limits[1]:
        raise ValueError(f"{name} must be (low, high) with low < high; got {name}={tuple(limits.tolist())}.")
    return limits


# --- loss curves -----------------------------------------------------------------------------

def plot_loss_curves(history, *, ax=None, log=False, title=None):
    """Training and validation loss per epoch, with the best epoch marked.

    Parameters
    ----------
    history : History or dict of str to list of float
        Needs ``"loss"``; ``"val_loss"`` is drawn when present. The best epoch
        (``history.best_epoch``, 0-based) is marked by a dashed vertical line.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    log : bool, default=False
        A logarithmic loss axis.
    title : str, optional

    Returns
    -------
    ax : matplotlib Axes
        With one line per curve (and one for the best epoch); the x-axis counts
        epochs from 1.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_loss_curves({"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.8]})
    >>> [line.get_label() for line in ax.lines]
    ['train', 'validation']
    """
    if "loss" not in history:
        raise ValueError(f"history must have a 'loss' entry; got the keys {list(history)}.")
    train = as_float_array(history["loss"], "history['loss']", ndim=1, allow_nonfinite=True)
    ax = _new_axes_if_none(ax)
    epochs = np.arange(1, train.size + 1)
    ax.plot(epochs, train, label="train")
    if "val_loss" in history:
        val = as_float_array(history["val_loss"], "history['val_loss']", ndim=1, allow_nonfinite=True)
        ax.plot(np.arange(1, val.size + 1), val, label="validation")
    best_epoch = getattr(history, "best_epoch", None)
    if best_epoch is not None:
        ax.axvline(best_epoch + 1, color="gray", linestyle="--", label=f"best epoch ({best_epoch + 1})")
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if title is not None:
        ax.set_title(title)
    ax.legend()
    return ax


# --- contour plot with optimizer paths -------------------------------------------------------

def _evaluate_on_grid(f, xs, ys):
    r"""``Z[i, j] = f(np.array([xs[j], ys[i]]))`` over the grid.

    A function written element-wise in ``p[0]`` and ``p[1]`` (such as Rosenbrock's
    :math:`(1-p_0)^2 + 100(p_1-p_0^2)^2`) is first tried on the whole grid at once,
    ``f(np.stack([X, Y]))``; it is kept if it has the grid's shape and agrees with
    point-by-point calls at a few grid points. Otherwise ``f`` is called once per point.
    """
    X, Y = np.meshgrid(xs, ys)
    try:
        with np.errstate(all="ignore"):
            Z = np.asarray(f(np.stack([X, Y])), dtype=np.float64)
    except Exception:
        Z = None
    if Z is not None and Z.shape == X.shape:
        corners = [(0, 0), (-1, -1), (len(ys) // 3, len(xs) // 2), (-1, 0)]
        with np.errstate(all="ignore"):
            pointwise = [float(f(np.array([X[i, j], Y[i, j]]))) for i, j in corners]
        if np.allclose([Z[i, j] for i, j in corners], pointwise, equal_nan=True):
            return X, Y, Z
    with np.errstate(all="ignore"):
        Z = np.array([[float(f(np.array([x, y]))) for x in xs] for y in ys])
    return X, Y, Z


def plot_contour_trajectories(f, trajectories, *, xlim, ylim, levels=30, log_levels=False, ax=None,
                              resolution=200):
    r"""Contour lines of a function of two variables with optimizer paths drawn on top.

    Parameters
    ----------
    f : callable
        ``f(p) -> float`` for a point ``p`` of shape (2,), the same function an optimizer
        minimizes, e.g. ``lambda p: (1 - p[0])**2 + 100 * (p[1] - p[0]**2)**2``. It is
        evaluated on a ``resolution`` × ``resolution`` grid (all at once when it is
        written element-wise in ``p[0]`` and ``p[1]``, point by point otherwise).
    trajectories : dict of str to array_like of shape (T, 2)
        ``name -> iterates`` (row ``k`` is :math:`\theta_k`), e.g. from
        ``optim.gradient_descent``. Each path is drawn with markers, its start as a
        square and its end as a star; the names make the legend. NaN or infinite rows
        (a diverging run) are left out of the drawing.
    xlim, ylim : (float, float)
        The plotted range of :math:`p_0` and :math:`p_1`.
    levels : int, default=30
        The number of contour levels.
    log_levels : bool, default=False
        Space the levels geometrically between the smallest positive and the largest value
        of ``f`` on the grid, for functions :math:`\ge 0` with a narrow valley (Rosenbrock).
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    resolution : int, default=200
        Grid points per axis.

    Returns
    -------
    ax : matplotlib Axes
        With three lines per trajectory (path, start, end) and a legend of the names.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> path = np.array([[2.0, 1.0], [1.0, 0.5], [0.5, 0.25]])
    >>> ax = plot_contour_trajectories(lambda p: p[0] ** 2 + 4 * p[1] ** 2, {"GD": path},
    ...                                xlim=(-2.5, 2.5), ylim=(-1.5, 1.5))
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['GD']
    """
    if not callable(f):
        raise TypeError(f"f must be a function f(p) of a point p of shape (2,); got {type(f).__name__}.")
    if not isinstance(trajectories, dict):
        raise TypeError(
            "trajectories must be a dict of name -> array of shape (T, 2); "
            f"got {type(trajectories).__name__}. Use e.g. {{'GD': path}}."
        )
    paths = {}
    for name, path in trajectories.items():
        path = as_float_array(path, f"trajectories[{name!r}]", ndim=2, allow_nonfinite=True)
        if path.shape[1] != 2:
            raise ValueError(
                f"trajectories[{name!r}] must have shape (T, 2); got an array of shape {path.shape}."
            )
        paths[name] = path
    xlim, ylim = _check_limits(xlim, "xlim"), _check_limits(ylim, "ylim")
    levels = check_int(levels, "levels", minimum=2)
    resolution = check_int(resolution, "resolution", minimum=2)

    xs = np.linspace(xlim[0], xlim[1], resolution)
    ys = np.linspace(ylim[0], ylim[1], resolution)
    X, Y, Z = _evaluate_on_grid(f, xs, ys)
    finite = Z[np.isfinite(Z)]
    if finite.size == 0:
        raise ValueError("f is NaN or infinite everywhere on the grid; check f, xlim and ylim.")

    ax = _new_axes_if_none(ax)
    if log_levels:
        from matplotlib.colors import LogNorm

        positive = finite[finite > 0]
        if positive.size == 0 or positive.min() == positive.max():
            raise ValueError(
                "log_levels=True needs values of f > 0 that are not all equal on the grid; "
                "use log_levels=False."
            )
        contour_levels = np.geomspace(positive.min(), positive.max(), levels)
        ax.contour(X, Y, Z, levels=contour_levels, norm=LogNorm(), cmap="viridis", linewidths=0.8)
    else:
        ax.contour(X, Y, Z, levels=levels, cmap="viridis", linewidths=0.8)

    for name, path in paths.items():
        rows = path[np.all(np.isfinite(path), axis=1)]
        (line,) = ax.plot(rows[:, 0], rows[:, 1], "o-", markersize=3, linewidth=1.2, label=name)
        color = line.get_color()
        start, end = (rows[0], rows[-1]) if len(rows) else (np.full(2, np.nan), np.full(2, np.nan))
        ax.plot(*start, "s", color=color, markersize=8, markeredgecolor="black", label="_start")
        ax.plot(*end, "*", color=color, markersize=13, markeredgecolor="black", label="_end")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel(r"$\theta_0$")
    ax.set_ylabel(r"$\theta_1$")
    if paths:
        ax.legend()
    return ax


def plot_distance_to_minimum(trajectories, minimum, *, tol=None, ax=None, title=None):
    r"""The distance :math:`\|\theta_k - \theta^\star\|` of optimizer paths to a minimizer, per step, on a log scale.

    Parameters
    ----------
    trajectories : dict of str to array_like of shape (T, d)
        ``name -> iterates`` (row ``k`` is :math:`\theta_k`), e.g. from ``optim.minimize``.
        Rows with NaN (a run that diverged) are not drawn; a distance of exactly 0 is not
        drawn either (a log axis has no 0).
    minimum : array_like of shape (d,)
        The minimizer :math:`\theta^\star`.
    tol : float, optional
        Draws a dashed horizontal line at this distance.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    title : str, optional

    Returns
    -------
    ax : matplotlib Axes
        With one line per trajectory (and one for ``tol``), named in the legend.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> path = np.array([[2.0, 1.0], [1.0, 0.5], [0.5, 0.25]])
    >>> ax = plot_distance_to_minimum({"GD": path}, [0.0, 0.0], tol=0.1)
    >>> [line.get_label() for line in ax.lines]
    ['GD', 'tolerance 0.1']
    """
    if not isinstance(trajectories, dict):
        raise TypeError(
            "trajectories must be a dict of name -> array of shape (T, d); "
            f"got {type(trajectories).__name__}. Use e.g. {{'GD': path}}."
        )
    minimum = as_float_array(minimum, "minimum", ndim=1)
    distances = {}
    for name, path in trajectories.items():
        path = as_float_array(path, f"trajectories[{name!r}]", ndim=2, allow_nonfinite=True)
        if path.shape[1] != minimum.size:
            raise ValueError(
                f"trajectories[{name!r}] has {path.shape[1]} columns, expected {minimum.size} to "
                "match minimum."
            )
        distance = np.linalg.norm(path - minimum, axis=1)
        distances[name] = np.where(np.isfinite(distance) & (distance > 0), distance, np.nan)
    if tol is not None:
        tol = check_nonnegative(tol, "tol")

    ax = _new_axes_if_none(ax)
    for name, distance in distances.items():
        ax.semilogy(np.arange(distance.size), distance, label=name)
    if tol is not None:
        ax.axhline(tol, color="gray", linestyle="--", label=f"tolerance {tol:g}")
    ax.set_xlabel("step k")
    ax.set_ylabel(r"$\|\theta_k - \theta^\star\|$")
    if title is not None:
        ax.set_title(title)
    ax.legend()
    return ax


# --- decision boundary -----------------------------------------------------------------------

def plot_decision_boundary(predict, X, y, *, ax=None, resolution=200, padding=0.5):
    """The regions where a classifier predicts each class, with the data on top.

    Parameters
    ----------
    predict : callable
        ``predict(points) -> labels``: integer class labels of shape (m,) for points of
        shape (m, 2). For a model that outputs probabilities, threshold them first, e.g.
        ``lambda P: (predict_proba(P) > 0.5).astype(int)``.
    X : array_like of shape (n, 2)
        The inputs (two features).
    y : array_like of int, shape (n,)
        Their class labels, which colour the points.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    resolution : int, default=200
        Grid points per axis.
    padding : float, default=0.5
        The margin around the data, in the units of ``X``.

    Returns
    -------
    ax : matplotlib Axes
        With the filled regions and one scatter of the ``n`` points.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    >>> ax = plot_decision_boundary(lambda P: (P[:, 0] > 0.5).astype(int), X, [0, 1, 0, 1])
    >>> ax.collections[-1].get_offsets().shape
    (4, 2)
    """
    if not callable(predict):
        raise TypeError(f"predict must be a function of points of shape (m, 2); got {type(predict).__name__}.")
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 columns (two features) to be drawn; got shape {X.shape}.")
    y = as_label_array(y, "y")
    if len(y) != len(X):
        raise ValueError(f"y has {len(y)} rows, expected {len(X)} to match X.")
    resolution = check_int(resolution, "resolution", minimum=2)
    padding = check_nonnegative(padding, "padding")

    xs = np.linspace(X[:, 0].min() - padding, X[:, 0].max() + padding, resolution)
    ys = np.linspace(X[:, 1].min() - padding, X[:, 1].max() + padding, resolution)
    grid_x, grid_y = np.meshgrid(xs, ys)
    points = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    predicted = np.asarray(predict(points))
    if predicted.shape != (len(points),):
        raise ValueError(
            f"predict returned shape {predicted.shape} for {len(points)} points; expected "
            f"({len(points)},), one label per point."
        )
    predicted = as_label_array(predicted, "predict(points)")

    classes = np.union1d(y, predicted)
    region = np.searchsorted(classes, predicted).reshape(grid_x.shape)
    import matplotlib
    from matplotlib.colors import ListedColormap

    n_colors = max(classes.size, 2)
    palette = matplotlib.colormaps["tab10" if n_colors <= 10 else "tab20"].colors
    cmap = ListedColormap([palette[k % len(palette)] for k in range(n_colors)])
    color_range = {"cmap": cmap, "vmin": -0.5, "vmax": n_colors - 0.5}   # class index k -> colour k
    ax = _new_axes_if_none(ax)
    ax.contourf(grid_x, grid_y, region, levels=np.arange(classes.size + 1) - 0.5, alpha=0.3,
                **color_range)
    ax.scatter(X[:, 0], X[:, 1], c=np.searchsorted(classes, y), edgecolors="black", linewidths=0.5,
               s=25, **color_range)
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_xlabel(r"$x_1$")
    ax.set_ylabel(r"$x_2$")
    return ax


# --- confusion matrix ------------------------------------------------------------------------

def plot_confusion_matrix(cm, *, labels=None, normalize=False, ax=None):
    r"""A confusion matrix as an image with each cell's count written in it.

    Parameters
    ----------
    cm : array_like of shape (K, K)
        Counts with true classes in rows and predicted classes in columns, as from
        :func:`mlcourse_lib.metrics.confusion_matrix`.
    labels : sequence of str or int, optional
        The class names for the ticks; default ``0, ..., K-1``.
    normalize : bool, default=False
        Show each row divided by its sum, :math:`C_{jk} / \sum_k C_{jk}` (the fraction
        of class :math:`j` predicted as :math:`k`; the diagonal is the recall). An
        empty row stays 0.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    ax : matplotlib Axes
        With the image and :math:`K^2` texts.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_confusion_matrix([[5, 1], [2, 7]], labels=["cat", "dog"])
    >>> [text.get_text() for text in ax.texts]
    ['5', '1', '2', '7']
    """
    cm = as_float_array(cm, "cm", ndim=2)
    if cm.shape[0] != cm.shape[1]:
        raise ValueError(f"cm must be square (K, K); got shape {cm.shape}.")
    if np.any(cm < 0):
        raise ValueError("cm must hold counts >= 0; got a negative entry.")
    K = cm.shape[0]
    if labels is None:
        labels = list(range(K))
    labels = [str(label) for label in labels]
    if len(labels) != K:
        raise ValueError(f"labels has {len(labels)} names, expected {K} to match cm of shape {cm.shape}.")
    if not isinstance(normalize, (bool, np.bool_)):
        raise TypeError(f"normalize must be True or False; got {normalize!r}.")

    if normalize:
        row_sums = cm.sum(axis=1, keepdims=True)
        values = cm / np.where(row_sums == 0, 1.0, row_sums)
        text_format = "{:.2f}"
    else:
        values = cm
        text_format = "{:.0f}" if np.all(cm == np.round(cm)) else "{:.2f}"

    ax = _new_axes_if_none(ax)
    ax.imshow(values, cmap="Blues", vmin=0, vmax=values.max() if values.max() > 0 else 1)
    threshold = (values.max() + values.min()) / 2
    for j in range(K):
        for k in range(K):
            color = "white" if values[j, k] > threshold else "black"
            ax.text(k, j, text_format.format(values[j, k]), ha="center", va="center", color=color)
    ax.set_xticks(range(K), labels)
    ax.set_yticks(range(K), labels)
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    return ax
