"""Exercises on training beyond one machine and one float (chapter "Beyond one machine and one float").

The average of shard gradients, ring all-reduce simulated on arrays, 8-bit affine
quantization and magnitude pruning. Ring all-reduce returns the buffers after its first phase
too: the final averages alone would not tell a ring from any other way of averaging, while
the partial sums after the reduce-scatter are the ring's fingerprint.
"""

from __future__ import annotations

import math

import numpy as np

from ...compress import magnitude_prune_mask, quantize_int8
from ...parallel import average_shard_gradients, ring_allreduce
from ..spec import Case, Exercise, Mistake

CHAPTER = "09_parallel_and_low_precision"


# --- average_shard_gradients ----------------------------------------------------------------------

def _shards(rng, sizes, shape):
    return Case(f"{len(sizes)} shards of sizes {', '.join(map(str, sizes))}, gradients of shape {shape}",
                ([rng.normal(size=shape) for _ in sizes], list(sizes)))


def _average_cases(rng, hidden):
    if not hidden:
        return [
            Case("three shards of sizes 2, 3 and 5",
                 ([np.array([1.0, -2.0, 0.5]), np.array([0.0, 4.0, -1.0]), np.array([3.0, 1.0, 2.0])],
                  [2, 3, 5])),
            Case("two shards of sizes 4 and 1, gradients of shape (2, 3)",
                 ([np.array([[1.0, 0.0, -1.0], [2.0, 0.5, 0.0]]),
                   np.array([[-4.0, 2.0, 3.0], [0.0, 1.5, -2.0]])],
                  [4, 1])),
            _shards(rng, (8, 8, 8, 8), (4,)),
            Case("a single shard of 6 samples", ([np.array([0.25, -0.75])], [6])),
        ]
    k = int(rng.integers(2, 9))
    sizes = tuple(int(n) for n in rng.integers(1, 40, size=k))
    shape = (int(rng.integers(1, 6)), int(rng.integers(1, 4)))
    fixed = [
        Case("five shards of sizes 1, 7, 2, 6 and 4",
             ([np.array([0.5, -1.0]), np.array([2.0, 0.25]), np.array([-3.0, 1.5]), np.array([1.0, 1.0]),
               np.array([0.0, -2.0])], [1, 7, 2, 6, 4])),
        Case("three equal shards of 16, gradients of shape (2, 2)",
             ([np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[-1.0, 0.0], [0.5, 2.0]]),
               np.array([[0.0, 3.0], [-2.0, 1.0]])], [16, 16, 16])),
    ]
    random_case = _shards(rng, sizes, shape)
    return fixed + [Case("random: " + random_case.label, random_case.args)]


def _average_np(shard_grads, shard_sizes):
    return np.average(np.stack(shard_grads), axis=0, weights=np.asarray(shard_sizes, dtype=float))


def _average_loop(shard_grads, shard_sizes):
    total = np.zeros_like(shard_grads[0], dtype=float)
    for g, n in zip(shard_grads, shard_sizes):
        total = total + n * g                              # the sum of the shard's per-sample gradients
    return total / sum(shard_sizes)


def _average_fractions(shard_grads, shard_sizes):
    n_total = sum(shard_sizes)
    return sum((n / n_total) * g for g, n in zip(shard_grads, shard_sizes))


