r"""Post-training affine quantization: real numbers to b-bit integers with a scale and a zero point.

A tensor :math:`x` is stored as signed integers :math:`q \in [q_{\min}, q_{\max}] =
[-2^{b-1}, 2^{b-1} - 1]` with one real *scale* :math:`s` and one integer *zero point*
:math:`z` for the whole tensor (per-tensor, asymmetric quantization, as in PyTorch's
``quantize_per_tensor`` with a min/max observer):

.. math::
    \ell = \min(\min_i x_i, 0), \quad h = \max(\max_i x_i, 0), \quad
    s = \frac{h - \ell}{q_{\max} - q_{\min}}, \quad
    z = q_{\min} - \operatorname{round}(\ell / s),

.. math::
    q_i = \operatorname{clip}\big(\operatorname{round}(x_i / s) + z,\ q_{\min},\ q_{\max}\big),
    \qquad \hat x_i = s\,(q_i - z)

with round-half-to-even. The range :math:`[\ell, h]` always holds 0, so 0 is stored exactly
(as :math:`q = z`): zero padding and pruned weights stay exactly zero. Inside the range the
error :math:`|\hat x_i - x_i|` is at most :math:`s/2`; each extra bit halves :math:`s`.
"""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, check_int

__all__ = ["affine_qparams", "quantize_affine", "quantize_int8", "dequantize", "quantize_dequantize"]

_INT_TYPES = ((8, np.int8), (16, np.int16))


def _check_n_bits(n_bits) -> int:
    n_bits = check_int(n_bits, "n_bits", minimum=2)
    if n_bits > 16:
        raise ValueError(f"n_bits must be <= 16; got n_bits={n_bits}.")
    return n_bits


def _integer_range(n_bits: int) -> tuple[int, int]:
    """:math:`(q_{\\min}, q_{\\max}) = (-2^{b-1}, 2^{b-1} - 1)`."""
    return -(2 ** (n_bits - 1)), 2 ** (n_bits - 1) - 1


def _integer_dtype(n_bits: int):
    return next(dtype for bits, dtype in _INT_TYPES if n_bits <= bits)


def affine_qparams(x, *, n_bits=8) -> tuple[float, int]:
    r"""The scale :math:`s` and zero point :math:`z` of :math:`b`-bit affine quantization of ``x``.

    .. math::
        s = \frac{\max(\max x, 0) - \min(\min x, 0)}{2^b - 1}, \qquad
        z = -2^{b-1} - \operatorname{round}\big(\min(\min x, 0) / s\big)

    When ``x`` is all zeros the range is empty; then :math:`s = 1` (any scale stores 0 exactly).

    Parameters
    ----------
    x : array_like
        The values to quantize, any shape, finite.
    n_bits : int, default=8
        :math:`b`, from 2 to 16.

    Returns
    -------
    scale : float
    zero_point : int

    Examples
    --------
    >>> affine_qparams([-1.0, 0.5, 3.0], n_bits=8)        # s = 4 / 255, z = -128 + 64
    (0.01568627450980392, -64)
    """
    x = as_float_array(x, "x")
    n_bits = _check_n_bits(n_bits)
    q_min, q_max = _integer_range(n_bits)
    low, high = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = (high - low) / (q_max - q_min)
    if scale == 0.0:
        scale = 1.0
    zero_point = q_min - int(np.rint(low / scale))
    return scale, int(np.clip(zero_point, q_min, q_max))


