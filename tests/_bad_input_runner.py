"""Runs the bad-input test's calls in a process of its own and judges each one.

:class:`Runner` (used by ``tests/test_bad_inputs.py``) starts a child process that calls
:func:`serve`; each call is sent to it, run with a time limit, and answered with a verdict.
A call that aborts the child (XLA's ``Check failed``, the out-of-memory killer) or takes
longer than the limit is reported as such, and a fresh child takes over: no bad input can
take the test session down with it.

The verdict of one call (:func:`judge`): the function either returns, or raises a
``ValueError``/``TypeError`` (``OSError`` for the io functions) whose message starts with
``"<function>:"``. A returned floating result of a call whose numbers are all finite is
finite. Where scipy answers the same call (``Call.oracle``), the values agree with scipy's
(exact coefficients where scipy <= 1.17 has gh-24550) and the dtype is scipy's as JAX
canonicalises it. Calls drawn with ``jit`` are also run inside ``jax.jit`` and must agree.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import tempfile
import time
import traceback
import types
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from tests._bad_input_cases import Call, File, J, Mapping

#: The longest a single call may take, compile included (the inputs are at most 64**3).
CALL_LIMIT_S = 10.0
#: How long the parent waits for an answer before declaring the call hung.
HANG_S = 120.0


# ----------------------------------------------------------------------------- child side


def _public(name: str) -> Any:
    import jaxresample
    import jaxresample.batch
    import jaxresample.io
    import jaxresample.ndimage
    import jaxresample.transform

    module, _, attr = name.rpartition(".")
    faces = {
        "": jaxresample, "ndimage": jaxresample.ndimage, "io": jaxresample.io,
        "transform": jaxresample.transform, "batch": jaxresample.batch,
    }  # fmt: skip
    return getattr(faces[module], attr)


def _mapping(name: str, *, scipy: bool) -> Any:
    import jax.numpy as jnp

    if name == "identity":
        return lambda c: tuple(c)
    if name == "shift":
        return lambda c: tuple(v - 0.5 for v in c) if scipy else tuple(v - 0.5 for v in c)
    if name == "python_if":
        return lambda c: tuple(v if v > 1 else v + 1 for v in c)
    if name == "scalar":
        return lambda c: 1.0
    if name == "too_few":
        return lambda c: tuple(c)[:-1] if len(c) > 1 else ()
    return "not a function" if not scipy else jnp  # not_callable


def _file(spec: File, folder: Path) -> Path:
    import nibabel as nib

    path = folder / f"v{len(list(folder.iterdir()))}{spec.suffix}"
    data = np.random.default_rng(0).normal(size=(5, 4, 3)).astype(np.float32)
    if spec.kind in ("good", "exists"):
        nib.save(nib.Nifti1Image(data, np.diag([2.0, 2.0, 3.0, 1.0])), path)
    elif spec.kind == "big-endian":
        img = nib.Nifti1Image(data.astype(">i2"), np.eye(4))
        img.header.set_data_dtype(">i2")
        nib.save(img, path)
    elif spec.kind == "mgz":
        path = path.with_name(path.name.split(".")[0] + ".mgz")
        nib.save(nib.MGHImage(data, np.diag([2.0, 2.0, 3.0, 1.0])), path)
    elif spec.kind == "new-mgz":
        path = path.with_name(path.name.split(".")[0] + ".mgz")
    elif spec.kind == "complex":
        nib.save(nib.Nifti1Image(data * (1 + 1j), np.eye(4)), path)
    elif spec.kind == "negative-dim":
        header = nib.Nifti1Header()
        header.set_data_dtype(np.float32)
        header["dim"][:4] = [3, -5, 2, 2]
        path = path.with_suffix("").with_suffix(".nii")
        path.write_bytes(header.binaryblock + b"\0" * 4)
    elif spec.kind == "directory":
        path.mkdir()
    elif spec.kind == "garbage":
        path.write_bytes(b"not a nifti file at all" * 20)
    elif spec.kind == "truncated":
        nib.save(nib.Nifti1Image(data, np.eye(4)), path)
        path.write_bytes(path.read_bytes()[:200])
    elif spec.kind == "huge-header":
        header = nib.Nifti1Header()
        header.set_data_shape((30000, 30000, 30000))
        header.set_data_dtype(np.float32)
        path = path.with_suffix("").with_suffix(".nii")
        with open(path, "wb") as f:
            f.write(header.binaryblock + b"\0" * 4)
    elif spec.kind == "no-directory":
        path = folder / "missing" / "v.nii.gz"
    elif spec.kind == "bad-suffix" or spec.kind == "not-nifti-name":
        path = path.with_name("volume.txt")
        if spec.kind == "not-nifti-name":
            path.write_bytes(b"x")
    return path


def _resolve(value: Any, *, folder: Path, scipy: bool) -> Any:
    import jax.numpy as jnp

    if isinstance(value, J):
        return value.value if scipy else jnp.asarray(value.value)
    if isinstance(value, Mapping):
        return _mapping(value.name, scipy=scipy)
    if isinstance(value, File):
        return _file(value, folder)
    if isinstance(value, list):  # a list of files (the inputs of batch.resample_files)
        return [_resolve(v, folder=folder, scipy=scipy) for v in value]
    return value


def _prefix_ok(name: str, err: BaseException) -> bool:
    fn = name.rpartition(".")[2]
    text = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
    # Python's own errors for a bad call name the function too: "zoom() got an unexpected..."
    starts = (f"{fn}:", f"{fn}()") + (("Volume:",) if fn == "describe" else ())
    return any(text.startswith(s) for s in starts)


def _call(name: str, call: Call, folder: Path) -> Any:
    fn = _public(name)
    args = [_resolve(a, folder=folder, scipy=False) for a in call.args]
    kwargs = {k: _resolve(v, folder=folder, scipy=False) for k, v in call.kwargs.items()}
    if name == "io.describe":
        return fn(_public("io.Volume")(*args))
    return fn(*args, **kwargs)


def _scipy(name: str, call: Call) -> Any:
    """scipy's answer to the same call, or the exception it raises."""
    import scipy.ndimage as ndi

    from tests.test_interp import GH24550_MODES, exact_coefficients

    fn = getattr(ndi, name.rpartition(".")[2])
    args = [_resolve(a, folder=Path("."), scipy=True) for a in call.args]
    kwargs = {k: _resolve(v, folder=Path("."), scipy=True) for k, v in call.kwargs.items()}
    if name == "ndimage.geometric_transform":
        inner = args[1]
        args[1] = lambda c: inner(c)
    order = kwargs.get("order", 3)
    mode = kwargs.get("mode", "mirror" if "spline" in name else "constant")
    interp = name in ("ndimage.map_coordinates", "ndimage.zoom", "ndimage.shift",
                      "ndimage.affine_transform", "ndimage.geometric_transform")  # fmt: skip
    cval = kwargs.get("cval", 0.0)
    x0 = np.asarray(args[0])
    if (interp and kwargs.get("prefilter", True) and order in (2, 3, 4, 5)
            and mode == "grid-constant" and x0.dtype.kind in "iub"
            and isinstance(cval, float) and cval != int(cval)):  # fmt: skip
        # scipy pads an integer input with cval cast to its dtype (2.5 -> 2), then
        # interpolates with cval itself: no single right answer to compare with
        raise _Incomparable("scipy pads integer inputs with a truncated cval")
    if interp and kwargs.get("prefilter", True) and mode in GH24550_MODES and order in (2, 3, 4, 5):
        x = np.asarray(args[0])
        if x.dtype.kind in "fiu" and x.size:
            args[0] = exact_coefficients(x, order, mode)
            kwargs["prefilter"] = False
            if kwargs.get("output") is None:  # the input's dtype, not the coefficients'
                kwargs["output"] = x.dtype
    if name in ("ndimage.spline_filter", "ndimage.spline_filter1d") and order in (2, 3, 4, 5):
        from tests.test_splines import REFLECT_INIT, oracle1d

        x = np.asarray(args[0])
        out = np.dtype(kwargs.get("output", np.float64) or x.dtype)  # None: the input's dtype
        if mode in REFLECT_INIT and x.dtype.kind in "fiu" and x.ndim and out.kind == "f":
            axes = [kwargs.get("axis", -1)] if name.endswith("1d") else range(x.ndim)
            for ax in axes:
                x = oracle1d(x, order, ax, mode)
            return x.astype(out)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


