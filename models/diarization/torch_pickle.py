"""Read a legacy (pre-zip) ``torch.save`` checkpoint into numpy arrays, without torch.

Resemblyzer's ``pretrained.pt`` is the only speaker-encoder weight file we ship, and importing torch
for it would add gigabytes to the default install. The legacy format is five consecutive pickles
and raw bytes: magic number, protocol version, system info, the object (tensors appear as
``_rebuild_tensor_v2`` calls over *persistent ids* naming a storage), the list of storage keys,
then for each key an int64 element count followed by the storage's raw little-endian data.

The unpickler resolves only the handful of globals such a state dict needs, so a tampered file
cannot run code through ``find_class``.
"""

from __future__ import annotations

import collections
import pickle
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

_MAGIC = 0x1950A86A20F9469CFC6C
_PROTOCOL = 1001

# torch storage class name -> numpy dtype of its elements
_STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


@dataclass(frozen=True)
class _StorageType:
    dtype: np.dtype


@dataclass(frozen=True)
class _StorageRef:
    key: str
    dtype: np.dtype


@dataclass(frozen=True)
class _TensorRef:
    """A tensor whose storage bytes come later in the file than the pickle that describes it."""

    storage: _StorageRef
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, hooks=None, *_):
    return _TensorRef(storage, int(storage_offset), tuple(size), tuple(stride))


def _rebuild_parameter(data, requires_grad=False, hooks=None):
    return data


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor_v2
        if module == "torch._utils" and name == "_rebuild_parameter":
            return _rebuild_parameter
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(np.dtype(_STORAGE_DTYPES[name]))
        raise pickle.UnpicklingError(f"unsupported global in checkpoint: {module}.{name}")

    def persistent_load(self, pid: Any) -> _StorageRef:
        kind, storage_type, key, _location, _size, view = pid
        if kind != "storage" or view is not None or not isinstance(storage_type, _StorageType):
            raise pickle.UnpicklingError(f"unsupported persistent id: {pid!r}")
        return _StorageRef(str(key), storage_type.dtype)


def _materialise(obj: Any, storages: dict[str, np.ndarray]) -> Any:
    if isinstance(obj, _TensorRef):
        flat = storages[obj.storage.key]
        item = flat.itemsize
        view = np.lib.stride_tricks.as_strided(
            flat[obj.offset :], shape=obj.shape, strides=tuple(s * item for s in obj.stride)
        )
        return np.array(view)  # own the memory: the flat storage can be freed
    if isinstance(obj, dict):
        return type(obj)((k, _materialise(v, storages)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return type(obj)(_materialise(v, storages) for v in obj)
    return obj


def _read_storages(f: BinaryIO, keys: list[str], dtypes: dict[str, np.dtype]) -> dict[str, np.ndarray]:
    storages = {}
    for key in keys:
        (count,) = struct.unpack("<q", f.read(8))
        dtype = dtypes[key].newbyteorder("<")
        data = f.read(count * dtype.itemsize)
        if len(data) != count * dtype.itemsize:
            raise ValueError(f"checkpoint truncated in storage {key}")
        storages[key] = np.frombuffer(data, dtype=dtype)
    return storages


def _storage_dtypes(obj: Any, out: dict[str, np.dtype]) -> None:
    if isinstance(obj, _TensorRef):
        out[obj.storage.key] = obj.storage.dtype
    elif isinstance(obj, dict):
        for v in obj.values():
            _storage_dtypes(v, out)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            _storage_dtypes(v, out)


def load_legacy_checkpoint(path: Path) -> Any:
    """Return the saved object with every tensor replaced by a numpy array.

    Raises ``ValueError`` when the file is not a legacy torch checkpoint (e.g. the newer zip form).
    """
    with open(path, "rb") as f:
        try:
            magic = pickle.load(f)
            protocol = pickle.load(f)
            sys_info = pickle.load(f)
        except (pickle.UnpicklingError, EOFError) as exc:
            raise ValueError(f"{path} is not a legacy torch checkpoint") from exc
        if magic != _MAGIC or protocol != _PROTOCOL:
            raise ValueError(f"{path} is not a legacy torch checkpoint")
        if not sys_info.get("little_endian", True):
            raise ValueError(f"{path} was saved on a big-endian machine")
        obj = _Unpickler(f).load()
        keys = pickle.load(f)
        dtypes: dict[str, np.dtype] = {}
        _storage_dtypes(obj, dtypes)
        storages = _read_storages(f, [str(k) for k in keys], dtypes)
    return _materialise(obj, storages)
