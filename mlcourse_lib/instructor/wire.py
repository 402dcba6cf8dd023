"""Plain data on a pipe: what the grader and the sandboxed student code may say to each other.

Both sides import this file, the sandbox as a stand-alone module (it needs only the standard
library and numpy), so it imports nothing from the package. A message is one JSON object,
preceded by its length. Values are numbers, strings, ``None``, and tagged forms of what JSON
lacks::

    {"$nd": [dtype, shape, base64]}    numpy array of a numeric or boolean dtype
    {"$np": [dtype, base64]}           numpy scalar (keeps float32 a float32)
    {"$tuple": [...]}, {"$dict": [[key, value], ...]}
    {"$rng": [bit generator, state]}   np.random.Generator, by its state
    {"$rec": [name, kind, {field: value}]}  a NamedTuple or dataclass of the library, by fields
    {"$fn": handle}                    a callable that stays on the grader's side
    {"$opaque": [type, repr]}          anything else: described, never rebuilt

Nothing is ever unpickled: decoding builds arrays, numbers, containers and generators only,
and records and callables through hooks the receiving side supplies.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import math
import os
import struct

import numpy as np

HEADER = struct.Struct("!Q")
MAX_MESSAGE = 256 * 1024 * 1024
MAX_DEPTH = 64


class WireError(RuntimeError):
    """A message that is too large, too deep or not well formed."""


class Opaque:
    """A value the other side could not send as plain data: its type name and a short repr."""

    def __init__(self, type_name: str, text: str):
        self.type_name, self.text = type_name, text

    def __repr__(self) -> str:
        return f"<{self.type_name} object: {self.text}>"


def _record_fields(value):
    """``(kind, fields)`` of a NamedTuple or dataclass instance, else None."""
    if isinstance(value, tuple) and hasattr(type(value), "_fields"):
        return "tuple", dict(zip(type(value)._fields, value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return "dataclass", {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return None


def encode(value, *, record_name=None, callable_handle=None, depth: int = 0):
    """``value`` as JSON-ready plain data.

    ``record_name(value)`` returns the name under which a record travels (or None: sent as
    a plain tuple / opaque); ``callable_handle(value)`` returns a handle for a callable (or
    None: opaque).
    """
    if depth > MAX_DEPTH:
        raise WireError(f"nested deeper than {MAX_DEPTH} levels")

    def again(v):
        return encode(v, record_name=record_name, callable_handle=callable_handle, depth=depth + 1)

    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biufc":
            return {"$opaque": [f"numpy array of dtype {value.dtype}", _short(value)]}
        data = np.ascontiguousarray(value)
        return {"$nd": [data.dtype.str, list(data.shape), base64.b64encode(data.tobytes()).decode("ascii")]}
    if isinstance(value, np.generic):
        if value.dtype.kind not in "biufc":
            return {"$opaque": [type(value).__name__, _short(value)]}
        return {"$np": [value.dtype.str, base64.b64encode(value.tobytes()).decode("ascii")]}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, np.random.Generator):
        bit_generator = value.bit_generator
        return {"$rng": [type(bit_generator).__name__, _jsonable_state(bit_generator.state)]}
    record = _record_fields(value)
    if record is not None:
        name = record_name(value) if record_name else None
        if name is not None:
            kind, fields = record
            return {"$rec": [name, kind, {k: again(v) for k, v in fields.items()}]}
        if record[0] == "tuple":
            return {"$tuple": [again(v) for v in value]}
    if isinstance(value, list):
        return [again(v) for v in value]
    if isinstance(value, tuple):
        return {"$tuple": [again(v) for v in value]}
    if isinstance(value, dict):
        return {"$dict": [[again(k), again(v)] for k, v in value.items()]}
    if callable(value) and callable_handle is not None:
        handle = callable_handle(value)
        if handle is not None:
            return {"$fn": handle}
    return {"$opaque": [type(value).__name__, _short(value)]}


def _short(value, limit: int = 200) -> str:
    try:
        text = repr(value)
    except BaseException:  # a student's __repr__ may raise anything
        text = "<no repr>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _jsonable_state(state):
    if isinstance(state, dict):
        return {k: _jsonable_state(v) for k, v in state.items()}
    if isinstance(state, np.ndarray):
        return {"$nd": [state.dtype.str, list(state.shape),
                        base64.b64encode(np.ascontiguousarray(state).tobytes()).decode("ascii")]}
    if isinstance(state, np.integer):
        return int(state)
    return state


_BIT_GENERATORS = {"PCG64": np.random.PCG64, "PCG64DXSM": np.random.PCG64DXSM,
                   "MT19937": np.random.MT19937, "Philox": np.random.Philox, "SFC64": np.random.SFC64}


def _dtype(text) -> np.dtype:
    dtype = np.dtype(str(text))
    if dtype.kind not in "biufc":
        raise WireError(f"dtype {dtype} is not plain data")
    return dtype


def decode(data, *, make_record=None, make_callable=None, depth: int = 0):
    """The value that :func:`encode` described.

    ``make_record(name, kind, fields)`` and ``make_callable(handle)`` rebuild records and
    callables; without them a record decodes to a tuple or dict of its fields and a callable
    to an :class:`Opaque`.
    """
    if depth > MAX_DEPTH:
        raise WireError(f"nested deeper than {MAX_DEPTH} levels")

    def again(v):
        return decode(v, make_record=make_record, make_callable=make_callable, depth=depth + 1)

    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [again(v) for v in data]
    if not isinstance(data, dict) or len(data) != 1:
        raise WireError(f"not a tagged value: {str(data)[:80]}")
    (tag, body), = data.items()
    if tag == "$nd":
        dtype_text, shape, blob = body
        dtype = _dtype(dtype_text)
        shape = tuple(int(s) for s in shape)
        raw = base64.b64decode(blob)
        if len(raw) != dtype.itemsize * math.prod(shape):
            raise WireError("array data does not match its shape")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    if tag == "$np":
        dtype = _dtype(body[0])
        raw = base64.b64decode(body[1])
        if len(raw) != dtype.itemsize:
            raise WireError("scalar data does not match its dtype")
        return np.frombuffer(raw, dtype=dtype)[0]
    if tag == "$float":
        if body not in ("nan", "inf", "-inf"):
            raise WireError(f"not a float: {body!r}")
        return float(body)
    if tag == "$tuple":
        return tuple(again(v) for v in body)
    if tag == "$dict":
        return {again(k): again(v) for k, v in body}
    if tag == "$rng":
        name, state = body
        if name not in _BIT_GENERATORS:
            raise WireError(f"unknown bit generator {name!r}")
        bit_generator = _BIT_GENERATORS[name]()
        bit_generator.state = _state_from_json(state)
        return np.random.Generator(bit_generator)
    if tag == "$rec":
        name, kind, fields = body
        values = {str(k): again(v) for k, v in fields.items()}
        if make_record is not None:
            return make_record(str(name), str(kind), values)
        return tuple(values.values()) if kind == "tuple" else values
    if tag == "$fn":
        if make_callable is not None:
            return make_callable(body)
        return Opaque("function", f"handle {body}")
    if tag == "$opaque":
        return Opaque(str(body[0]), str(body[1]))
    raise WireError(f"unknown tag {tag!r}")


def _state_from_json(state):
    if isinstance(state, dict) and set(state) == {"$nd"}:
        dtype_text, shape, blob = state["$nd"]
        dtype = np.dtype(str(dtype_text))
        if dtype.kind not in "iu":
            raise WireError("bit generator state must be integers")
        return np.frombuffer(base64.b64decode(blob), dtype=dtype).reshape(tuple(shape)).copy()
    if isinstance(state, dict):
        return {k: _state_from_json(v) for k, v in state.items()}
    return state


def send(fd: int, message: dict) -> None:
    """Write one message (a JSON object) to the file descriptor ``fd``."""
    body = json.dumps(message, separators=(",", ":"), allow_nan=False).encode()
    if len(body) > MAX_MESSAGE:
        raise WireError(f"message of {len(body)} bytes exceeds {MAX_MESSAGE}")
    data = HEADER.pack(len(body)) + body
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_exactly(fd: int, n: int) -> bytes:
    chunks, remaining = [], n
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the pipe")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def parse(body: bytes) -> dict:
    try:
        message = json.loads(body)
    except ValueError as exc:
        raise WireError(f"not JSON: {exc}") from None
    if not isinstance(message, dict):
        raise WireError("a message must be a JSON object")
    return message


def receive(fd: int) -> dict:
    """Read one message from ``fd`` (blocking)."""
    (length,) = HEADER.unpack(read_exactly(fd, HEADER.size))
    if length > MAX_MESSAGE:
        raise WireError(f"message of {length} bytes exceeds {MAX_MESSAGE}")
    return parse(read_exactly(fd, length))