class _Incomparable(Exception):
    """scipy's answer to this call is not one to compare values with (the reason)."""


def _as_arrays(result: Any) -> list[np.ndarray]:
    result = getattr(result, "levels", result)  # a LaplacianPyramid: its levels
    if isinstance(result, types.GeneratorType):  # scikit-image's pyramids: every layer
        result = tuple(result)
    if isinstance(result, tuple):
        return [np.asarray(r) for r in result if hasattr(r, "shape")]
    if isinstance(result, list):  # one result per volume (jaxresample.batch)
        return [a for r in result for a in _as_arrays(r if isinstance(r, tuple) else (r,))]
    if hasattr(result, "shape"):
        return [np.asarray(result)]
    return []


def _compare(ours: np.ndarray, want: np.ndarray, exact: np.ndarray | None = None) -> str | None:
    """Why ``ours`` is not scipy's ``want`` (None if it is).

    ``exact``: scipy's float64 result of the same call, for integer outputs: where it lies
    outside the output type's range, scipy's C cast is undefined (x86-64 wraps; so do the
    intermediates of a multi-axis filter), and integer results are not compared.
    """
    import jax

    want_dt = np.dtype(jax.dtypes.canonicalize_dtype(want.dtype.newbyteorder("=")))
    if ours.dtype != want_dt and not (want.dtype == np.float16 or ours.dtype == np.float16):
        return f"dtype {ours.dtype}, scipy {want.dtype} (canonical {want_dt})"
    if ours.shape != want.shape:
        return f"shape {ours.shape}, scipy {want.shape}"
    if ours.size == 0 or not np.all(np.isfinite(want.astype(np.complex128))):
        return None
    if ours.dtype.kind in "iu":
        info = np.iinfo(ours.dtype)
        if (
            exact is not None
            and exact.size
            and (np.nanmin(exact) < info.min - 1 or np.nanmax(exact) > info.max + 1)
        ):
            return None
        diff = np.abs(ours.astype(np.float64) - want.astype(np.float64))
        # scipy's C cast of a value outside the type's range is undefined (x86-64 wraps);
        # ours saturates
        wrapped = (ours == info.min) | (ours == info.max)
        bad = (diff > 1) & ~wrapped
        return f"integers differ by up to {diff[bad].max()}" if bad.any() else None
    a, b = ours.astype(np.complex128), want.astype(np.complex128)
    scale = max(1.0, float(np.abs(b).max()))
    tol = (1e-8 if ours.dtype in (np.float64, np.complex128) else 2e-3) * scale
    err = float(np.abs(a - b).max())
    return f"values differ from scipy's by {err:.3g} (tolerance {tol:.3g})" if err > tol else None


