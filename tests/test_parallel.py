"""Tests of mlcourse_lib.parallel: shard averaging against the big-batch gradient, ring all-reduce
against its closed form and its traffic formula, data-parallel SGD against the one-worker loop, the
same training on Dask worker processes, float32 kept end to end, and the chapter's checkers against
honest but wrong answers."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from mlcourse_lib import models, optim
from mlcourse_lib.data import minibatch_indices
from mlcourse_lib.exercises import run_check
from mlcourse_lib.parallel import (
    DataParallelRun,
    SimulatedWorkers,
    average_shard_gradients,
    central_allreduce_cost,
    chunk_slices,
    data_parallel_sgd,
    linear_scaled_lr,
    ring_allreduce,
    ring_allreduce_cost,
    shard_indices,
)


def _digits_like(n=60, d=5, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.integers(0, classes, size=n)


def _max_difference(a, b):
    if isinstance(a, dict):
        return max(float(np.max(np.abs(a[k] - b[k]))) for k in a)
    return float(np.max(np.abs(a - b)))


# --- shard_indices and average_shard_gradients -----------------------------------------------------

@pytest.mark.parametrize("batch_size,n_workers", [(10, 3), (12, 4), (3, 5), (1, 1), (7, 7)])
def test_shards_are_consecutive_and_differ_in_size_by_at_most_one(batch_size, n_workers):
    batch = np.random.default_rng(0).permutation(50)[:batch_size]
    shards = shard_indices(batch, n_workers)
    assert len(shards) == n_workers
    assert np.array_equal(np.concatenate(shards), batch)
    sizes = [len(s) for s in shards]
    assert max(sizes) - min(sizes) <= 1 and sizes == sorted(sizes, reverse=True)
    assert all(s.dtype == np.int64 for s in shards)


@pytest.mark.parametrize("sizes", [[16, 16, 16, 16], [5, 11, 1, 30], [40], [1, 1, 2]])
def test_weighted_average_of_shard_gradients_is_the_batch_gradient(sizes):
    X, y = _digits_like(n=sum(sizes))
    params = models.init_mlp([5, 8, 3], rng=1)
    cuts = np.cumsum(sizes)[:-1]
    shards = np.split(np.arange(sum(sizes)), cuts)
    grads = [models.mlp_loss_and_grad(params, X[s], y[s])[1] for s in shards]
    _, batch_grad = models.mlp_loss_and_grad(params, X, y)
    assert _max_difference(average_shard_gradients(grads, sizes), batch_grad) < 1e-12


def test_plain_mean_is_the_batch_gradient_only_for_equal_shards():
    X, y = _digits_like(n=40)
    w, b = np.zeros(5), 0.0
    y01 = (y > 0).astype(float)
    for sizes, equal in (([10, 10, 10, 10], True), ([4, 6, 10, 20], False)):
        shards = np.split(np.arange(40), np.cumsum(sizes)[:-1])
        grads = [models.logistic_gradient(X[s], y01[s], w, b)[0] for s in shards]
        batch_grad = models.logistic_gradient(X, y01, w, b)[0]
        plain = np.mean(grads, axis=0)
        assert np.allclose(plain, batch_grad, rtol=1e-12, atol=1e-15) == equal
        assert np.allclose(average_shard_gradients(grads, sizes), batch_grad, rtol=1e-12, atol=1e-15)


def test_average_by_hand():
    grads = [np.array([1.0, 0.0]), np.array([4.0, 3.0])]
    assert np.array_equal(average_shard_gradients(grads, [2, 1]), [2.0, 1.0])
    assert np.array_equal(average_shard_gradients([np.array([[1.0, 2.0]])], [7]), [[1.0, 2.0]])


def test_average_keeps_float32_and_dicts_and_leaves_its_inputs_alone():
    grads = [{"W": np.full((2, 2), k, dtype=np.float32), "b": np.full(2, -k, dtype=np.float32)} for k in range(3)]
    before = [{name: value.copy() for name, value in g.items()} for g in grads]
    out = average_shard_gradients(grads, [1, 2, 3])
    assert out["W"].dtype == np.float32 and out["b"].dtype == np.float32
    assert np.allclose(out["W"], (0 * 1 + 1 * 2 + 2 * 3) / 6)
    assert all(np.array_equal(g[name], b[name]) for g, b in zip(grads, before) for name in g)


@pytest.mark.parametrize("grads,sizes,error,match", [
    ([np.zeros(2), np.zeros(2)], [1], ValueError, r"shard_sizes has 1 entries, expected 2 to match shard_grads"),
    ([np.zeros(2), np.zeros(3)], [1, 1], ValueError, r"shard_grads\[1\] has shape \(3,\), expected \(2,\)"),
    ([np.zeros(2)], [0], ValueError, r"shard_sizes\[0\] must be >= 1; got shard_sizes\[0\]=0"),
    ([], [], ValueError, r"shard_grads is empty"),
    ([np.array([np.nan])], [1], ValueError, r"shard_grads\[0\] contains nan"),
    ({"W": np.zeros(2)}, [1], TypeError, r"shard_grads must be a list with one gradient per worker"),
])
def test_average_shard_gradients_refuses_bad_input(grads, sizes, error, match):
    with pytest.raises(error, match=match):
        average_shard_gradients(grads, sizes)


def test_linear_scaling_rule():
    assert linear_scaled_lr(0.05, base_batch_size=16, batch_size=128) == pytest.approx(0.4)
    assert linear_scaled_lr(0.1, base_batch_size=32, batch_size=32) == 0.1
    with pytest.raises(ValueError, match=r"base_lr must be > 0; got base_lr=0"):
        linear_scaled_lr(0, base_batch_size=1, batch_size=2)
    with pytest.raises(ValueError, match=r"batch_size must be >= 1"):
        linear_scaled_lr(0.1, base_batch_size=1, batch_size=0)


# --- ring all-reduce ---------------------------------------------------------------------------------

def _closed_form_reduce_scatter(arrays):
    """Chunk c of worker k after the reduce-scatter: the sum over workers c, c+1, ..., k (mod K)."""
    K, n = len(arrays), arrays[0].size
    chunks = chunk_slices(n, K)
    out = []
    for k in range(K):
        buffer = np.empty(n)
        for c, piece in enumerate(chunks):
            buffer[piece] = sum(arrays[(c + j) % K][piece] for j in range((k - c) % K + 1))
        out.append(buffer)
    return out


@pytest.mark.parametrize("K,N", [(1, 5), (2, 5), (3, 6), (4, 10), (5, 3), (6, 13), (8, 64)])
def test_ring_allreduce_gives_every_worker_the_mean(K, N):
    rng = np.random.default_rng(K * 100 + N)
    arrays = [rng.normal(size=N) for _ in range(K)]
    copies = [a.copy() for a in arrays]
    run = ring_allreduce(arrays)
    mean = np.mean(arrays, axis=0)
    assert len(run.results) == K and all(np.allclose(r, mean, rtol=0, atol=1e-14) for r in run.results)
    sums = ring_allreduce(arrays, average=False).results
    assert all(np.allclose(s, K * mean, rtol=1e-13, atol=1e-13) for s in sums)
    expected = _closed_form_reduce_scatter(arrays)
    assert all(np.allclose(got, want, rtol=1e-13, atol=1e-14) for got, want in zip(run.reduce_scattered, expected))
    assert all(np.array_equal(a, c) for a, c in zip(arrays, copies))       # inputs untouched


@pytest.mark.parametrize("K,N", [(2, 6), (3, 6), (4, 12), (6, 120), (5, 7), (4, 2)])
def test_ring_traffic(K, N):
    run = ring_allreduce([np.zeros(N)] * K)
    sizes = [s.stop - s.start for s in chunk_slices(N, K)]
    # worker k sends every chunk but (k + 1) in the reduce-scatter and every chunk but (k + 2) in the all-gather
    expected = [2 * N - sizes[(k + 1) % K] - sizes[(k + 2) % K] for k in range(K)]
    assert run.values_sent.tolist() == expected and run.values_sent.dtype == np.int64
    if N % K == 0:
        assert np.all(run.values_sent == ring_allreduce_cost(N, K))
        assert ring_allreduce_cost(N, K) == 2 * (K - 1) / K * N
    assert central_allreduce_cost(N, K) == (K - 1) * N


def test_ring_allreduce_by_hand_keeps_shapes_and_float32():
    run = ring_allreduce([np.array([1.0, 2.0, 3.0]), np.array([5.0, 6.0, 7.0])])
    assert [r.tolist() for r in run.results] == [[3.0, 4.0, 5.0]] * 2
    assert [r.tolist() for r in run.reduce_scattered] == [[1.0, 2.0, 10.0], [6.0, 8.0, 7.0]]
    matrices = [np.full((2, 3), k, dtype=np.float32) for k in range(4)]
    run32 = ring_allreduce(matrices)
    assert all(r.shape == (2, 3) and r.dtype == np.float32 and np.all(r == 1.5) for r in run32.results)
    assert all(r.dtype == np.float32 for r in run32.reduce_scattered)


def test_chunk_slices_match_array_split():
    for n, k in [(7, 3), (2, 5), (12, 4), (0, 2)]:
        expected = np.array_split(np.arange(n), k)
        assert [np.arange(n)[s].tolist() for s in chunk_slices(n, k)] == [c.tolist() for c in expected]


@pytest.mark.parametrize("arrays,error,match", [
    ([], ValueError, r"arrays is empty"),
    ([np.zeros(2), np.zeros(3)], ValueError, r"arrays\[1\] has shape \(3,\), expected \(2,\) to match arrays\[0\]"),
    (np.zeros((2, 3)), TypeError, r"arrays must be a list with one array per worker"),
])
def test_ring_allreduce_refuses_bad_input(arrays, error, match):
    with pytest.raises(error, match=match):
        ring_allreduce(arrays)


# --- data-parallel SGD -------------------------------------------------------------------------------

def _mlp_problem(seed=0, n=70):
    X, y = _digits_like(n=n, seed=seed)
    return X, y, models.init_mlp([5, 6, 3], rng=seed)


@pytest.mark.parametrize("n_workers", [2, 3, 5])
def test_k_workers_train_like_one_worker_with_the_whole_batch(n_workers):
    X, y, params = _mlp_problem()
    runs = [data_parallel_sgd(SimulatedWorkers(models.mlp_loss_and_grad, X, y, n_workers=k), params,
                              batch_size=16, epochs=3, rng=4, lr=0.3) for k in (1, n_workers)]
    assert isinstance(runs[0], DataParallelRun)
    assert _max_difference(runs[0].params, runs[1].params) < 1e-12
    assert np.max(np.abs(runs[0].losses - runs[1].losses)) < 1e-12
    assert len(runs[0].losses) == 3 * 5 and np.all(runs[0].lrs == 0.3)


def test_one_worker_is_the_plain_minibatch_loop():
    X, y, params = _mlp_problem(seed=1)
    run = data_parallel_sgd(SimulatedWorkers(models.mlp_loss_and_grad, X, y, n_workers=1), params,
                            batch_size=32, epochs=2, rng=np.random.default_rng(9), schedule=lambda t: 0.1 / (t + 1))
    rng, theta, losses, step = np.random.default_rng(9), params, [], 0
    for _ in range(2):
        for batch in minibatch_indices(len(y), batch_size=32, rng=rng):
            loss, grads = models.mlp_loss_and_grad(theta, X[batch], y[batch])
            losses.append(loss)
            theta = optim.gd_step(theta, grads, lr=0.1 / (step + 1))
            step += 1
    assert _max_difference(run.params, theta) == 0.0
    assert np.array_equal(run.losses, losses)
    assert np.allclose(run.lrs, [0.1 / (t + 1) for t in range(step)])


def test_more_workers_than_samples_in_a_batch():
    X, y, params = _mlp_problem(n=10)
    one = data_parallel_sgd(SimulatedWorkers(models.mlp_loss_and_grad, X, y, n_workers=1), params,
                            batch_size=3, epochs=1, rng=0, lr=0.1)
    many = data_parallel_sgd(SimulatedWorkers(models.mlp_loss_and_grad, X, y, n_workers=5), params,
                             batch_size=3, epochs=1, rng=0, lr=0.1)
    assert _max_difference(one.params, many.params) < 1e-12


def test_float32_parameters_stay_float32_through_training():
    X, y, params = _mlp_problem()
    params32 = {name: value.astype(np.float32) for name, value in params.items()}
    workers = SimulatedWorkers(models.mlp_loss_and_grad, X.astype(np.float32), y, n_workers=2)
    run = data_parallel_sgd(workers, params32, batch_size=16, epochs=1, rng=0, lr=0.1)
    assert all(value.dtype == np.float32 for value in run.params.values())
    loss, grads = models.mlp_loss_and_grad(params32, X.astype(np.float32), y)
    logits, _ = models.mlp_forward(params32, X.astype(np.float32))
    assert logits.dtype == np.float32 and all(g.dtype == np.float32 for g in grads.values())
    assert all(v.dtype == np.float32 for v in optim.gd_step(params32, grads, lr=0.1).values())
    assert all(v.dtype == np.float32 for v in average_shard_gradients([grads, grads], [1, 3]).values())


def _squared_error(w, X, y):
    residual = X @ w - y
    return float(np.mean(residual ** 2)), 2 * X.T @ residual / len(y)


def test_divergence_stops_with_a_message():
    X = np.linspace(-1, 1, 20).reshape(-1, 1)
    workers = SimulatedWorkers(_squared_error, X, 3 * X[:, 0], n_workers=2)
    message = r"diverged at step \d+ \(epoch \d+\): the batch loss is inf.*lower it"
    with pytest.raises(FloatingPointError, match=message):
        with np.errstate(all="ignore"):
            data_parallel_sgd(workers, np.zeros(1), batch_size=20, epochs=500, rng=0, lr=50.0)


def test_data_parallel_sgd_refuses_bad_arguments():
    X, y, params = _mlp_problem()
    workers = SimulatedWorkers(models.mlp_loss_and_grad, X, y, n_workers=2)
    with pytest.raises(TypeError, match="pass either lr .* or schedule"):
        data_parallel_sgd(workers, params, batch_size=8, epochs=1, rng=0)
    with pytest.raises(TypeError, match="pass either lr .* or schedule"):
        data_parallel_sgd(workers, params, batch_size=8, epochs=1, rng=0, lr=0.1, schedule=lambda t: 0.1)
    with pytest.raises(TypeError, match="workers must have n_workers, n_samples and gradients"):
        data_parallel_sgd(object(), params, batch_size=8, epochs=1, rng=0, lr=0.1)
    with pytest.raises(ValueError, match="y has 3 rows, expected 70 to match X"):
        SimulatedWorkers(models.mlp_loss_and_grad, X, y[:3], n_workers=2)
    with pytest.raises(TypeError, match="loss_and_grad must be a function"):
        SimulatedWorkers("mlp", X, y, n_workers=2)


# --- Dask ----------------------------------------------------------------------------------------------

def test_importing_the_package_does_not_import_dask():
    code = "import sys, mlcourse_lib.parallel; print('dask' in sys.modules, 'distributed' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_dask_worker_processes_reproduce_the_simulation():
    distributed = pytest.importorskip("distributed")
    from mlcourse_lib.parallel import DaskWorkers

    X, y, params = _mlp_problem(n=90)
    simulated = data_parallel_sgd(SimulatedWorkers(models.mlp_loss_and_grad, X, y, n_workers=2), params,
                                  batch_size=20, epochs=2, rng=3, lr=0.2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  host="127.0.0.1") as cluster, distributed.Client(cluster) as client:
        workers = DaskWorkers(client, models.mlp_loss_and_grad, X, y)
        assert workers.n_workers == 2 and workers.n_samples == 90
        run = data_parallel_sgd(workers, params, batch_size=20, epochs=2, rng=3, lr=0.2)
        with pytest.raises(ValueError, match="got 3 shards for 2 workers"):
            workers.gradients(params, [np.arange(2)] * 3)
    assert _max_difference(run.params, simulated.params) < 1e-12
    assert np.max(np.abs(run.losses - simulated.losses)) < 1e-12


# --- the chapter's checkers against honest but wrong answers --------------------------------------------

def average_unweighted_np_average(shard_grads, shard_sizes):
    return np.average(np.stack(shard_grads), axis=0)


def average_weights_inverse_sizes(shard_grads, shard_sizes):
    weights = 1.0 / np.asarray(shard_sizes, dtype=float)
    return np.tensordot(weights, np.stack(shard_grads), axes=1) / weights.sum()


def average_flattened(shard_grads, shard_sizes):
    return np.average(np.concatenate([np.ravel(g) for g in shard_grads]))


def ring_shortcut_mean_everywhere(arrays):
    mean = np.mean(arrays, axis=0)
    return [mean.copy() for _ in arrays], [np.sum(arrays, axis=0) for _ in arrays]


def ring_in_place(arrays):
    K = len(arrays)
    bounds = np.cumsum([0] + [len(c) for c in np.array_split(np.arange(len(arrays[0])), K)])
    for s in range(K - 1):
        sent = [(k, (k - s) % K, arrays[k][bounds[(k - s) % K]:bounds[(k - s) % K + 1]].copy()) for k in range(K)]
        for k, c, v in sent:
            arrays[(k + 1) % K][bounds[c]:bounds[c + 1]] += v
    reduce_scattered = [a.copy() for a in arrays]
    for s in range(K - 1):
        sent = [(k, (k + 1 - s) % K, arrays[k][bounds[(k + 1 - s) % K]:bounds[(k + 1 - s) % K + 1]].copy())
                for k in range(K)]
        for k, c, v in sent:
            arrays[(k + 1) % K][bounds[c]:bounds[c + 1]] = v
    return [a / K for a in arrays], reduce_scattered


def ring_sequential_updates_wrong_direction(arrays):
    # messages go to worker k - 1 instead of k + 1
    K = len(arrays)
    buffers = [np.array(a, dtype=float) for a in arrays]
    chunks = np.array_split(np.arange(len(buffers[0])), K)
    for s in range(K - 1):
        sent = [(k, (k - s) % K, buffers[k][chunks[(k - s) % K]].copy()) for k in range(K)]
        for k, c, v in sent:
            buffers[(k - 1) % K][chunks[c]] += v
    reduce_scattered = [b.copy() for b in buffers]
    return [b / K for b in buffers], reduce_scattered


@pytest.mark.parametrize("exercise_id,answer", [
    ("average_shard_gradients", average_unweighted_np_average),
    ("average_shard_gradients", average_weights_inverse_sizes),
    ("average_shard_gradients", average_flattened),
    ("ring_allreduce", ring_shortcut_mean_everywhere),
    ("ring_allreduce", ring_in_place),
    ("ring_allreduce", ring_sequential_updates_wrong_direction),
])
def test_honest_but_wrong_answers_are_rejected(exercise_id, answer):
    assert not run_check(exercise_id, answer).passed
    assert not run_check(exercise_id, answer, hidden=True, seed=0).passed


def test_in_place_ring_is_told_that_it_changed_its_input():
    report = run_check("ring_allreduce", ring_in_place)
    assert "changed its input `arrays[0]` in place" in report.message


def ring_via_the_library(arrays):
    from mlcourse_lib import parallel

    run = parallel.ring_allreduce(arrays)
    return run.results, run.reduce_scattered


def average_via_the_library(shard_grads, shard_sizes):
    from mlcourse_lib import parallel

    return parallel.average_shard_gradients(shard_grads, shard_sizes)


@pytest.mark.parametrize("exercise_id,answer", [("ring_allreduce", ring_via_the_library),
                                                ("average_shard_gradients", average_via_the_library)])
def test_calling_the_library_is_reported(exercise_id, answer):
    report = run_check(exercise_id, answer)
    assert not report.passed and report.called_reference, report.message
