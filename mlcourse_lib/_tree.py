"""Parameters as a single array or a flat dict of arrays ("a tree").

Optimizers, gradient checks and models accept either form; these helpers apply
a function leaf by leaf so that the math is written once, for one array.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ._validation import as_float_array

__all__ = ["tree_map", "tree_leaves", "tree_leaf_pairs", "validate_tree", "check_same_tree"]


def _check_same_keys(ref, ref_name: str, other, other_name: str) -> None:
    """Raise unless ``other`` is a dict with exactly the keys of the dict ``ref``."""
    if not isinstance(other, dict):
        raise TypeError(
            f"{other_name} must have the same structure as {ref_name} "
            f"(both arrays or both dicts); got {type(other).__name__} and {type(ref).__name__}."
        )
    if set(ref) != set(other):
        missing = sorted(set(ref) - set(other), key=repr)
        extra = sorted(set(other) - set(ref), key=repr)
        raise ValueError(
            f"{other_name} must have the keys of {ref_name}; missing {missing}, unexpected {extra}."
        )


def tree_map(fn: Callable, tree, *rest):
    """Apply ``fn`` leaf by leaf: ``fn(tree[k], rest[0][k], ...)`` for dicts, ``fn(tree, *rest)`` for arrays.

    Leaves of dicts are matched by key, never by position; every tree of ``rest`` must
    have the keys of ``tree``.
    """
    if isinstance(tree, dict):
        for i, r in enumerate(rest):
            _check_same_keys(tree, "tree", r, f"rest[{i}]")
        return {k: fn(tree[k], *(r[k] for r in rest)) for k in tree}
    return fn(tree, *rest)


def tree_leaves(tree) -> list:
    """The arrays of a tree, in key order for a dict (to pair two trees use :func:`tree_leaf_pairs`)."""
    if isinstance(tree, dict):
        return [tree[k] for k in tree]
    return [tree]


def tree_leaf_pairs(a, a_name: str, b, b_name: str) -> list:
    """``[(a[k], b[k]), ...]`` for dicts, matched by key (in the key order of ``a``); ``[(a, b)]`` for arrays.

    Raises unless ``b`` has the keys and shapes of ``a`` (see :func:`check_same_tree`).
    """
    check_same_tree(a, a_name, b, b_name)
    if isinstance(a, dict):
        return [(a[k], b[k]) for k in a]
    return [(a, b)]


def validate_tree(tree, name: str, *, keep_float_dtype: bool = False):
    """Return a copy of ``tree`` with every leaf a finite float array.

    Leaves become float64, or with ``keep_float_dtype`` keep their floating-point dtype
    (float32 stays float32; integers still become float64). Raises ``TypeError`` for
    anything but an array or a dict of arrays.
    """
    if isinstance(tree, dict):
        if not tree:
            raise ValueError(f"{name} is an empty dict; expected at least one parameter array.")
        return {k: as_float_array(v, f"{name}[{k!r}]", allow_empty=True,
                                  keep_float_dtype=keep_float_dtype).copy()
                for k, v in tree.items()}
    return as_float_array(tree, name, allow_empty=True, keep_float_dtype=keep_float_dtype).copy()


def check_same_tree(ref, ref_name: str, other, other_name: str) -> None:
    """Raise unless ``other`` has the keys and shapes of ``ref``."""
    if isinstance(ref, dict) != isinstance(other, dict):
        raise TypeError(
            f"{other_name} must have the same structure as {ref_name} "
            f"(both arrays or both dicts); got {type(other).__name__} and {type(ref).__name__}."
        )
    if isinstance(ref, dict):
        _check_same_keys(ref, ref_name, other, other_name)
        for k in ref:
            if np.shape(ref[k]) != np.shape(other[k]):
                raise ValueError(
                    f"{other_name}[{k!r}] has shape {np.shape(other[k])}, "
                    f"expected {np.shape(ref[k])} to match {ref_name}[{k!r}]."
                )
    elif np.shape(ref) != np.shape(other):
        raise ValueError(
            f"{other_name} has shape {np.shape(other)}, expected {np.shape(ref)} to match {ref_name}."
        )