def judge(name: str, call: Call, folder: Path) -> dict[str, Any]:
    """Run one call (and its scipy and jit twins) and return the verdict."""
    import jax

    start = time.perf_counter()
    verdict: dict[str, Any] = {"name": name}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            result = _call(name, call, folder)
            arrays = _as_arrays(result)
            for a in arrays:
                a.sum() if a.dtype.kind != "O" else None  # materialise
    except Exception as err:  # noqa: BLE001 - classifying what was raised is the point
        verdict.update(outcome="error", error=type(err).__name__, message=str(err)[:300])
        files = name.startswith("io.") or name == "batch.resample_files"
        allowed = (ValueError, TypeError) + ((OSError,) if files else ())
        if not isinstance(err, allowed):
            verdict["problem"] = f"raised {type(err).__name__}: {err}\n{traceback.format_exc()}"
        elif not _prefix_ok(name, err):
            verdict["problem"] = f"the message does not start with the function's name: {err}"
        arrays = None
    verdict["seconds"] = time.perf_counter() - start
    if verdict["seconds"] > CALL_LIMIT_S:
        verdict["problem"] = f"took {verdict['seconds']:.1f} s (limit {CALL_LIMIT_S} s)"
    if arrays is None:
        return verdict
    verdict["outcome"] = "result"
    if call.finite and any(a.dtype.kind in "fc" and not np.all(np.isfinite(a)) for a in arrays):
        verdict["problem"] = "a non-finite result for finite input"
    if call.jit and arrays:
        jit_start = time.perf_counter()
        try:
            args = [_resolve(a, folder=folder, scipy=False) for a in call.args]
            kwargs = {k: _resolve(v, folder=folder, scipy=False) for k, v in call.kwargs.items()}
            fn = _public(name)
            jitted = np.asarray(jax.jit(lambda x: fn(x, *args[1:], **kwargs))(args[0]))
            verdict["jit"] = "result"
            problem = _compare(jitted, arrays[0]) if arrays[0].dtype.kind != "O" else None
            if problem and call.finite:
                verdict["problem"] = f"jit differs from eager: {problem}"
        except (ValueError, TypeError) as err:
            verdict["jit"] = "error"
            if not _prefix_ok(name, err):
                verdict["problem"] = f"under jit: {type(err).__name__}: {err}"
        except Exception as err:  # noqa: BLE001
            verdict["jit"] = "error"
            verdict["problem"] = f"under jit: raised {type(err).__name__}: {err}"
        verdict["jit_seconds"] = time.perf_counter() - jit_start
    verdict["_arrays"] = arrays
    return verdict