AVERAGE_SHARD_GRADIENTS = Exercise(
    id="average_shard_gradients",
    title="The gradient of a batch from the gradients of its shards",
    reference=average_shard_gradients,
    cases=_average_cases,
    points=2,
    mistakes=(
        Mistake("plain mean of the shard gradients",
                "The mean of K shard means weights every shard alike, so a sample of a small shard "
                "counts more than one of a large shard. It equals the batch gradient only when all "
                "shards have the same size; in general weight shard k by n_k / Σ n_j.",
                lambda shard_grads, shard_sizes: np.mean(np.stack(shard_grads), axis=0)),
        Mistake("sum of the shard gradients",
                "Each shard gradient is already a mean over its samples; adding K of them gives K "
                "times the scale of a gradient. Weight shard k by n_k and divide by Σ n_j.",
                lambda shard_grads, shard_sizes: np.sum(np.stack(shard_grads), axis=0)),
        Mistake("weighted sum not divided by the number of samples",
                "Σ n_k g_k is the sum of all per-sample gradients; the gradient of the mean loss "
                "divides it by the number of samples Σ n_k.",
                lambda shard_grads, shard_sizes: sum(n * g for g, n in zip(shard_grads, shard_sizes))),
        Mistake("weighted sum divided by K",
                "Σ n_k g_k is a sum over all samples, so it is divided by the number of samples "
                "Σ n_k, not by the number of shards K.",
                lambda shard_grads, shard_sizes: sum(n * g for g, n in zip(shard_grads, shard_sizes))
                / len(shard_sizes)),
        Mistake("sum of shard means divided by the number of samples",
                "The shard gradients are means, not sums: turn each back into the sum of its "
                "shard's per-sample gradients (n_k g_k) before dividing by Σ n_k.",
                lambda shard_grads, shard_sizes: np.sum(np.stack(shard_grads), axis=0) / sum(shard_sizes)),
    ),
    alternatives=(_average_np, _average_loop, _average_fractions),
    hints=(
        "Each worker's gradient is a mean over its own samples. What would you need to multiply "
        "it by to get back the sum over those samples?",
        "Turn every shard mean back into a sum (multiply by its shard size), add the sums up: that "
        "is the sum of the per-sample gradients of the whole batch. Divide by the number of "
        "samples in the batch.",
        "g = (n₁g₁ + n₂g₂ + … + n_Kg_K) / (n₁ + n₂ + … + n_K), an array of the shape of each "
        "g_k.",
    ),
    rtol=1e-12,
    atol=1e-12,
)


# --- ring_allreduce -------------------------------------------------------------------------------

def _ring_reference(arrays):
    """(results, reduce_scattered) of the library's ring all-reduce."""
    run = ring_allreduce(arrays)
    return run.results, run.reduce_scattered


def _ring_case(label, rng, n_workers, n_values):
    return Case(label, ([np.round(rng.normal(size=n_values), 2) for _ in range(n_workers)],))


def _ring_cases(rng, hidden):
    if not hidden:
        return [
            Case("three workers, six values each",
                 ([np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]), np.array([10.0, 20.0, 30.0, 40.0, 50.0, 60.0]),
                   np.array([100.0, 200.0, 300.0, 400.0, 500.0, 600.0])],)),
            Case("two workers, five values (chunks of 3 and 2)",
                 ([np.array([1.0, -1.0, 2.0, 0.5, 3.0]), np.array([4.0, 2.0, -2.0, 1.5, 1.0])],)),
            _ring_case("four workers, ten values (chunks of 3, 3, 2 and 2)", rng, 4, 10),
            _ring_case("five workers, eight values", rng, 5, 8),
        ]
    k, n = int(rng.integers(2, 8)), int(rng.integers(1, 30))
    fixed = [
        Case("four workers, seven values",
             ([np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]), np.array([0.5, -1.0, 0.0, 2.0, -0.5, 1.0, 3.0]),
               np.array([-2.0, 0.25, 1.0, -1.0, 4.0, 0.0, 2.5]),
               np.array([3.0, 1.0, -3.0, 0.5, 2.0, -2.0, 1.0])],)),
        Case("three workers, two values (one chunk is empty)",
             ([np.array([1.0, 2.0]), np.array([-4.0, 0.5]), np.array([2.0, 8.0])],)),
        Case("a single worker", ([np.array([1.5, -2.0, 0.5])],)),
        _ring_case("six workers, thirteen values", np.random.default_rng(2024), 6, 13),
        _ring_case(f"random: {k} workers, {n} values", rng, k, n),
    ]
    return fixed


