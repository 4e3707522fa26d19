"""Writer for Tern model files (.tnm), docs/model_format.md, format version 1.

The header is a JSON object in which every numpy array found (at any depth) is
replaced by a tensor descriptor {"dtype", "shape", "offset"} and its bytes are
appended to the blob (little-endian, row-major, each tensor aligned to 8 bytes).
"""
import gzip
import json
import struct

import numpy as np

MAGIC = b"TERNMDL\x00"
VERSION = 1
_DTYPES = {np.dtype("int16"): "i16", np.dtype("int32"): "i32", np.dtype("uint8"): "u8"}


def _collect(obj, blob):
    if isinstance(obj, np.ndarray):
        dt = _DTYPES.get(obj.dtype)
        if dt is None:
            raise TypeError(f"tensor dtype {obj.dtype} not allowed (i16, i32, u8)")
        while len(blob) % 8:
            blob.append(0)
        off = len(blob)
        blob.extend(np.ascontiguousarray(obj).astype(obj.dtype.newbyteorder("<")).tobytes())
        return {"dtype": dt, "shape": [int(d) for d in obj.shape], "offset": off}
    if isinstance(obj, dict):
        return {k: _collect(v, blob) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_collect(v, blob) for v in obj]
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating,)):
        return float(obj)
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    return obj


def encode(header):
    blob = bytearray()
    hdr = _collect(header, blob)
    js = json.dumps(hdr, separators=(",", ":")).encode("utf-8")
    out = bytearray(MAGIC + struct.pack("<II", VERSION, len(js)) + js)
    while len(out) % 8:
        out.append(0)
    out.extend(blob)
    return bytes(out)


def write(path, header):
    raw = encode(header)
    # mtime=0 so identical models give identical files (reproducible builds)
    with open(path, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, compresslevel=9, mtime=0) as g:
            g.write(raw)
    return len(raw)