def judge_oracle(name: str, call: Call, verdict: dict[str, Any]) -> dict[str, Any]:
    """Compare a result with scipy's answer to the same call (where scipy is asked)."""
    arrays = verdict.pop("_arrays", None)
    start = time.perf_counter()
    if call.oracle and call.finite and name.startswith("ndimage.") and arrays:
        try:
            want = np.asarray(_scipy(name, call))
        except _Incomparable as why:
            verdict["scipy"] = f"not compared: {why}"
        except Exception as err:  # noqa: BLE001 - scipy refusing is information, not a failure
            verdict["scipy"] = f"error {type(err).__name__}"
        else:
            verdict["scipy"] = "result"
            exact = None
            if want.dtype.kind in "iu" and "output" in call.kwargs:
                as_float = replace(call, kwargs={**call.kwargs, "output": np.float64})
                with contextlib.suppress(Exception):
                    exact = np.asarray(_scipy(name, as_float))
            problem = _compare(arrays[0], want, exact)
            if problem:
                verdict["problem"] = f"scipy answers differently: {problem}"
        verdict["scipy_seconds"] = time.perf_counter() - start
    return verdict


def serve(conn: Any) -> None:
    """The child's loop: receive ``(name, call)``, send back the verdict."""
    import jax

    # Several children run at once (one per pytest worker): a budget of a few GiB each keeps
    # a drawn zoom by 10 000 from swapping the machine (tests/test_limits.py checks the
    # default budget, the device's memory).
    os.environ.setdefault("JAXRESAMPLE_MAX_BYTES", "2G")
    # the suite's strictness (conftest.py): the library must work under it
    jax.config.update("jax_numpy_rank_promotion", "raise")
    jax.config.update("jax_numpy_dtype_promotion", "strict")
    jax.config.update("jax_default_matmul_precision", "highest")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        while True:
            try:
                item = conn.recv()
            except EOFError:
                return
            if item is None:
                return
            name, call = item
            try:
                verdict = judge(name, call, folder)
            except Exception as err:  # noqa: BLE001 - report, keep serving
                verdict = {"name": name, "outcome": "error",
                           "problem": f"{err!r}\n{traceback.format_exc()}"}  # fmt: skip
            # our answer first: if scipy then crashes the process (its C code does on a shift
            # of 1e30), the parent knows ours completed
            conn.send({k: v for k, v in verdict.items() if k != "_arrays"})
            try:
                verdict = judge_oracle(name, call, verdict)
            except Exception as err:  # noqa: BLE001
                verdict["problem"] = f"comparing with scipy: {err!r}\n{traceback.format_exc()}"
            conn.send(verdict)


# ----------------------------------------------------------------------------- parent side


class Runner:
    """A child process that judges calls; restarted after an abort or a hang."""

    def __init__(self) -> None:
        self._ctx = mp.get_context("spawn")
        self._proc: Any = None
        self._conn: Any = None

    def _start(self) -> None:
        parent, child = self._ctx.Pipe()
        self._proc = self._ctx.Process(target=serve, args=(child,), daemon=True)
        self._proc.start()
        self._conn = parent

    def judge(self, name: str, call: Call) -> dict[str, Any]:
        if self._proc is None or not self._proc.is_alive():
            self._start()
        self._conn.send((name, call))
        answers: list[dict[str, Any]] = []
        for _ in range(2):  # our answer, then the comparison with scipy
            if not self._conn.poll(HANG_S):
                self.close(kill=True)
                if answers:  # scipy hung, not us
                    return {**answers[0], "scipy": "hung"}
                return {"name": name, "outcome": "hang", "problem": f"no answer in {HANG_S} s"}
            try:
                answers.append(self._conn.recv())
            except EOFError:
                self.close(kill=True)
                if answers:  # scipy crashed the process, not us
                    return {**answers[0], "scipy": "crashed"}
                return {"name": name, "outcome": "abort", "problem": "the process died"}
        return answers[1]

    def close(self, *, kill: bool = False) -> None:
        if self._proc is None:
            return
        if kill:
            self._proc.kill()
        else:
            try:
                self._conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        self._proc.join(10)
        self._proc = None