def _ring_with(*, rs_chunk=lambda k, s, K: (k - s) % K, ag_chunk=lambda k, s, K: (k + 1 - s) % K,
               rs_combine=lambda own, incoming: own + incoming, ag_combine=lambda own, incoming: incoming,
               rs_steps=lambda K: K - 1, ag_steps=lambda K: K - 1, finish=lambda buffers, rs, K: None):
    """A ring all-reduce built from its parts (the frame of the known mistakes)."""
    def ring(arrays):
        K = len(arrays)
        buffers = [np.array(a, dtype=float) for a in arrays]
        bounds = np.cumsum([0] + [len(c) for c in np.array_split(np.arange(len(buffers[0])), K)])
        chunk = [slice(bounds[c], bounds[c + 1]) for c in range(K)]

        def step(chunk_of, combine, s):
            messages = [(k, chunk_of(k, s, K) % K) for k in range(K)]
            values = [buffers[k][chunk[c]].copy() for k, c in messages]
            for (k, c), v in zip(messages, values):
                r = (k + 1) % K
                buffers[r][chunk[c]] = combine(buffers[r][chunk[c]], v)

        for s in range(rs_steps(K)):
            step(rs_chunk, rs_combine, s)
        reduce_scattered = [b.copy() for b in buffers]
        for s in range(ag_steps(K)):
            step(ag_chunk, ag_combine, s)
        custom = finish(buffers, reduce_scattered, K)
        if custom is not None:
            return custom
        return [b / K for b in buffers], reduce_scattered
    return ring


def _ring_closed_form(arrays):
    """Without simulating messages: worker k's chunk c holds the sum over workers c, c+1, ..., k."""
    K, n = len(arrays), len(arrays[0])
    bounds = np.cumsum([0] + [len(c) for c in np.array_split(np.arange(n), K)])
    total = np.sum(arrays, axis=0)
    reduce_scattered = []
    for k in range(K):
        buffer = np.empty(n)
        for c in range(K):
            owners = [(c + j) % K for j in range((k - c) % K + 1)]
            buffer[bounds[c]:bounds[c + 1]] = sum(arrays[w][bounds[c]:bounds[c + 1]] for w in owners)
        reduce_scattered.append(buffer)
    return [total / K for _ in range(K)], reduce_scattered


def _ring_chunk_lists(arrays):
    K = len(arrays)
    chunks = [[c.astype(float) for c in np.array_split(np.asarray(a), K)] for a in arrays]
    for s in range(K - 1):
        sent = [(k, (k - s) % K, chunks[k][(k - s) % K]) for k in range(K)]
        for k, c, values in sent:
            chunks[(k + 1) % K][c] = chunks[(k + 1) % K][c] + values
    reduce_scattered = [np.concatenate(c) for c in chunks]
    for s in range(K - 1):
        sent = [(k, (k + 1 - s) % K, chunks[k][(k + 1 - s) % K]) for k in range(K)]
        for k, c, values in sent:
            chunks[(k + 1) % K][c] = values
    return [np.concatenate(c) / K for c in chunks], reduce_scattered


