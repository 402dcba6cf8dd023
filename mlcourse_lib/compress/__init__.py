"""Smaller models after training: fewer bits per number, fewer nonzero weights.

- :mod:`.floats`    float32, float16 and bfloat16: :data:`FLOAT_FORMATS`,
  :func:`round_to_float16`, :func:`round_to_bfloat16` (by bit manipulation of float32),
  :func:`round_to_format`
- :mod:`.quantize`  post-training affine quantization with a scale and a zero point:
  :func:`affine_qparams`, :func:`quantize_affine`, :func:`quantize_int8`, :func:`dequantize`,
  :func:`quantize_dequantize`
- :mod:`.prune`     magnitude pruning: :func:`magnitude_prune_mask`, :func:`magnitude_prune`

Float32 in, float32 out.
"""

from .floats import FLOAT_FORMATS, FloatFormat, round_to_bfloat16, round_to_float16, round_to_format
from .prune import magnitude_prune, magnitude_prune_mask
from .quantize import affine_qparams, dequantize, quantize_affine, quantize_dequantize, quantize_int8

__all__ = [
    "FloatFormat",
    "FLOAT_FORMATS",
    "round_to_float16",
    "round_to_bfloat16",
    "round_to_format",
    "affine_qparams",
    "quantize_affine",
    "quantize_int8",
    "dequantize",
    "quantize_dequantize",
    "magnitude_prune_mask",
    "magnitude_prune",
]
