"""The library's pieces together: data → model → optimizer → training loop → metrics."""

from __future__ import annotations

import numpy as np

from mlcourse_lib import data, metrics, models, optim, train


def test_mlp_trained_with_adam_and_early_stopping_classifies_moons():
    X, y = data.make_moons(400, noise=0.2, rng=0)
    train_idx, test_idx = data.train_test_indices(len(y), test_fraction=0.25, rng=0)
    params = models.init_mlp([2, 32, 2], rng=0)
    trained, history = train.fit(
        params, lambda p, Xb, yb: models.mlp_loss_and_grad(p, Xb, yb),
        X[train_idx], y[train_idx], optimizer=optim.Adam(params, lr=0.01), epochs=200,
        batch_size=32, rng=0, X_val=X[test_idx], y_val=y[test_idx],
        callbacks=[train.EarlyStopping(patience=10)], progress=False)

    assert history.stopped_early and history.epochs < 200
    assert history["val_loss"][history.best_epoch] == min(history["val_loss"])
    best_val = models.mlp_loss_and_grad(trained, X[test_idx], y[test_idx])[0]
    assert np.isclose(best_val, history["val_loss"][history.best_epoch])  # best params restored
    assert metrics.accuracy_score(y[test_idx], models.mlp_predict(trained, X[test_idx])) > 0.95


def test_gradient_descent_and_closed_form_agree_on_standardized_real_data():
    ds = data.load_dataset("diabetes")
    X_train, X_test, scaler = data.standardize(ds.X[:300], ds.X[300:])
    X_train, y_train = models.add_bias_column(X_train), ds.y[:300]
    theta_star = models.least_squares(X_train, y_train)
    lr = 1.0 / models.mse_smoothness_constant(X_train)
    path = optim.gradient_descent(lambda t: models.linear_regression_gradient(X_train, y_train, t),
                                  np.zeros(X_train.shape[1]), lr=lr, n_steps=20000)
    gap = (models.linear_regression_loss(X_train, y_train, path[-1])
           - models.linear_regression_loss(X_train, y_train, theta_star))
    assert 0 <= gap < 1e-6 * models.linear_regression_loss(X_train, y_train, theta_star)
    r2 = metrics.r2_score(ds.y[300:], models.add_bias_column(X_test) @ theta_star)
    assert 0.3 < r2 < 0.7