RING_ALLREDUCE = Exercise(
    id="ring_allreduce",
    title="Ring all-reduce: reduce-scatter, then all-gather",
    reference=_ring_reference,
    cases=_ring_cases,
    points=3,
    mistakes=(
        Mistake("sums not divided by K",
                "The ring adds up the K arrays; data-parallel training wants their mean, so every "
                "worker divides its summed buffer by K at the end.",
                _ring_with(finish=lambda buffers, rs, K: (buffers, rs))),
        Mistake("only the reduce-scatter",
                "After the reduce-scatter each worker holds one complete chunk and partial sums "
                "elsewhere; the all-gather (K - 1 more steps, replacing instead of adding) passes "
                "the complete chunks round the ring so that every worker has all of them.",
                _ring_with(ag_steps=lambda K: 0)),
        Mistake("chunk indices shifted by one",
                "At step s worker k sends chunk (k - s) mod K in the reduce-scatter and "
                "(k + 1 - s) mod K in the all-gather. Shifting both by one still sums correctly, "
                "but every chunk then starts its trip at the next worker, and the buffers after "
                "the reduce-scatter are not the ones the contract asks for.",
                _ring_with(rs_chunk=lambda k, s, K: k - s - 1, ag_chunk=lambda k, s, K: k - s)),
        Mistake("K steps instead of K - 1",
                "A chunk is complete after it has visited K workers, which takes K - 1 hops; a K-th "
                "step of the reduce-scatter adds a worker's array a second time.",
                _ring_with(rs_steps=lambda K: K, ag_steps=lambda K: K)),
        Mistake("all-gather adds instead of replacing",
                "In the all-gather the incoming chunk is already complete: the receiver replaces "
                "its partial sum with it. Adding double-counts what the receiver already had.",
                _ring_with(ag_combine=lambda own, incoming: own + incoming)),
        Mistake("reduce-scatter replaces instead of adding",
                "In the reduce-scatter the receiver adds the incoming chunk to its own: that is how "
                "a chunk collects one array per worker. Replacing keeps only the first worker's "
                "values.",
                _ring_with(rs_combine=lambda own, incoming: incoming)),
        Mistake("averaged at every addition",
                "Halving at each of the K - 1 additions does not give the mean: the first arrays "
                "are halved again and again. Add the plain sums round the ring and divide once by "
                "K at the end.",
                _ring_with(rs_combine=lambda own, incoming: (own + incoming) / 2,
                           finish=lambda buffers, rs, K: (buffers, rs))),
    ),
    alternatives=(_ring_chunk_lists, _ring_closed_form),
    hints=(
        "Copy each worker's array into a buffer, cut every buffer into K chunks with the same "
        "boundaries, and play the two phases step by step. In one step all K workers send at "
        "once, so read every outgoing chunk before you change any buffer.",
        "Reduce-scatter: for s = 0, …, K - 2, worker k sends chunk (k - s) mod K to worker "
        "(k + 1) mod K, which adds it to its own copy of that chunk; keep a copy of the buffers "
        "now. All-gather: for s = 0, …, K - 2, worker k sends chunk (k + 1 - s) mod K, which "
        "the receiver copies over its own. Then divide every buffer by K.",
        "After the reduce-scatter, chunk c of worker k holds x_c + x_(c+1) + … + x_k (worker "
        "indices mod K) and chunk (k + 1) mod K is complete; after the all-gather every chunk of "
        "every worker is complete. Return (results, reduce_scattered), two lists of K arrays.",
    ),
    rtol=1e-9,
    atol=1e-12,
)


# --- quantize_int8 ---------------------------------------------------------------------------------

def _quantize_cases(rng, hidden):
    if not hidden:
        return [
            Case("six values with scale 0.25: ties at 0.5, 1.5 and -12.5",
                 (np.array([-10.0, -3.125, 0.125, 0.375, 5.0, 53.75]),)),
            Case("an odd zero point (-87) and ties",
                 (np.array([-10.25, 0.125, 1.375, -2.625, 20.0, 53.5]),)),
            Case("the top value rounds past 127: the clip matters",
                 (np.array([-10.375, -1.0, 0.0, 2.5, 53.375]),)),
            Case("only positive values: the range starts at 0", (np.array([0.5, 1.0, 2.5, 4.0, 3.3]),)),
            Case("a 2 × 3 array of mixed values", (np.array([[-0.8, 0.1, 0.35], [0.9, -0.05, 0.6]]),)),
            Case("all zeros: scale 1", (np.zeros(4),)),
        ]
    n = int(rng.integers(2, 50))
    return [
        Case("ties with an even zero point (-88)",
             (np.array([53.75, -10.0, 0.125, -0.125, 0.375, -2.375]),)),
        Case("ties with an odd zero point (-107)", (np.array([-5.25, 0.375, 58.5, -1.125, 3.625, 0.0]),)),
        Case("the clip at 127 matters", (np.array([53.375, -10.375, 0.5, 7.0]),)),
        Case("only negative values: the range ends at 0", (np.array([-4.0, -1.0, -0.5, -2.2]),)),
        Case("a 3 × 2 array of mixed values", (np.array([[0.3, -0.7], [1.2, 0.05], [-0.2, 0.9]]),)),
        Case(f"random: {n} normal values", (rng.normal(size=n),)),
        Case(f"random: {n} positive values", (rng.uniform(0.1, 5.0, size=n),)),
    ]


def _round_half_even(v):
    return np.rint(v)


def _round_half_away(v):
    return np.sign(v) * np.floor(np.abs(v) + 0.5)


