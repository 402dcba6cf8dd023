r"""Data augmentation for small images stored one per row (such as the 8 × 8 digits).

An augmentation makes new training samples from old ones by a change that keeps the label:
a digit moved by one pixel, or with a little noise on its pixels, is still the same digit.

- :func:`shift_images` moves each image by whole pixels, filling the border with zeros;
- :func:`random_shifts` draws a shift per image;
- :func:`add_noise` adds Gaussian noise to every pixel;
- :func:`augment` stacks the original samples and augmented copies of them.

Every random function takes an explicit ``rng``. Images are rows of ``X`` of length
:math:`h \cdot w`, in row-major order (``X[i].reshape(h, w)`` is image ``i``).
"""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, check_int, check_nonnegative, check_rng, check_same_length

__all__ = ["shift_images", "random_shifts", "add_noise", "augment"]


def _check_images(X, image_shape):
    X = as_float_array(X, "X", ndim=2)
    if (not isinstance(image_shape, (tuple, list)) or len(image_shape) != 2):
        raise TypeError(f"image_shape must be a pair (height, width); got {image_shape!r}.")
    h, w = (check_int(v, f"image_shape[{i}]", minimum=1) for i, v in enumerate(image_shape))
    if X.shape[1] != h * w:
        raise ValueError(
            f"X has {X.shape[1]} columns, expected {h * w} = {h} × {w} pixels to match "
            f"image_shape={tuple(image_shape)}."
        )
    return X, h, w


def _check_clip(clip):
    if clip is None:
        return None
    if not isinstance(clip, (tuple, list)) or len(clip) != 2 or not clip[0] < clip[1]:
        raise ValueError(f"clip must be None or a pair (low, high) with low < high; got {clip!r}.")
    return float(clip[0]), float(clip[1])


def shift_images(X, shifts, *, image_shape=(8, 8)) -> np.ndarray:
    r"""Move each image by whole pixels; pixels moved in from outside are 0.

    .. math::
        \text{out}_i[r, c] = \begin{cases} X_i[r - \Delta r_i,\ c - \Delta c_i] &
        \text{if that pixel lies inside the image} \\ 0 & \text{otherwise} \end{cases}

    A positive :math:`\Delta r` moves the image down, a positive :math:`\Delta c` to the right.

    Parameters
    ----------
    X : array_like, shape (n, h * w)
        One flattened image per row.
    shifts : array_like of int, shape (2,) or (n, 2)
        :math:`(\Delta r, \Delta c)`, one pair for all images or one pair per image.
    image_shape : (int, int), default=(8, 8)
        :math:`(h, w)`.

    Returns
    -------
    X_shifted : ndarray, shape (n, h * w)
        A new array; ``X`` is not changed.

    Examples
    --------
    >>> X = np.arange(1.0, 10.0).reshape(1, 9)
    >>> print(shift_images(X, (1, -1), image_shape=(3, 3)).reshape(3, 3))
    [[0. 0. 0.]
     [2. 3. 0.]
     [5. 6. 0.]]
    """
    X, h, w = _check_images(X, image_shape)
    n = X.shape[0]
    shifts = np.asarray(shifts)
    if shifts.dtype.kind not in "iu":
        raise TypeError(f"shifts must be whole pixels (integers); got dtype {shifts.dtype}.")
    if shifts.shape == (2,):
        shifts = np.broadcast_to(shifts, (n, 2))
    if shifts.shape != (n, 2):
        raise ValueError(f"shifts has shape {shifts.shape}, expected (2,) or ({n}, 2): a (rows, columns) pair.")
    images = X.reshape(n, h, w)
    out = np.zeros_like(images)
    for i, (dr, dc) in enumerate(shifts):
        dr, dc = int(dr), int(dc)
        if abs(dr) >= h or abs(dc) >= w:
            continue                                  # moved out of the frame entirely
        src_r = slice(max(0, -dr), h - max(0, dr))
        src_c = slice(max(0, -dc), w - max(0, dc))
        dst_r = slice(max(0, dr), h - max(0, -dr))
        dst_c = slice(max(0, dc), w - max(0, -dc))
        out[i, dst_r, dst_c] = images[i, src_r, src_c]
    return out.reshape(n, h * w)


