"""Compare a student's output with the reference's, by the checker's own rules.

The student's object is never asked whether it is equal (its ``__eq__`` could say
anything): it is converted to numbers first, then compared with tolerances. Each
function returns ``None`` when the output is acceptable, or a short message that
says where it differs, what was expected and what was returned.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["compare_outputs", "short_repr"]


def short_repr(value, *, max_len: int = 120) -> str:
    """A compact, readable repr of a value for feedback messages."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=5, threshold=12, edgeitems=3, separator=", ")
        text = text.replace("\n", "")
        if value.ndim:
            text += f" (shape {value.shape})"
    elif isinstance(value, (float, np.floating)):
        text = f"{float(value):.8g}"
    else:
        try:
            text = repr(value)
        except Exception:  # a student's object may have a broken __repr__
            text = f"<{type(value).__name__} object>"
    return text if len(text) <= max_len else text[: max_len - 3] + "..."


def _is_scalar(x) -> bool:
    return isinstance(x, (numbers.Number, np.generic)) or (isinstance(x, np.ndarray) and x.ndim == 0)


def _as_number_array(got, path: str, expected: np.ndarray):
    """Convert ``got`` to a numeric ndarray, or return a message saying why it cannot be."""
    if got is None:
        return None, f"{path} is None; expected an array of shape {expected.shape}."
    if not isinstance(got, (np.ndarray, list, tuple, numbers.Number, np.generic)):
        return None, (f"{path} is a {type(got).__name__}; expected a numpy array "
                      f"of shape {expected.shape}.")
    try:
        arr = np.asarray(got)
    except Exception as exc:  # ragged lists and the like
        return None, f"{path} cannot be read as an array ({exc})."
    if arr.dtype.kind not in "biuf":
        return None, (f"{path} has dtype {arr.dtype}; expected numbers "
                      f"(dtype {expected.dtype}).")
    return arr, None


def _compare_scalar(expected, got, path, rtol, atol):
    if got is None:
        return f"{path} is None; did you forget to `return` the result?"
    if isinstance(got, (bool, np.bool_)) and not isinstance(expected, (bool, np.bool_)):
        return f"{path} is the boolean {got}; expected a number close to {short_repr(expected)}."
    if isinstance(got, np.ndarray) and got.size == 1 and got.dtype.kind in "biuf":
        if got.ndim > 0:
            return (f"{path} is an array of shape {got.shape}; expected a single number "
                    f"({short_repr(expected)}). Return a float, e.g. float(value).")
        got = got.item()
    if not isinstance(got, (numbers.Real, np.integer, np.floating)):
        return f"{path} is a {type(got).__name__} ({short_repr(got)}); expected a number."
    e, g = float(expected), float(got)
    if np.isnan(e) and np.isnan(g):
        return None
    if not np.isfinite(g) and np.isfinite(e):
        return f"{path} is {g}; expected the finite value {e:.8g}."
    if np.isclose(g, e, rtol=rtol, atol=atol) or g == e:
        return None
    return f"{path}: expected {e:.8g}, got {g:.8g}."


def _compare_array(expected: np.ndarray, got, path, rtol, atol):
    arr, problem = _as_number_array(got, path, expected)
    if problem:
        return problem
    if arr.shape != expected.shape:
        hint = ""
        if arr.size == expected.size:
            hint = f" Same number of values: reshape to {expected.shape}."
        return f"{path} has shape {arr.shape}, expected {expected.shape}.{hint}"
    if expected.dtype.kind in "biu":
        if arr.dtype.kind == "f" and not np.all(arr == np.round(arr)):
            return f"{path} must hold integers (dtype {expected.dtype}); got dtype {arr.dtype}."
        wrong = np.argwhere(arr != expected)
        if wrong.size:
            i = tuple(int(k) for k in wrong[0])
            return (f"{path} differs at index {i if len(i) > 1 else i[0]}: expected "
                    f"{expected[i]}, got {arr[i]} ({len(wrong)} of {expected.size} entries differ).")
        return None
    arr = arr.astype(np.float64)
    exp = expected.astype(np.float64)
    finite_expected = np.isfinite(exp)
    bad_nan = finite_expected & ~np.isfinite(arr)
    if np.any(bad_nan):
        i = tuple(int(k) for k in np.argwhere(bad_nan)[0])
        return (f"{path} contains {arr[i]} at index {i if len(i) > 1 else i[0]}; "
                f"expected the finite value {exp[i]:.8g}.")
    close = np.isclose(arr, exp, rtol=rtol, atol=atol, equal_nan=True)
    if np.all(close):
        return None
    wrong = np.argwhere(~close)
    i = tuple(int(k) for k in wrong[0])
    return (f"{path} differs at index {i if len(i) > 1 else i[0]}: expected {exp[i]:.8g}, "
            f"got {arr[i]:.8g} ({len(wrong)} of {exp.size} entries differ).")


def compare_outputs(expected, got, *, rtol: float = 1e-6, atol: float = 1e-9,
                    path: str = "the result"):
    """Return ``None`` if ``got`` matches ``expected`` within tolerances, else a message.

    The structure of ``expected`` (the reference's output) drives the comparison:
    tuples and lists element by element, dicts key by key, arrays by shape then
    value, scalars as real numbers. Integer arrays must match exactly.

    Parameters
    ----------
    expected : float, ndarray, tuple, list or dict
        The reference's output.
    got : object
        The student's output, of any type.
    rtol, atol : float
        Tolerances as in ``np.isclose``.
    path : str
        How to name the output in the message (``"the result[1]"`` for nested values).

    Returns
    -------
    str or None

    Examples
    --------
    >>> compare_outputs(1.0, 1.0 + 1e-12) is None
    True
    >>> compare_outputs(np.zeros(3), np.zeros(4))
    'the result has shape (4,), expected (3,).'
    """
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"{path} is a {type(got).__name__}; expected a dict with keys {sorted(expected)}."
        if set(got) != set(expected):
            return (f"{path} has keys {sorted(map(str, got))}; expected {sorted(expected)}.")
        for key in expected:
            msg = compare_outputs(expected[key], got[key], rtol=rtol, atol=atol,
                                  path=f"{path}[{key!r}]")
            if msg:
                return msg
        return None
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return (f"{path} is a {type(got).__name__}; expected a tuple of "
                    f"{len(expected)} values.")
        if len(got) != len(expected):
            return f"{path} has {len(got)} elements; expected {len(expected)}."
        for k, (e, g) in enumerate(zip(expected, got)):
            msg = compare_outputs(e, g, rtol=rtol, atol=atol, path=f"{path}[{k}]")
            if msg:
                return msg
        return None
    if _is_scalar(expected):
        return _compare_scalar(expected, got, path, rtol, atol)
    if isinstance(expected, np.ndarray):
        return _compare_array(expected, got, path, rtol, atol)
    raise TypeError(f"cannot compare outputs of type {type(expected).__name__}")
