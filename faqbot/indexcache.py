"""A large knowledge base loads fast the second time: the validated knowledge base and its index, saved once.

Reading and indexing a knowledge base of a hundred thousand phrasings takes many seconds, at every start of
every worker. What comes out depends only on the file's text, where it is (error messages and `faqbot check`
name it) and faqbot's version, so it is saved under a hash of those in the user's cache directory, and read
back when they match: a changed file or a new faqbot never meets a stale index. The cache is JSON, read as
data into the knowledge base's own types (never pickle: a cache file is not trusted as code), and one that is
damaged, foreign or truncated is ignored, rebuilt and replaced. Small knowledge bases are not cached: they
build faster than a cache file is read.
"""

from __future__ import annotations

import base64
import collections
import dataclasses
import hashlib
import itertools
import json
import logging
import sys
from array import array
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import knowledge
from .calibrate import Calibration
from .errors import FaqbotError, Location
from .files import cache_dir

__all__ = ["MIN_PHRASINGS", "Saved", "key", "read", "write"]

log = logging.getLogger(__name__)

FORMAT = 2
"""Bump when the saved shape changes."""
MIN_PHRASINGS = 2_000
"""Knowledge bases with fewer phrasings are not cached (they index in well under a second)."""
KEEP = 4
"""Index files kept; older ones are removed when a new one is written (each edit of a file makes a new one)."""

_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        knowledge.Call,
        knowledge.Entry,
        knowledge.Flow,
        knowledge.Meta,
        knowledge.Option,
        knowledge.RedFlag,
        knowledge.RedFlags,
        knowledge.Referral,
        knowledge.Settings,
        knowledge.Smalltalk,
        knowledge.Step,
        knowledge.Tier,
        knowledge.Variant,
        Location,
        Calibration,
    )
}
"""The only types a cache file can make: the knowledge base's own frozen records."""
_RECORDS = frozenset(_TYPES.values())


@dataclasses.dataclass(frozen=True)
class Saved:
    """What a cache file holds: the calibrated knowledge base, its calibration and the matcher's index."""

    kb: knowledge.KnowledgeBase
    calibration: Calibration | None
    index: dict[str, Any]


