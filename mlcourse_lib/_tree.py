"""Parameters as a single array or a flat dict of arrays ("a tree").

Optimizers, gradient checks and models accept either form; these helpers apply
a function leaf by leaf so that the math is written once, for one array.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ._validation import as_float_array

__all__ = ["tree_map", "tree_leaves", "validate_tree", "check_same_tree"]


def tree_map(fn: Callable, tree, *rest):
    """Apply ``fn`` leaf by leaf: ``fn(tree[k], rest[0][k], ...)`` for dicts, ``fn(tree, *rest)`` for arrays."""
    if isinstance(tree, dict):
        return {k: fn(tree[k], *(r[k] for r in rest)) for k in tree}
    return fn(tree, *rest)


def tree_leaves(tree) -> list:
    """The arrays of a tree, in key order for a dict."""
    if isinstance(tree, dict):
        return [tree[k] for k in tree]
    return [tree]


def validate_tree(tree, name: str):
    """Return a copy of ``tree`` with every leaf a finite float64 array.

    Raises ``TypeError`` for anything but an array or a dict of arrays.
    """
    if isinstance(tree, dict):
        if not tree:
            raise ValueError(f"{name} is an empty dict; expected at least one parameter array.")
        return {k: as_float_array(v, f"{name}[{k!r}]", allow_empty=True).copy() for k, v in tree.items()}
    return as_float_array(tree, name, allow_empty=True).copy()


def check_same_tree(ref, ref_name: str, other, other_name: str) -> None:
    """Raise unless ``other`` has the keys and shapes of ``ref``."""
    if isinstance(ref, dict) != isinstance(other, dict):
        raise TypeError(
            f"{other_name} must have the same structure as {ref_name} "
            f"(both arrays or both dicts); got {type(other).__name__} and {type(ref).__name__}."
        )
    if isinstance(ref, dict):
        if set(ref) != set(other):
            missing = sorted(set(ref) - set(other))
            extra = sorted(set(other) - set(ref))
            raise ValueError(
                f"{other_name} must have the keys of {ref_name}; missing {missing}, unexpected {extra}."
            )
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