def _quantizer(*, include_zero=True, levels=255, zp_sign=-1, round_fn=_round_half_even,
               add_before_round=False, clip=True, symmetric=False):
    """8-bit affine quantization built from its parts (the frame of the known mistakes)."""
    def quantize(x):
        x = np.asarray(x, dtype=float)
        low, high = float(x.min()), float(x.max())
        if include_zero:
            low, high = min(low, 0.0), max(high, 0.0)
        if symmetric:
            scale = max(abs(low), abs(high)) / 127
        else:
            scale = (high - low) / levels
        if scale == 0.0:
            scale = 1.0
        zero_point = 0 if symmetric else int(np.clip(-128 + zp_sign * int(round_fn(low / scale)), -128, 127))
        if add_before_round:
            q = round_fn(x / scale + zero_point)
        else:
            q = round_fn(x / scale) + zero_point
        if clip:
            q = np.clip(q, -128, 127)
        return q.astype(np.int64).astype(np.int8), scale, zero_point
    return quantize


def _quantize_loop(x):
    x = np.asarray(x, dtype=float)
    low = min(0.0, float(np.min(x)))
    high = max(0.0, float(np.max(x)))
    scale = (high - low) / 255.0 if high > low else 1.0
    zero_point = -128 - round(low / scale)                 # Python's round: half to even
    q = np.empty(x.shape, dtype=np.int8)
    for index, value in np.ndenumerate(x):
        q[index] = min(127, max(-128, round(value / scale) + zero_point))
    return q, scale, int(zero_point)


def _quantize_via_unsigned(x):
    """Quantize to 0..255 with zero point z + 128, then shift down by 128: the same integers."""
    x = np.asarray(x, dtype=float)
    low, high = min(x.min(), 0.0), max(x.max(), 0.0)
    scale = (high - low) / 255 if high > low else 1.0
    zero_point_unsigned = -np.rint(low / scale)
    q_unsigned = np.clip(np.rint(x / scale) + zero_point_unsigned, 0, 255)
    return (q_unsigned - 128).astype(np.int8), float(scale), int(zero_point_unsigned - 128)


QUANTIZE_INT8 = Exercise(
    id="quantize_int8",
    title="8-bit affine quantization",
    reference=quantize_int8,
    cases=_quantize_cases,
    points=3,
    mistakes=(
        Mistake("range not widened to include 0",
                "The range is [min(min x, 0), max(max x, 0)]: it must contain 0, so that 0 is "
                "stored exactly (as q = zero_point). With only positive values it starts at 0.",
                _quantizer(include_zero=False)),
        Mistake("256 levels instead of 255 steps",
                "The integers -128, …, 127 are 256 values but only 255 steps apart: "
                "s = (h - ℓ) / 255 maps ℓ to -128 and h to 127.",
                _quantizer(levels=256)),
        Mistake("zero point with the wrong sign",
                "ℓ must land on q_min: round(ℓ / s) + z = -128, so z = -128 - round(ℓ / s).",
                _quantizer(zp_sign=1)),
        Mistake("rounded half away from zero",
                "np.rint and Python's round break ties to the even integer (2.5 → 2, -12.5 → -12), "
                "as the contract and PyTorch do; rounding half away from zero gives 3 and -13.",
                _quantizer(round_fn=_round_half_away)),
        Mistake("zero point added before rounding",
                "Round x / s first, then add the integer z. With ties to even, round(a + z) and "
                "round(a) + z differ at a tie when z is odd (round(0.5) + 1 = 1, round(1.5) = 2).",
                _quantizer(add_before_round=True)),
        Mistake("no clipping to [-128, 127]",
                "round(x / s) + z can reach 128 when ℓ / s ends in .5; in int8 that wraps round to "
                "-128. Clip to [-128, 127] before converting.",
                _quantizer(clip=False)),
        Mistake("symmetric quantization",
                "Symmetric quantization (s = max|x| / 127, z = 0) is another scheme; the contract "
                "asks for the affine one, whose range [ℓ, h] uses all 256 integers.",
                _quantizer(symmetric=True)),
        Mistake("truncated instead of rounded",
                "Converting to an integer type cuts the fraction off (1.5 → 1, -0.7 → 0); round to "
                "the nearest integer first, ties to even (np.rint).",
                _quantizer(round_fn=np.trunc)),
    ),
    alternatives=(_quantize_loop, _quantize_via_unsigned),
    hints=(
        "Find the range of x, widened to contain 0, and spread it over the 256 integers from "
        "-128 to 127: the low end goes to -128 and the high end to 127.",
        "The scale is the width of the range divided by the 255 steps between -128 and 127; the "
        "zero point is the integer that 0 maps to, so that ℓ lands on -128. Quantize each value "
        "by dividing by the scale, rounding (ties to even), adding the zero point and clipping.",
        "ℓ = min(min x, 0), h = max(max x, 0), s = (h - ℓ)/255 (s = 1 if h = ℓ), "
        "z = -128 - round(ℓ/s), q = clip(round(x/s) + z, -128, 127) as int8. Return (q, s, z).",
    ),
    rtol=1e-9,
    atol=1e-12,
)


