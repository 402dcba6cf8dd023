"""Tests of mlcourse_lib.compress: bfloat16 rounding by bits against rounding by arithmetic, float16
edge cases, affine quantization (ties, clipping, the error bound, zero kept exact), magnitude pruning
(exact counts, ties), float32 in and float32 out, and the chapter's checkers against honest but wrong
answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlcourse_lib import models
from mlcourse_lib.compress import (
    FLOAT_FORMATS,
    affine_qparams,
    dequantize,
    magnitude_prune,
    magnitude_prune_mask,
    quantize_affine,
    quantize_dequantize,
    quantize_int8,
    round_to_bfloat16,
    round_to_float16,
    round_to_format,
)
from mlcourse_lib.exercises import run_check

BF16_MAX = FLOAT_FORMATS["bfloat16"].max


def _bfloat16_by_arithmetic(x32):
    """Nearest bfloat16 (8 significant bits, float32's exponent range), ties to even, in float64."""
    with np.errstate(invalid="ignore"):                        # signalling NaNs
        v = x32.astype(np.float64)
    a = np.abs(v)
    _, exponent = np.frexp(a)                                  # a = m 2^e, 1/2 <= m < 1
    quantum = np.exp2(np.maximum(exponent - 8, -133))          # 2^-133: the subnormal spacing
    with np.errstate(invalid="ignore"):
        rounded = np.rint(a / quantum) * quantum               # exact: powers of two, rint ties to even
    rounded = np.where(np.isinf(a), np.inf, rounded)
    rounded = np.where(rounded > BF16_MAX, np.inf, rounded)
    return np.copysign(rounded, v)


def _float32_from_bits(bits):
    return np.asarray(bits, dtype=np.uint32).view(np.float32)


# --- bfloat16 and float16 ----------------------------------------------------------------------------

def test_bfloat16_bit_trick_equals_rounding_by_arithmetic_on_every_top_half():
    high = np.arange(2 ** 16, dtype=np.uint64) << 16
    lows = np.array([0x0000, 0x0001, 0x7FFF, 0x8000, 0x8001, 0xC000, 0xFFFF], dtype=np.uint64)
    x = _float32_from_bits((high[:, None] | lows[None, :]).ravel())
    finite = np.isfinite(x)
    got = round_to_bfloat16(x)
    want = _bfloat16_by_arithmetic(x)
    assert got.dtype == np.float32
    assert np.array_equal(got[finite].astype(np.float64), want[finite])
    assert np.array_equal(np.signbit(got[finite]), np.signbit(x[finite]))
    assert np.all(np.isnan(got[np.isnan(x)]))                   # a NaN never turns into an infinity
    assert np.array_equal(got[np.isinf(x)], x[np.isinf(x)])
    assert np.all((got.view(np.uint32)[~np.isnan(x)] & 0xFFFF) == 0)


def test_bfloat16_on_random_values_and_by_hand():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(100_000) * 10.0 ** rng.uniform(-40, 38, 100_000)
    x32 = x.astype(np.float32)
    assert np.array_equal(round_to_bfloat16(x32).astype(np.float64), _bfloat16_by_arithmetic(x32))
    cases = {1.0: 1.0, 1 + 2 ** -8: 1.0, 1 + 3 * 2 ** -8: 1 + 2 ** -6, 1 + 2 ** -8 + 2 ** -20: 1 + 2 ** -7,
             np.pi: 3.140625, -np.pi: -3.140625, float(np.finfo(np.float32).max): np.inf, BF16_MAX: BF16_MAX}
    got = round_to_bfloat16(np.array(list(cases), dtype=np.float32))
    assert got.tolist() == list(cases.values())
    relative = np.abs(round_to_bfloat16(x32).astype(float) - x32) / np.abs(x32)
    normal = np.abs(x32) >= FLOAT_FORMATS["bfloat16"].smallest_normal
    assert relative[normal].max() <= 2.0 ** -8


def test_float16_edges():
    x = np.array([1 + 2 ** -11, 1 + 3 * 2 ** -11, 65519.0, 65520.0, 2.0 ** -25, 2.0 ** -25 * 1.01, -70000.0],
                 dtype=np.float32)
    assert round_to_float16(x).tolist() == [1.0, 1 + 2 ** -9, 65504.0, np.inf, 0.0, 2.0 ** -24, -np.inf]
    assert round_to_float16(x).dtype == np.float32


def test_formats_and_round_to_format():
    f32, f16, bf16 = (FLOAT_FORMATS[name] for name in ("float32", "float16", "bfloat16"))
    assert (f32.significand_bits, f16.significand_bits, bf16.significand_bits) == (24, 11, 8)
    assert (f32.bits, f16.bits, bf16.bits) == (32, 16, 16)
    assert f16.unit_roundoff == 2.0 ** -11 and bf16.unit_roundoff == 2.0 ** -8
    assert f16.max == 65504.0 and bf16.max == float(round_to_bfloat16(np.array([bf16.max], np.float32))[0])
    x = np.array([1 / 3, 1e5], dtype=np.float32)
    assert np.array_equal(round_to_format(x, "float32"), x) and round_to_format(x, "float32") is not x
    assert np.array_equal(round_to_format(x, "float16"), round_to_float16(x))
    assert np.array_equal(round_to_format(x, "bfloat16"), round_to_bfloat16(x))


@pytest.mark.parametrize("fn", [round_to_bfloat16, round_to_float16])
def test_low_precision_rounding_takes_float32_only(fn):
    with pytest.raises(TypeError, match=r"x must be a float32 array; got dtype float64. Convert it with x.astype"):
        fn(np.ones(3))
    with pytest.raises(ValueError, match="fmt must be one of"):
        round_to_format(np.ones(3, np.float32), "float8")


def test_model_with_rounded_weights_computes_in_float32():
    params = {k: v.astype(np.float32) for k, v in models.init_mlp([4, 5, 3], rng=0).items()}
    X = np.random.default_rng(0).normal(size=(6, 4)).astype(np.float32)
    for fmt in FLOAT_FORMATS:
        rounded = {k: round_to_format(v, fmt) for k, v in params.items()}
        logits, _ = models.mlp_forward(rounded, X)
        assert logits.dtype == np.float32
    assert models.mlp_forward(params, X.astype(np.float64))[0].dtype == np.float64   # numpy promotes


# --- affine quantization -------------------------------------------------------------------------------

def test_qparams_by_hand():
    assert affine_qparams([-1.0, 0.5, 3.0]) == (4 / 255, -64)
    assert affine_qparams([0.5, 4.0]) == (4 / 255, -128)                # the range starts at 0
    assert affine_qparams([-4.0, -1.0]) == (4 / 255, 127)               # ... or ends at 0
    assert affine_qparams(np.zeros(3)) == (1.0, -128)
    assert affine_qparams([-1.0, 2.0], n_bits=4) == (0.2, -3)


@pytest.mark.parametrize("n_bits,dtype", [(2, np.int8), (4, np.int8), (8, np.int8), (9, np.int16), (16, np.int16)])
def test_quantization_error_is_at_most_half_a_step_and_zero_is_exact(n_bits, dtype):
    x = np.concatenate([np.random.default_rng(n_bits).normal(size=500) * 3 + 1, [0.0]])
    q, scale, zero_point = quantize_affine(x, n_bits=n_bits)
    assert q.dtype == dtype and q.shape == x.shape
    assert q.min() >= -(2 ** (n_bits - 1)) and q.max() <= 2 ** (n_bits - 1) - 1
    x_hat = dequantize(q, scale, zero_point, dtype=np.float64)
    assert np.max(np.abs(x_hat - x)) <= scale / 2 * (1 + 1e-9)
    assert x_hat[-1] == 0.0 and q[-1] == zero_point


def test_ties_go_to_even_and_the_zero_point_is_added_after_rounding():
    q, scale, zero_point = quantize_int8(np.array([-10.25, 0.125, 1.375, 53.5]))   # s = 0.25, z = -87
    assert (scale, zero_point) == (0.25, -87)
    assert q.tolist() == [-128, -87, -81, 127]          # round(0.5) = 0, round(5.5) = 6, then + z


def test_clip_at_127_when_the_top_rounds_past_it():
    q, scale, zero_point = quantize_int8(np.array([-10.375, 53.375]))             # 213.5 -> 214, z = -86
    assert (scale, zero_point) == (0.25, -86) and q.tolist() == [-128, 127]


def test_quantize_dequantize_keeps_float32_and_dequantize_gives_float32():
    x = np.random.default_rng(0).normal(size=(30, 40)).astype(np.float32)
    assert quantize_dequantize(x).dtype == np.float32
    assert quantize_dequantize(x.astype(np.float64)).dtype == np.float64
    q, scale, zero_point = quantize_int8(x)
    assert dequantize(q, scale, zero_point).dtype == np.float32
    errors = [np.sqrt(np.mean((quantize_dequantize(x, n_bits=b) - x) ** 2)) for b in (4, 6, 8, 10)]
    assert all(a > 3 * b for a, b in zip(errors, errors[1:]))            # two more bits: about 4 times smaller


@pytest.mark.parametrize("call,error,match", [
    (lambda: quantize_affine([1.0, 2.0], n_bits=1), ValueError, r"n_bits must be >= 2; got n_bits=1"),
    (lambda: quantize_affine([1.0, 2.0], n_bits=17), ValueError, r"n_bits must be <= 16; got n_bits=17"),
    (lambda: quantize_int8([1.0, np.nan]), ValueError, r"x contains nan"),
    (lambda: dequantize(np.array([1.5]), 0.1, 0), TypeError, r"q must hold integers; got dtype float64"),
    (lambda: dequantize(np.array([1]), 0.0, 0), ValueError, r"scale must be a finite number > 0; got scale=0.0"),
])
def test_quantization_refuses_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- magnitude pruning -----------------------------------------------------------------------------------

@pytest.mark.parametrize("shape,sparsity", [((10,), 0.3), ((4, 5), 0.55), ((3, 3, 2), 0.9), ((7,), 0.0),
                                            ((2, 2), 1.0), ((9,), 0.15)])
def test_prune_mask_prunes_round_of_sparsity_times_n_smallest(shape, sparsity):
    w = np.random.default_rng(0).normal(size=shape)
    mask = magnitude_prune_mask(w, sparsity)
    k = round(sparsity * w.size)
    assert mask.shape == shape and mask.dtype == bool and np.sum(~mask) == k
    if 0 < k < w.size:
        assert np.abs(w[~mask]).max() < np.abs(w[mask]).min()


def test_prune_ties_go_by_position():
    w = np.array([[0.2, -0.2], [0.2, 0.5]])
    assert magnitude_prune_mask(w, 0.5).tolist() == [[False, False], [True, True]]
    assert magnitude_prune_mask(w, 0.25).tolist() == [[False, True], [True, True]]


def test_magnitude_prune_keeps_dtype_shape_and_positive_zeros():
    w = np.array([[0.3, -0.1], [2.0, -0.05]], dtype=np.float32)
    before = w.copy()
    pruned = magnitude_prune(w, 0.5)
    assert pruned.dtype == np.float32 and pruned.shape == w.shape and pruned.nbytes == w.nbytes
    assert pruned.tolist() == [[0.30000001192092896, 0.0], [2.0, 0.0]]
    assert not np.any(np.signbit(pruned[pruned == 0]))
    assert np.array_equal(w, before)                               # not changed in place


@pytest.mark.parametrize("sparsity,error", [(-0.1, ValueError), (1.5, ValueError), ("half", TypeError)])
def test_prune_refuses_bad_sparsity(sparsity, error):
    with pytest.raises(error, match="sparsity"):
        magnitude_prune_mask(np.ones(3), sparsity)


# --- the chapter's checkers against honest but wrong answers -------------------------------------------------

def quantize_floor_half_up(x):
    x = np.asarray(x, dtype=float)
    low, high = min(x.min(), 0.0), max(x.max(), 0.0)
    scale = (high - low) / 255 if high > low else 1.0
    zero_point = int(-128 - np.floor(low / scale + 0.5))
    return np.clip(np.floor(x / scale + 0.5) + zero_point, -128, 127).astype(np.int8), scale, zero_point


def quantize_unsigned(x):
    x = np.asarray(x, dtype=float)
    low, high = min(x.min(), 0.0), max(x.max(), 0.0)
    scale = (high - low) / 255 if high > low else 1.0
    zero_point = int(-np.rint(low / scale))
    return np.clip(np.rint(x / scale) + zero_point, 0, 255).astype(np.uint8), scale, zero_point


def quantize_scale_from_max_abs(x):
    x = np.asarray(x, dtype=float)
    scale = 2 * np.abs(x).max() / 255 if np.any(x) else 1.0
    zero_point = int(-128 - np.rint(min(x.min(), 0.0) / scale))
    return np.clip(np.rint(x / scale) + zero_point, -128, 127).astype(np.int8), scale, zero_point


def prune_keeps_ties_at_threshold(w, sparsity):
    w = np.asarray(w, dtype=float)
    k = round(sparsity * w.size)
    if k == 0:
        return np.ones(w.shape, dtype=bool)
    if k == w.size:
        return np.zeros(w.shape, dtype=bool)
    return np.abs(w) >= np.sort(np.abs(w).ravel())[k]


def prune_global_argsort_quicksort(w, sparsity):
    w = np.asarray(w, dtype=float)
    order = np.argsort(-np.abs(w).ravel())                  # largest first, ties in any order
    keep = np.zeros(w.size, dtype=bool)
    keep[order[:w.size - round(sparsity * w.size)]] = True
    return keep.reshape(w.shape)


@pytest.mark.parametrize("exercise_id,answer", [
    ("quantize_int8", quantize_floor_half_up),
    ("quantize_int8", quantize_unsigned),
    ("quantize_int8", quantize_scale_from_max_abs),
    ("magnitude_prune_mask", prune_keeps_ties_at_threshold),
    ("magnitude_prune_mask", prune_global_argsort_quicksort),
])
def test_honest_but_wrong_answers_are_rejected(exercise_id, answer):
    assert not run_check(exercise_id, answer).passed
    assert not run_check(exercise_id, answer, hidden=True, seed=0).passed


def test_reference_formula_of_the_exercise_matches_torch_conventions_by_hand():
    # torch.quantize_per_tensor(torch.tensor([-1., 0., .5, 3.]), 4/255, -64, torch.qint8).int_repr()
    # computes clamp(round(x / s) + z, -128, 127) with round half to even: [-128, -64, -32, 127].
    q, _, _ = quantize_affine([-1.0, 0.0, 0.5, 3.0])
    assert q.tolist() == [-128, -64, -32, 127]
    assert math.isclose(dequantize(q, 4 / 255, -64, dtype=np.float64)[2], 32 * 4 / 255)


def quantize_via_the_library(x):
    from mlcourse_lib import compress

    return compress.quantize_affine(x, n_bits=8)


def prune_via_the_library(w, sparsity):
    from mlcourse_lib import compress

    return compress.magnitude_prune(w, sparsity) != 0


@pytest.mark.parametrize("exercise_id,answer", [("quantize_int8", quantize_via_the_library),
                                                ("magnitude_prune_mask", prune_via_the_library)])
def test_calling_the_library_is_reported(exercise_id, answer):
    report = run_check(exercise_id, answer)
    assert not report.passed and report.called_reference, report.message