def quantize_affine(x, *, n_bits=8):
    r"""Quantize ``x`` to :math:`b`-bit signed integers with its own scale and zero point.

    .. math::
        q = \operatorname{clip}\big(\operatorname{round}(x / s) + z,\ -2^{b-1},\ 2^{b-1} - 1\big)

    with :math:`(s, z)` from :func:`affine_qparams` and round-half-to-even (``np.rint``), in
    float64 whatever the dtype of ``x``. The zero point is added *after* rounding (as PyTorch
    and FBGEMM do): with ties to even, :math:`\operatorname{round}(a) + z` and
    :math:`\operatorname{round}(a + z)` differ at a tie when :math:`z` is odd.

    Parameters
    ----------
    x : array_like
        Any shape, finite.
    n_bits : int, default=8
        :math:`b`, from 2 to 16.

    Returns
    -------
    q : ndarray of int8 (b <= 8) or int16
        The shape of ``x``.
    scale : float
    zero_point : int

    Examples
    --------
    >>> q, scale, zero_point = quantize_affine([-1.0, 0.0, 0.5, 3.0], n_bits=8)
    >>> print(q, zero_point)
    [-128  -64  -32  127] -64
    """
    x = as_float_array(x, "x")
    n_bits = _check_n_bits(n_bits)
    q_min, q_max = _integer_range(n_bits)
    scale, zero_point = affine_qparams(x, n_bits=n_bits)
    q = np.clip(np.rint(x / scale) + zero_point, q_min, q_max)
    return q.astype(_integer_dtype(n_bits)), scale, zero_point


def quantize_int8(x):
    r"""8-bit affine quantization: :func:`quantize_affine` with :math:`b = 8`.

    .. math::
        q = \operatorname{clip}\big(\operatorname{round}(x / s) + z,\ -128,\ 127\big), \qquad
        s = \frac{h - \ell}{255}, \qquad z = -128 - \operatorname{round}(\ell / s)

    Returns
    -------
    q : ndarray of int8
    scale : float
    zero_point : int

    Examples
    --------
    >>> q, scale, zero_point = quantize_int8(np.array([0.0, 0.125, 0.375, 63.75]))   # s = 0.25
    >>> print(q, scale, zero_point)                        # 0.5 and 1.5 round to 0 and 2
    [-128 -128 -126  127] 0.25 -128
    """
    return quantize_affine(x, n_bits=8)


def dequantize(q, scale, zero_point, *, dtype=np.float32) -> np.ndarray:
    r"""Back from integers to real numbers: :math:`\hat x = s\,(q - z)`.

    Parameters
    ----------
    q : array_like of int
    scale : float
        :math:`s > 0`.
    zero_point : int
        :math:`z`.
    dtype : float dtype, default=np.float32
        Of the result (as ``torch.dequantize`` returns float32); computed in float64 first.

    Returns
    -------
    x_hat : ndarray of ``dtype``

    Examples
    --------
    >>> print(dequantize(np.array([-128, -64, 127], dtype=np.int8), 4 / 255, -64))
    [-1.0039216  0.         2.9960785]
    """
    q = np.asarray(q)
    if q.dtype.kind not in "iu":
        raise TypeError(f"q must hold integers; got dtype {q.dtype}. Quantize with quantize_affine first.")
    scale = float(scale)
    if not np.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be a finite number > 0; got scale={scale}.")
    zero_point = check_int(zero_point, "zero_point")
    x_hat = scale * (q.astype(np.float64) - zero_point)
    return x_hat.astype(dtype)


def quantize_dequantize(x, *, n_bits=8) -> np.ndarray:
    r"""``x`` after a round trip through :math:`b`-bit integers, in the dtype of ``x``.

    .. math::
        \hat x = s\,(q - z), \qquad (q, s, z) = \text{quantize\_affine}(x, b)

    What a model sees when its weights are stored in :math:`b` bits and computed with in
    floating point ("fake quantization"). Float32 in, float32 out.

    Examples
    --------
    >>> x = np.array([-0.3, 0.0, 0.1, 0.9], dtype=np.float32)
    >>> x_hat = quantize_dequantize(x, n_bits=4)        # s = 1.2 / 15 = 0.08
    >>> print(x_hat.dtype, np.round(x_hat, 4))
    float32 [-0.32  0.    0.08  0.88]
    """
    x = as_float_array(x, "x", keep_float_dtype=True)
    q, scale, zero_point = quantize_affine(x, n_bits=n_bits)
    return dequantize(q, scale, zero_point, dtype=x.dtype)
