r"""Ring all-reduce, simulated on arrays: how K workers end up with the same averaged gradient.

K workers stand in a ring; worker :math:`k` sends only to worker :math:`k+1` (indices mod
:math:`K`). Each worker's array of :math:`N` values is cut into :math:`K` chunks
:math:`C_0, \dots, C_{K-1}` (``np.array_split``). Two phases of :math:`K-1` steps each, in
which all workers send at once:

- **reduce-scatter**: at step :math:`s`, worker :math:`k` sends its chunk
  :math:`(k - s) \bmod K` to worker :math:`k+1`, which *adds* it to its own. Chunk :math:`c`
  starts at worker :math:`c` and travels once round the ring, collecting one array per worker;
  afterwards worker :math:`k` holds the complete sum of chunk :math:`(k+1) \bmod K`, and in
  chunk :math:`c` the partial sum of the arrays of workers :math:`c, c+1, \dots, k`.
- **all-gather**: at step :math:`s`, worker :math:`k` sends chunk :math:`(k + 1 - s) \bmod K`
  to worker :math:`k+1`, which *replaces* its own with it. The complete chunks travel round
  the ring, and after :math:`K-1` steps every worker holds every complete chunk.

Each worker sends :math:`K-1` chunks per phase, :math:`2(K-1)` chunks of :math:`N/K` values:
:math:`2\frac{K-1}{K}N` values, less than :math:`2N` however many workers there are, and it
receives as many. Gathering the arrays at one worker and sending the result back makes that
worker receive :math:`(K-1)N` values and send :math:`(K-1)N`: its traffic grows with
:math:`K`. The ring spreads the load evenly and keeps every link busy.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validation import as_float_array, check_int

__all__ = [
    "RingAllReduce",
    "chunk_slices",
    "ring_allreduce",
    "ring_allreduce_cost",
    "central_allreduce_cost",
]


class RingAllReduce(NamedTuple):
    """What :func:`ring_allreduce` returns.

    ``results[k]``: worker k's array after the all-gather (the mean, or the sum with
    ``average=False``); ``reduce_scattered[k]``: its array right after the reduce-scatter
    (partial sums, not divided); ``values_sent[k]``: how many values worker k sent.
    """

    results: list
    reduce_scattered: list
    values_sent: np.ndarray


def _check_arrays(arrays):
    if isinstance(arrays, (np.ndarray, dict, str, bytes)) or not hasattr(arrays, "__len__"):
        raise TypeError(
            f"arrays must be a list with one array per worker; got {type(arrays).__name__}."
        )
    if len(arrays) == 0:
        raise ValueError("arrays is empty; expected one array per worker.")
    checked = [as_float_array(a, f"arrays[{k}]", allow_empty=True, keep_float_dtype=True)
               for k, a in enumerate(arrays)]
    for k, a in enumerate(checked[1:], start=1):
        if a.shape != checked[0].shape:
            raise ValueError(
                f"arrays[{k}] has shape {a.shape}, expected {checked[0].shape} to match arrays[0]."
            )
    dtype = np.result_type(*checked)
    return [a.astype(dtype, copy=False) for a in checked]


def chunk_slices(n_values, n_chunks) -> list:
    r"""The slices of the :math:`K` chunks of :math:`N` values, as ``np.array_split`` cuts them.

    With :math:`N = qK + r`, chunks :math:`0, \dots, r-1` hold :math:`q+1` values and the
    others :math:`q`.

    Examples
    --------
    >>> chunk_slices(7, 3)
    [slice(0, 3, None), slice(3, 5, None), slice(5, 7, None)]
    """
    n_values = check_int(n_values, "n_values", minimum=0)
    n_chunks = check_int(n_chunks, "n_chunks", minimum=1)
    q, r = divmod(n_values, n_chunks)
    bounds = [0]
    for c in range(n_chunks):
        bounds.append(bounds[-1] + q + (1 if c < r else 0))
    return [slice(bounds[c], bounds[c + 1]) for c in range(n_chunks)]


def _ring_step(buffers, chunks, chunk_sent_by, combine, sent):
    """One step: every worker k sends chunk ``chunk_sent_by(k)`` to k + 1, all at once."""
    K = len(buffers)
    messages = [(k, chunk_sent_by(k), buffers[k][chunks[chunk_sent_by(k)]].copy()) for k in range(K)]
    for k, c, values in messages:
        receiver = (k + 1) % K
        buffers[receiver][chunks[c]] = combine(buffers[receiver][chunks[c]], values)
        sent[k] += values.size


def ring_allreduce(arrays, *, average=True) -> RingAllReduce:
    r"""All-reduce K arrays round a ring: reduce-scatter, then all-gather.

    For :math:`s = 0, \dots, K-2` (reduce-scatter), every worker :math:`k` at once:

    .. math::
        c = (k - s) \bmod K, \qquad \text{buf}_{k+1}[C_c] \leftarrow \text{buf}_{k+1}[C_c] + \text{buf}_k[C_c]

    then for :math:`s = 0, \dots, K-2` (all-gather):

    .. math::
        c = (k + 1 - s) \bmod K, \qquad \text{buf}_{k+1}[C_c] \leftarrow \text{buf}_k[C_c]

    and finally, with ``average=True``, every buffer is divided by :math:`K` (gradients are
    averaged, as torch's DistributedDataParallel does after its all-reduce of sums).

    Parameters
    ----------
    arrays : sequence of array_like
        One array per worker, :math:`K \ge 1` arrays of one shape; the values are chunked in
        their flattened (C) order.
    average : bool, default=True
        Divide the sums by :math:`K`.

    Returns
    -------
    RingAllReduce
        ``results`` (K arrays, all equal to the mean or sum), ``reduce_scattered`` (the K
        buffers after the first phase) and ``values_sent`` (int64, shape (K,)). Float32
        arrays give float32 results.

    Examples
    --------
    >>> out = ring_allreduce([np.array([1.0, 2.0, 3.0]), np.array([5.0, 6.0, 7.0])])
    >>> print(out.results[0], out.results[1])
    [3. 4. 5.] [3. 4. 5.]
    >>> print(out.reduce_scattered[0], out.reduce_scattered[1], out.values_sent)
    [ 1.  2. 10.] [6. 8. 7.] [3 3]
    """
    buffers = [a.reshape(-1).copy() for a in _check_arrays(arrays)]
    if not isinstance(average, (bool, np.bool_)):
        raise TypeError(f"average must be True or False; got {type(average).__name__} {average!r}.")
    K, shape = len(buffers), np.shape(arrays[0])
    chunks = chunk_slices(buffers[0].size, K)
    sent = np.zeros(K, dtype=np.int64)

    for s in range(K - 1):                                   # reduce-scatter: add
        _ring_step(buffers, chunks, lambda k: (k - s) % K, lambda own, incoming: own + incoming, sent)
    reduce_scattered = [b.reshape(shape).copy() for b in buffers]
    for s in range(K - 1):                                   # all-gather: replace
        _ring_step(buffers, chunks, lambda k: (k + 1 - s) % K, lambda own, incoming: incoming, sent)

    results = [(b / K if average else b).reshape(shape) for b in buffers]
    return RingAllReduce(results, reduce_scattered, sent)


def ring_allreduce_cost(n_values, n_workers) -> float:
    r"""Values each worker sends in a ring all-reduce of :math:`N` values over :math:`K` workers.

    .. math::
        2\,\frac{K-1}{K}\,N

    (exact when :math:`K` divides :math:`N`; otherwise chunks differ by one value). Each
    worker receives as many.

    Examples
    --------
    >>> ring_allreduce_cost(1000, 4)
    1500.0
    """
    n_values = check_int(n_values, "n_values", minimum=0)
    K = check_int(n_workers, "n_workers", minimum=1)
    return 2 * (K - 1) / K * n_values


def central_allreduce_cost(n_values, n_workers) -> float:
    r"""Values the central worker sends when it gathers K arrays, sums them and sends the result back.

    .. math::
        (K-1)\,N

    It also receives :math:`(K-1)N`; the other workers send and receive :math:`N` each.

    Examples
    --------
    >>> central_allreduce_cost(1000, 4)
    3000.0
    """
    n_values = check_int(n_values, "n_values", minimum=0)
    K = check_int(n_workers, "n_workers", minimum=1)
    return float((K - 1) * n_values)