def key(path: Path | str, text: str) -> str:
    """The cache key of a knowledge-base file: its name, its text, faqbot's version and this format."""
    from . import __version__

    digest = hashlib.sha256(f"{FORMAT}\0{__version__}\0{path}\0".encode())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def read(cache_key: str) -> Saved | None:
    """The saved knowledge base and index for this key, or None when there is none or it cannot be trusted."""
    file = _file(cache_key)
    if file is None or not file.is_file():
        return None
    try:
        data = json.loads(file.read_bytes(), object_hook=_decode)
        if data.get("format") != FORMAT or data.get("key") != cache_key:
            raise ValueError("a cache file of another knowledge base or format")
        kb = knowledge.KnowledgeBase(**_tuples(data["kb"]))
        calibration = data["calibration"]
        if not isinstance(calibration, Calibration | None) or not isinstance(data["index"], dict):
            raise ValueError("unexpected shape")
        return Saved(kb, calibration, data["index"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError, MemoryError, FaqbotError) as exc:
        log.warning("ignoring the index cache %s (%s); it is rebuilt", file, exc)
        return None


def write(cache_key: str, saved: Saved) -> None:
    """Save a knowledge base and its index (quietly not, when the cache directory cannot be written)."""
    file = _file(cache_key)
    if file is None:
        return
    from .files import write_atomic

    fields = {f.name: _encode(getattr(saved.kb, f.name)) for f in dataclasses.fields(saved.kb) if f.init}
    record = {
        "format": FORMAT,
        "key": cache_key,
        "kb": fields,
        "calibration": _encode(saved.calibration),
        "index": {name: _encode(value) for name, value in saved.index.items()},
    }
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(file, json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        _prune(file.parent)
    except (OSError, FaqbotError) as exc:
        log.debug("index cache not written: %s", exc)  # the next load is only slower


def _file(cache_key: str) -> Path | None:
    directory = cache_dir()
    return None if directory is None else directory / "index" / f"{cache_key}.json"


def _prune(directory: Path) -> None:
    """Keep the KEEP most recently written index files."""
    files = sorted(directory.glob("*.json"), key=lambda f: f.stat().st_mtime_ns, reverse=True)
    for old in files[KEEP:]:
        old.unlink(missing_ok=True)


# -- the codec: frozen records, tuples, mappings and sets as plain JSON --------------------------------------


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if type(value).__name__ not in _TYPES:
            raise TypeError(f"cannot cache a {type(value).__name__}")
        init = [f.name for f in dataclasses.fields(value) if f.init]
        return {"@": type(value).__name__, "v": {name: _encode(getattr(value, name)) for name in init}}
    if (
        isinstance(value, tuple)
        and len(value) > 1
        and len({type(v) for v in value}) == 1
        and type(value[0]) in _RECORDS
    ):
        return _columns(value)
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, frozenset):
        return {"@set": sorted(value)}
    if isinstance(value, array):
        if value and value.count(value[0]) == len(value):  # e.g. every share 1.0: one wording per entry
            return {"@array": value.typecode, "fill": value[0], "n": len(value)}
        return {"@array": value.typecode, "bytes": base64.b64encode(_little(value).tobytes()).decode("ascii")}
    if isinstance(value, Mapping):
        return {"@map": [[k, _encode(v)] for k, v in value.items()]}
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _columns(records: tuple[Any, ...]) -> dict[str, Any]:
    """Many records of one type by field, not one by one: names once, and a column of one repeated value (every
    entry's file name) once."""
    names = [f.name for f in dataclasses.fields(records[0]) if f.init]
    columns: dict[str, Any] = {}
    for name in names:
        column = [getattr(r, name) for r in records]
        same = all(v == column[0] for v in column)
        columns[name] = {"@same": _encode(column[0])} if same else _plain_column(column)
    return {"@columns": type(records[0]).__name__, "n": len(records), "v": columns}


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain_column(column: list[Any]) -> Any:
    """A column as JSON: text, numbers and tuples of text as they are (checked once per column, not value by
    value: a large knowledge base has hundreds of thousands of questions), anything else encoded."""
    kinds = set(map(type, column))
    if kinds <= _SCALARS:
        return column
    if kinds == {tuple} and set(map(type, itertools.chain.from_iterable(column))) <= {str}:
        return list(map(list, column))
    return _encode(tuple(column))  # records of one type (every entry's `where`) by column in turn


def _decode(obj: dict[str, Any]) -> Any:
    """Called by `json.loads` for every object, innermost first: records, mappings and sets come back as
    such (lists become tuples: every sequence of a knowledge base is one)."""
    if "@" in obj:
        make: Callable[..., Any] = _TYPES[obj["@"]]  # KeyError: not one of ours
        return make(**_tuples(obj["v"]))
    if "@columns" in obj:
        return _rows(_TYPES[obj["@columns"]], obj["n"], obj["v"])
    if "@map" in obj:
        return MappingProxyType({k: _tuple(v) for k, v in obj["@map"]})
    if "@set" in obj:
        return frozenset(obj["@set"])
    if "@array" in obj:
        if obj["@array"] not in _ARRAY_TYPES:
            raise ValueError(f"unexpected array type {obj['@array']!r}")
        if "fill" in obj:
            if not 0 < obj["n"] <= _MAX_FILL:
                raise ValueError("unexpected array length")
            return array(obj["@array"], [obj["fill"]]) * obj["n"]
        return _little(array(obj["@array"], base64.b64decode(obj["bytes"], validate=True)))
    return obj


_ARRAY_TYPES = {"I", "Q", "d"}
_MAX_FILL = 1 << 28


def _rows(make: type, count: int, columns: dict[str, Any]) -> list[Any]:
    """The records `_columns` laid out by field.

    Records whose every field is an `__init__` argument and that do nothing after it (an entry, a location) are
    filled a field at a time for all of them, by the fields' own slot setters called from C: the same objects
    `__init__` would make, at a fraction of the cost, which on 200,000 entries is most of reading the cache."""
    fields = dataclasses.fields(make)
    names = [f.name for f in fields if f.init]
    if list(columns) != names:
        raise ValueError(f"the fields of {make.__name__} differ")
    values = [[_tuple(c["@same"])] * count if isinstance(c, dict) else _column(c) for c in columns.values()]
    if any(len(column) != count for column in values):
        raise ValueError(f"columns of {make.__name__} of different lengths")
    if hasattr(make, "__post_init__") or len(names) != len(fields) or not hasattr(make, "__slots__"):
        return [make(*row) for row in zip(*values, strict=True)]
    records: list[Any] = list(map(object.__new__, itertools.repeat(make, count)))
    for name, column in zip(names, values, strict=True):
        collections.deque(map(getattr(make, name).__set__, records, column), maxlen=0)
    return records


def _column(values: list[Any]) -> list[Any]:
    """A column's values, its lists as tuples (looked at once per column: most columns hold text)."""
    return list(map(_tuple, values)) if list in set(map(type, values)) else values


def _little(numbers: array[Any]) -> array[Any]:
    """Arrays are saved little-endian whatever the machine (swapping is its own inverse)."""
    if sys.byteorder == "big":
        numbers = array(numbers.typecode, numbers)
        numbers.byteswap()
    return numbers


def _tuples(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: _tuple(value) for name, value in fields.items()}


def _tuple(value: Any) -> Any:
    return tuple(value) if type(value) is list else value