# --- magnitude_prune_mask --------------------------------------------------------------------------

def _prune_cases(rng, hidden):
    if not hidden:
        return [
            Case("eight weights, sparsity 0.3 (2.4 → 2 pruned)",
                 (np.array([0.3, -1.2, 0.05, 2.0, -0.4, 0.9, -0.02, 0.6]), 0.3)),
            Case("a 3 × 4 matrix with ties, sparsity 0.3 (3.6 → 4 pruned)",
                 (np.array([[0.5, -0.1, 0.3, -0.3], [0.1, 0.8, -0.5, 0.3], [-1.0, 0.3, 0.2, -0.6]]), 0.3)),
            Case("a 2 × 5 matrix, sparsity 0.33 (3.3 → 3 pruned)",
                 (np.array([[-0.9, 0.2, 0.45, -0.05, 1.1], [0.7, -0.3, 0.15, -2.0, 0.6]]), 0.33)),
            Case("six weights, sparsity 0.8 (4.8 → 5 pruned)",
                 (np.array([-3.0, 0.1, 2.0, -0.5, 1.0, 0.25]), 0.8)),
        ]
    n = int(rng.integers(5, 60))
    sparsity = float(rng.uniform(0.05, 0.95))
    return [
        Case("a 4 × 3 matrix with ties at the cut, sparsity 0.35 (4.2 → 4 pruned)",
             (np.array([[0.2, -0.7, 0.2], [-0.2, 0.9, 0.4], [0.2, -1.5, 0.6], [0.05, 0.3, -0.2]]), 0.35)),
        Case("nine weights, sparsity 0.15 (1.35 → 1 pruned)",
             (np.array([1.0, -2.0, 0.4, 3.0, -0.6, 0.2, 5.0, -0.1, 0.8]), 0.15)),
        Case("eleven weights, sparsity 0.6 (6.6 → 7 pruned)",
             (np.array([0.9, -0.3, 1.4, 0.05, -2.5, 0.6, -0.15, 0.45, 3.0, -0.8, 0.2]), 0.6)),
        Case("ten weights, sparsity 0.62 (6.2 → 6 pruned)",
             (np.array([-0.25, 0.5, -1.5, 0.125, 2.0, -0.75, 1.0, -0.0625, 0.375, -3.0]), 0.62)),
        Case("sparsity 0: nothing pruned", (np.array([0.3, -0.1, 0.2]), 0.0)),
        Case("sparsity 1: everything pruned", (np.array([[0.3, -0.1], [0.2, 4.0]]), 1.0)),
        Case(f"random: {n} weights, sparsity {sparsity:.3f}", (rng.normal(size=n), sparsity)),
        Case("random: a 6 × 7 matrix with repeated values, sparsity 0.5",
             (np.round(rng.normal(size=(6, 7)), 1), 0.5)),
    ]


def _pruner(*, count=round, key=np.abs, keep_largest=True, invert=False, reverse_ties=False):
    """Magnitude pruning built from its parts (the frame of the known mistakes)."""
    def mask_of(w, sparsity):
        w = np.asarray(w, dtype=float)
        n_pruned = int(count(sparsity * w.size))
        scores = key(w).ravel()
        if reverse_ties:
            order = w.size - 1 - np.argsort(scores[::-1], kind="stable")
        else:
            order = np.argsort(scores, kind="stable")
        if not keep_largest:
            order = order[::-1]
        keep = np.ones(w.size, dtype=bool)
        keep[order[:n_pruned]] = False
        keep = keep.reshape(w.shape)
        return ~keep if invert else keep
    return mask_of


