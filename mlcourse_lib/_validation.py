"""Input validation shared by every public function of the library.

Each helper checks one thing and raises ``ValueError`` or ``TypeError`` with a
message that names the argument, what it got and what was expected, e.g.::

    y_pred has shape (3,), expected (4,) to match y_true.
    lr must be > 0; got lr=-0.1.

Helpers return the validated value (converted to an ndarray where it applies)
so that a public function reads ``X = as_float_array(X, "X", ndim=2)``.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_float_array",
    "as_label_array",
    "as_binary_labels",
    "check_same_length",
    "check_same_shape",
    "check_real",
    "check_positive",
    "check_nonnegative",
    "check_in_range",
    "check_fraction",
    "check_int",
    "check_rng",
    "check_choice",
]


def _describe(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def as_float_array(x, name: str, *, ndim=None, allow_empty: bool = False,
                   allow_nonfinite: bool = False, keep_float_dtype: bool = False) -> np.ndarray:
    """Convert ``x`` to a float array (float64 by default) and validate it.

    Parameters
    ----------
    x : array_like
    name : str
        The argument's name, used in error messages.
    ndim : int or tuple of int, optional
        The accepted number(s) of dimensions.
    allow_empty : bool
        Whether an array with zero elements is accepted.
    allow_nonfinite : bool
        Whether NaN and infinity are accepted.
    keep_float_dtype : bool
        Keep the dtype of a floating-point array (float32 stays float32, as torch keeps a
        tensor's dtype); anything else (integers, bools, lists) becomes float64.
    """
    if x is None:
        raise TypeError(f"{name} must be an array of numbers; got None.")
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers; got the string {_describe(x)}.")
    dtype = np.float64
    if keep_float_dtype and isinstance(x, (np.ndarray, np.floating)) and x.dtype.kind == "f":
        dtype = x.dtype
    try:
        arr = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be an array of numbers; got {type(x).__name__} "
            f"{_describe(x)} ({exc})."
        ) from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(
                f"{name} must be {want}; got an array of shape {arr.shape}."
                + (" Use x.reshape(-1, 1) for a single feature." if 2 in allowed and arr.ndim == 1 else "")
            )
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); expected at least one value.")
    if not allow_nonfinite and arr.size and not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = tuple(int(i) for i in bad) if arr.ndim > 1 else int(bad[0]) if arr.ndim == 1 else ()
        raise ValueError(
            f"{name} contains {arr[tuple(bad)] if arr.ndim else arr.item()} at index {where}; "
            "expected finite numbers (no NaN or infinity)."
        )
    return arr


def as_label_array(y, name: str, *, allow_empty: bool = False) -> np.ndarray:
    """Convert ``y`` to a 1-D integer array of class labels.

    Integer, bool and float arrays are accepted; a float label must be a whole number
    that int64 holds exactly (``-2**63 <= y < 2**63``), so that converting it
    cannot change it: ``0.5`` or ``1e20`` are refused, as scikit-learn refuses them
    ("continuous" targets).
    """
    if y is None:
        raise TypeError(f"{name} must be a 1-D array of integer labels; got None.")
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D; got an array of shape {arr.shape}.")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} is empty; expected at least one label.")
    if arr.dtype.kind == "b":
        return arr.astype(np.int64)
    if arr.dtype.kind == "i":
        return arr.astype(np.int64)
    if arr.dtype.kind == "u":
        too_large = arr > np.iinfo(np.int64).max
        if np.any(too_large):
            i = int(np.flatnonzero(too_large)[0])
            raise ValueError(
                f"{name} holds {arr[i]} at index {i}, too large for an integer label "
                f"(at most {np.iinfo(np.int64).max})."
            )
        return arr.astype(np.int64)
    if arr.dtype.kind == "f":
        if arr.size and not np.all(np.isfinite(arr)):
            i = int(np.argwhere(~np.isfinite(arr))[0][0])
            raise ValueError(f"{name} contains {arr[i]} at index {i}; expected integer labels.")
        if np.any(arr != np.round(arr)):
            i = int(np.argwhere(arr != np.round(arr))[0][0])
            raise ValueError(f"{name} must hold integer labels; got {arr[i]} at index {i}.")
        out_of_range = (arr < -(2.0**63)) | (arr >= 2.0**63)
        if np.any(out_of_range):
            i = int(np.flatnonzero(out_of_range)[0])
            raise ValueError(
                f"{name} holds {arr[i]} at index {i}, outside the range of integer labels "
                "(|label| < 2**63, about 9.2e18); use integer labels such as 0, 1, 2."
            )
        return arr.astype(np.int64)
    raise TypeError(f"{name} must hold integer labels; got dtype {arr.dtype}.")


def as_binary_labels(y, name: str, *, hint: str = "") -> np.ndarray:
    """Convert ``y`` to a 1-D float array of labels in {0, 1}."""
    arr = as_label_array(y, name)
    bad = np.flatnonzero((arr != 0) & (arr != 1))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"{name} must be 0 or 1; got {arr[i]} at index {i}." + (f" {hint}" if hint else "")
        )
    return arr.astype(np.float64)


def check_same_length(a: np.ndarray, a_name: str, b: np.ndarray, b_name: str) -> None:
    """Raise unless ``a`` and ``b`` have the same number of rows."""
    if len(a) != len(b):
        raise ValueError(
            f"{b_name} has {len(b)} rows, expected {len(a)} to match {a_name}."
        )


def check_same_shape(a: np.ndarray, a_name: str, b: np.ndarray, b_name: str) -> None:
    """Raise unless ``b`` has the shape of ``a``: ``y_pred has shape (3,), expected (4,) to match y_true.``"""
    if np.shape(a) != np.shape(b):
        raise ValueError(
            f"{b_name} has shape {np.shape(b)}, expected {np.shape(a)} to match {a_name}."
        )


def check_real(value, name: str) -> float:
    """Return ``float(value)``; raise unless it is a finite real number (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__} {_describe(value)}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {name}={value}.")
    return value


def check_positive(value, name: str) -> float:
    """Return ``float(value)``; raise unless it is a finite number > 0."""
    v = check_real(value, name)
    if v <= 0:
        raise ValueError(f"{name} must be > 0; got {name}={value}.")
    return v


def check_nonnegative(value, name: str) -> float:
    """Return ``float(value)``; raise unless it is a finite number >= 0."""
    v = check_real(value, name)
    if v < 0:
        raise ValueError(f"{name} must be >= 0; got {name}={value}.")
    return v


def check_in_range(value, name: str, low: float, high: float, *,
                   low_closed: bool = True, high_closed: bool = False) -> float:
    """Return ``float(value)``; raise unless it lies in the given interval.

    The default interval is ``[low, high)``, as for ``beta1`` in ``[0, 1)``.
    """
    v = check_real(value, name)
    ok_low = v >= low if low_closed else v > low
    ok_high = v <= high if high_closed else v < high
    if not (ok_low and ok_high):
        interval = f"{'[' if low_closed else '('}{low}, {high}{']' if high_closed else ')'}"
        raise ValueError(f"{name} must be in {interval}; got {name}={value}.")
    return v


def check_fraction(value, name: str) -> float:
    """Return ``float(value)``; raise unless ``0 < value < 1``."""
    return check_in_range(value, name, 0.0, 1.0, low_closed=False, high_closed=False)


def check_int(value, name: str, *, minimum: int | None = None) -> int:
    """Return ``int(value)``; raise unless it is an integer (not a bool) >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {type(value).__name__} {_describe(value)}.")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {name}={value}.")
    return value


def check_rng(rng, name: str = "rng") -> np.random.Generator:
    """Return a ``np.random.Generator`` from a Generator or a non-negative integer seed.

    ``None`` is refused on purpose: every random result in the course is reproducible.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, (bool, np.bool_)):
        if rng < 0:
            raise ValueError(
                f"{name} must be a Generator or an integer seed >= 0; got {name}={int(rng)}. "
                f"Use e.g. {name}=0 or {name}=np.random.default_rng(0)."
            )
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"{name} must be a numpy Generator or an integer seed; got {type(rng).__name__}. "
        f"Use {name}=np.random.default_rng(0)."
    )


def check_choice(value, name: str, choices) -> str:
    """Return ``value``; raise unless it is one of ``choices``."""
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}; got {name}={value!r}.")
    return value
