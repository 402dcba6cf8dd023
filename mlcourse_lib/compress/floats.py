r"""Floating-point formats of fewer bits: float16 and bfloat16, compared with float32.

A binary floating-point number is :math:`\pm m \cdot 2^e` with a significand of :math:`p` bits
(:math:`1 \le m < 2` for normal numbers, one bit implicit). Rounding to the nearest number of
the format, ties to the one whose last bit is even, makes a relative error of at most the
*unit roundoff* :math:`u = 2^{-p}`; the exponent bits set the range.

=========  =====  ==============  ===========================  ===============  ===============
format     bits   exponent bits   significand bits :math:`p`   largest          smallest normal
=========  =====  ==============  ===========================  ===============  ===============
float32    32     8               24                           3.4028235e38     1.1754944e-38
float16    16     5               11                           65504            6.1035156e-05
bfloat16   16     8               8                            3.3895314e38     1.1754944e-38
=========  =====  ==============  ===========================  ===============  ===============

bfloat16 is the top half of a float32: the same sign and 8 exponent bits, and 7 of the 23
stored significand bits. So it keeps float32's range with :math:`u = 2^{-8}`, while float16
has :math:`u = 2^{-11}` but overflows above 65504 and loses precision below
:math:`2^{-14}` (subnormals, then zero from :math:`2^{-25}` down). numpy has float16 but no
bfloat16: :func:`round_to_bfloat16` rounds float32 values by manipulating their bits.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validation import check_choice

__all__ = ["FloatFormat", "FLOAT_FORMATS", "round_to_bfloat16", "round_to_float16", "round_to_format"]


class FloatFormat(NamedTuple):
    """A binary floating-point format: its widths, range and unit roundoff :math:`2^{-p}`."""

    name: str
    bits: int
    exponent_bits: int
    significand_bits: int
    max: float
    smallest_normal: float

    @property
    def unit_roundoff(self) -> float:
        """:math:`u = 2^{-p}`: the largest relative error of rounding to nearest (normal range)."""
        return 2.0 ** -self.significand_bits


FLOAT_FORMATS = {
    "float32": FloatFormat("float32", 32, 8, 24, float(np.finfo(np.float32).max),
                           float(np.finfo(np.float32).smallest_normal)),
    "float16": FloatFormat("float16", 16, 5, 11, float(np.finfo(np.float16).max),
                           float(np.finfo(np.float16).smallest_normal)),
    "bfloat16": FloatFormat("bfloat16", 16, 8, 8, (2.0 - 2.0 ** -7) * 2.0 ** 127, 2.0 ** -126),
}
"""The three formats, by name."""


def _check_float32(x, name: str = "x") -> np.ndarray:
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be a float32 array; got {type(x).__name__}.")
    arr = np.asarray(x)
    if arr.dtype != np.float32:
        raise TypeError(
            f"{name} must be a float32 array; got dtype {arr.dtype}. Convert it with "
            f"{name}.astype(np.float32) first (itself a rounding, from float64)."
        )
    return arr


def round_to_bfloat16(x) -> np.ndarray:
    r"""Round float32 values to the nearest bfloat16 (ties to even), returned as float32.

    A float32 has the bits ``sign | 8 exponent | 23 significand``; bfloat16 keeps the top 16.
    Rounding to nearest, ties to even, on the 32-bit pattern :math:`b`:

    .. math::
        b' = \left(b + \texttt{0x7FFF} + \left(\lfloor b / 2^{16}\rfloor \bmod 2\right)\right)
        \ \&\ \texttt{0xFFFF0000}

    Adding ``0x7FFF`` carries into bit 16 exactly when the low 16 bits exceed one half
    (``0x8000``); at exactly one half, the extra 1 carries only when bit 16 (the last kept bit)
    is odd, which rounds the tie to the even neighbour. A carry out of the significand raises
    the exponent, as rounding up should; values past the largest bfloat16 become infinite.
    NaNs stay NaN (the bit trick could turn a NaN into an infinity, so they are kept apart).

    Parameters
    ----------
    x : ndarray of float32
        Any shape.

    Returns
    -------
    ndarray of float32
        The rounded values, each exactly representable in bfloat16.

    Examples
    --------
    >>> print(round_to_bfloat16(np.array([1.0, 1 + 2**-8, 1 + 3 * 2**-8, np.pi], dtype=np.float32)))
    [1.       1.       1.015625 3.140625]
    """
    x = _check_float32(x)
    bits = x.view(np.uint32).astype(np.uint64)        # room for the carry, no overflow
    last_kept_bit = (bits >> 16) & 1
    rounded = ((bits + 0x7FFF + last_kept_bit) & 0xFFFF0000).astype(np.uint32)
    out = rounded.view(np.float32)
    return np.where(np.isnan(x), x, out)


def round_to_float16(x) -> np.ndarray:
    """Round float32 values to the nearest float16 (ties to even, numpy's cast), returned as float32.

    Values above 65504 (more precisely, from 65520 on) become infinite; values below
    :math:`2^{-14}` keep fewer significand bits (subnormals) and those of at most :math:`2^{-25}`
    become zero.

    Examples
    --------
    >>> print(round_to_float16(np.array([1 + 2**-11, 70000.0, 1e-8], dtype=np.float32)))
    [ 1. inf  0.]
    """
    x = _check_float32(x)
    with np.errstate(over="ignore"):
        return x.astype(np.float16).astype(np.float32)


def round_to_format(x, fmt) -> np.ndarray:
    """Round float32 values to ``fmt`` (``"float32"``, ``"float16"`` or ``"bfloat16"``), as float32.

    Examples
    --------
    >>> print(round_to_format(np.array([1 / 3], dtype=np.float32), "bfloat16"))
    [0.33398438]
    """
    x = _check_float32(x)
    fmt = check_choice(fmt, "fmt", tuple(FLOAT_FORMATS))
    if fmt == "float16":
        return round_to_float16(x)
    if fmt == "bfloat16":
        return round_to_bfloat16(x)
    return x.copy()