def _prune_threshold_ties(w, sparsity):
    w = np.asarray(w, dtype=float)
    n_pruned = round(sparsity * w.size)
    if n_pruned == 0:
        return np.ones(w.shape, dtype=bool)
    threshold = np.sort(np.abs(w).ravel())[n_pruned - 1]
    return np.abs(w) > threshold


def _prune_quantile(w, sparsity):
    w = np.asarray(w, dtype=float)
    return np.abs(w) > np.quantile(np.abs(w), sparsity)


def _prune_rank_loop(w, sparsity):
    w = np.asarray(w, dtype=float)
    flat = [abs(v) for v in w.ravel()]
    ranked = sorted(range(len(flat)), key=lambda i: (flat[i], i))     # by |w|, then by position
    n_pruned = round(sparsity * len(flat))
    keep = [True] * len(flat)
    for i in ranked[:n_pruned]:
        keep[i] = False
    return np.array(keep, dtype=bool).reshape(w.shape)


def _prune_lexsort(w, sparsity):
    w = np.asarray(w, dtype=float)
    order = np.lexsort((np.arange(w.size), np.abs(w).ravel()))
    keep = np.ones(w.size, dtype=bool)
    keep[order[:round(sparsity * w.size)]] = False
    return keep.reshape(w.shape)


MAGNITUDE_PRUNE_MASK = Exercise(
    id="magnitude_prune_mask",
    title="A magnitude-pruning mask for a target sparsity",
    reference=magnitude_prune_mask,
    cases=_prune_cases,
    points=3,
    mistakes=(
        Mistake("True marks the pruned weights",
                "The mask is multiplied into the weights, so True (1) must mark the weights that "
                "are kept, False (0) the pruned ones.",
                _pruner(invert=True)),
        Mistake("the largest weights pruned",
                "Magnitude pruning removes the weights that matter least, those of smallest |w|, "
                "and keeps the largest.",
                _pruner(keep_largest=False)),
        Mistake("sorted by w instead of |w|",
                "A weight of -3 is large: it changes the output as much as +3. Rank the weights by "
                "their absolute value.",
                _pruner(key=lambda w: w)),
        Mistake("count truncated instead of rounded",
                "The number of weights to prune is round(sparsity · n) (3.6 → 4), as "
                "torch.nn.utils.prune counts it; int() cuts 3.6 down to 3.",
                _pruner(count=math.floor)),
        Mistake("count rounded up",
                "The number of weights to prune is round(sparsity · n) (3.3 → 3), not the ceiling "
                "(3.3 → 4).",
                _pruner(count=math.ceil)),
        Mistake("every weight tied with the threshold pruned",
                "Pruning every |w| at or below the k-th smallest magnitude prunes more than k "
                "weights when several share that magnitude. Prune exactly k: sort, and among equal "
                "magnitudes take the earlier position first.",
                _prune_threshold_ties),
        Mistake("ties broken by the later position",
                "Among equal magnitudes the entry that comes first (in flattened order) is pruned "
                "first; a stable sort of |w| (np.argsort(..., kind=\"stable\")) keeps that order.",
                _pruner(reverse_ties=True)),
        Mistake("the sparsity quantile as a threshold",
                "np.quantile interpolates between magnitudes, and the number of weights below it "
                "is not round(sparsity · n) in general. Count the weights to prune, then take the "
                "smallest ones.",
                _prune_quantile),
    ),
    alternatives=(_prune_rank_loop, _prune_lexsort),
    hints=(
        "First decide how many weights to prune, then which ones: those of smallest absolute value.",
        "Prune k = round(sparsity · n) weights, n the number of entries. Order the entries by |w| "
        "with a stable sort, so that equal magnitudes keep their order of position, and mark the "
        "first k as pruned; everything else is kept. The mask has the shape of w.",
        "k = round(ρ n); π = stable argsort of |w| flattened; mask = all True, then False at "
        "π₀, …, π_(k-1); reshape to the shape of w. True means kept.",
    ),
)


EXERCISES = [AVERAGE_SHARD_GRADIENTS, RING_ALLREDUCE, QUANTIZE_INT8, MAGNITUDE_PRUNE_MASK]  # in chapter order