def random_shifts(X, *, max_shift=1, rng, image_shape=(8, 8)) -> np.ndarray:
    r"""Move each image by a random whole number of pixels in each direction.

    .. math::
        \Delta r_i, \Delta c_i \sim \mathcal U\{-s, \dots, s\} \ \text{independently}, \qquad
        \text{out}_i = \text{shift}(X_i, \Delta r_i, \Delta c_i)

    with :math:`s` = ``max_shift`` (see :func:`shift_images`).

    Parameters
    ----------
    X : array_like, shape (n, h * w)
    max_shift : int, default=1
        :math:`s \ge 0`.
    rng : numpy.random.Generator or int
    image_shape : (int, int), default=(8, 8)

    Returns
    -------
    X_shifted : ndarray, shape (n, h * w)

    Examples
    --------
    >>> X = np.ones((5, 64))
    >>> out = random_shifts(X, max_shift=1, rng=0)
    >>> out.shape, bool(np.all(out.sum(axis=1) >= 49))    # at most one row and one column lost
    ((5, 64), True)
    """
    X, h, w = _check_images(X, image_shape)
    s = check_int(max_shift, "max_shift", minimum=0)
    rng = check_rng(rng)
    shifts = rng.integers(-s, s + 1, size=(X.shape[0], 2))
    return shift_images(X, shifts, image_shape=(h, w))


def add_noise(X, *, std, rng, clip=None) -> np.ndarray:
    r"""Add independent Gaussian noise to every entry, optionally clipped to a range.

    .. math::
        \text{out} = \operatorname{clip}(X + \sigma\varepsilon,\ \text{low},\ \text{high}),
        \qquad \varepsilon_{ij} \sim \mathcal N(0, 1)

    Parameters
    ----------
    X : array_like, shape (n, d)
    std : float
        :math:`\sigma \ge 0`.
    rng : numpy.random.Generator or int
    clip : (float, float), optional
        The range of valid values, e.g. ``(0, 16)`` for the digits' pixels.

    Returns
    -------
    X_noisy : ndarray, shape (n, d)

    Examples
    --------
    >>> out = add_noise(np.full((2, 3), 8.0), std=1.0, rng=0, clip=(0, 16))
    >>> out.shape, bool(np.all((out >= 0) & (out <= 16))), bool(np.any(out != 8.0))
    ((2, 3), True, True)
    """
    X = as_float_array(X, "X", ndim=2)
    std = check_nonnegative(std, "std")
    rng = check_rng(rng)
    clip = _check_clip(clip)
    out = X + std * rng.standard_normal(X.shape)
    if clip is not None:
        out = np.clip(out, *clip)
    return out


def augment(X, y, *, copies=1, max_shift=1, noise_std=0.0, rng, image_shape=(8, 8), clip=None):
    r"""The original samples followed by ``copies`` randomly shifted and noisy copies of them.

    Each copy of image :math:`i` is :func:`random_shifts` then :func:`add_noise`; its label
    is :math:`y_i`. The result has :math:`(1 + \text{copies})\,n` samples.

    Parameters
    ----------
    X : array_like, shape (n, h * w)
    y : array_like, shape (n,)
    copies : int, default=1
        The number of augmented copies of each sample, ``>= 0``.
    max_shift : int, default=1
        The largest shift in pixels (0: no shifts).
    noise_std : float, default=0.0
        The noise standard deviation (0: no noise).
    rng : numpy.random.Generator or int
    image_shape : (int, int), default=(8, 8)
    clip : (float, float), optional
        The range of valid pixel values, applied after the noise.

    Returns
    -------
    X_aug : ndarray, shape ((1 + copies) n, h * w)
    y_aug : ndarray, shape ((1 + copies) n,)

    Examples
    --------
    >>> X_aug, y_aug = augment(np.ones((3, 64)), np.array([0, 1, 2]), copies=2, rng=0)
    >>> X_aug.shape, y_aug.tolist()
    ((9, 64), [0, 1, 2, 0, 1, 2, 0, 1, 2])
    """
    X, h, w = _check_images(X, image_shape)
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, one label per row of X; got shape {y.shape}.")
    check_same_length(X, "X", y, "y")
    copies = check_int(copies, "copies", minimum=0)
    noise_std = check_nonnegative(noise_std, "noise_std")
    rng = check_rng(rng)
    parts = [X]
    for _ in range(copies):
        shifted = random_shifts(X, max_shift=max_shift, rng=rng, image_shape=(h, w))
        parts.append(add_noise(shifted, std=noise_std, rng=rng, clip=clip) if noise_std > 0 else shifted)
    return np.concatenate(parts), np.tile(y, copies + 1)
