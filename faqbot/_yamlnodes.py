"""Typed, located reading of a composed YAML document.

The knowledge base is read from `yaml.compose` nodes rather than from `safe_load` output so that every
error can name the file, the line and the field. Composing never constructs Python objects from tags, so
`!!python/object` and friends cannot run code. Nesting depth is checked before composing (libyaml's composer
recurses in C), and what aliases repeat is counted right after, so that deep nesting or an alias bomb
("billion laughs") fails fast instead of expanding; reading then stays under a node budget.
"""

from __future__ import annotations

import os
import re
import reprlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import yaml

from .errors import KnowledgeError, Location, UsageError

T = TypeVar("T")

MAX_FILE_MB_ENV = "FAQBOT_MAX_KB_MB"
"""The environment setting that raises the file-size limit (in MB)."""
DEFAULT_MAX_FILE_MB = 100
"""About 1,000,000 short entries: far more than the 200,000 faqbot is measured with (README "Performance")."""
MAX_NODES = 500_000
"""Node visits a document may cost at least; a large document gets 16 visits per node (several walks)."""
_VISITS_PER_NODE = 16
MAX_ALIASED = 10_000
"""Nodes that aliases may repeat (or as many as the document has, if more); beyond that it is an alias bomb."""
MAX_DEPTH = 100
"""Deeper nesting is refused before composing: libyaml's composer recurses on the C stack (a crash at some
30,000 levels) and its scanner slows down quadratically with the depth of flow collections."""

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_KNOWN_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _MAP, _SEQ}
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MAY_ALIAS = re.compile(r"(?:^|[\s\[{,:])&\S")
"""Where an anchor could be: `&` and a name at the start of a node (after a space, a line start or a flow
indicator; "AT&T" is no anchor). Text without one can hold no alias, and is spared the walk that measures
what aliases repeat: most large files have none."""


def did_you_mean(word: str, choices: list[str]) -> str:
    """A "(did you mean 'x'?)" hint, or an empty string when nothing is close."""
    import difflib  # only a broken file needs it: loading a good one stays quicker

    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


class Node:
    """One YAML node with its field path: typed accessors raise `KnowledgeError` at the node's line."""

    __slots__ = ("_budget", "_field", "_parent", "path", "raw")

    def __init__(
        self, raw: yaml.Node, path: str, field: str | int, budget: list[int], parent: Node | None = None
    ) -> None:
        self.raw = raw
        self.path = path
        self._field = field
        """This node's key (text) or list position (a number) under `_parent`, or its whole field path."""
        self._parent = parent
        self._budget = budget
        budget[0] -= 1
        if budget[0] < 0:
            raise self.error("document too deep or repetitive to read (alias expansion?)")

    @property
    def field(self) -> str:
        """The field path, e.g. `entries[3].alternates[0]`: spelled out only when an error needs it (a large
        knowledge base has millions of nodes, and few errors)."""
        if self._parent is None:
            return str(self._field)
        above = self._parent.field
        if isinstance(self._field, int):
            return f"{above}[{self._field}]"
        return f"{above}.{self._field}" if above else self._field

    @property
    def where(self) -> Location:
        return Location(self.path, self.raw.start_mark.line + 1)

    def error(self, message: str) -> KnowledgeError:
        return KnowledgeError(self.where, self.field, message)

    def _child(self, raw: yaml.Node, field: str | int) -> Node:
        return Node(raw, self.path, field, self._budget, self)

    def _check_tag(self) -> None:
        if self.raw.tag not in _KNOWN_TAGS:
            raise self.error(f"unsupported YAML tag {self.raw.tag!r} (plain data only)")

    def kind(self) -> str:
        self._check_tag()
        if isinstance(self.raw, yaml.MappingNode):
            return "mapping"
        if isinstance(self.raw, yaml.SequenceNode):
            return "list"
        return {_STR: "string", _INT: "integer", _FLOAT: "number", _BOOL: "boolean"}.get(self.raw.tag, "null")

    def scalar(self) -> Any:
        self._check_tag()
        if not isinstance(self.raw, yaml.ScalarNode):
            raise self.error(f"expected a single value, got a {self.kind()}")
        try:  # the tag's own constructor: `construct_object` would keep every node it is given, for good
            return _CONSTRUCTOR.yaml_constructors[self.raw.tag](_CONSTRUCTOR, self.raw)
        except (ValueError, IndexError, KeyError):  # `!!int abc`, `!!float ''`, more digits than Python reads
            tag = self.raw.tag.rsplit(":", 1)[-1]
            raise self.error(f"cannot read {reprlib.repr(self.raw.value)} as a YAML {tag}") from None

    def text(self, *, allow_empty: bool = False) -> str:
        """A string; numbers and booleans are refused so that `answer: yes` is not silently `True`."""
        raw = self.raw
        if raw.tag == _STR and type(raw) is yaml.ScalarNode:  # the common case, read directly
            if not allow_empty and not raw.value.strip():
                raise self.error("must not be empty")
            return str(raw.value)
        if self.kind() != "string":
            raise self.error(f"expected text, got a {self.kind()}")
        value = str(self.scalar())
        if not allow_empty and not value.strip():
            raise self.error("must not be empty")
        return value

    def word(self) -> str:
        """A scalar exactly as written, so that an option named `yes` stays "yes", not True."""
        if self.kind() not in ("string", "boolean", "integer") or not isinstance(self.raw, yaml.ScalarNode):
            raise self.error(f"expected a word, got a {self.kind()}")
        value = str(self.raw.value)
        if not value.strip():
            raise self.error("must not be empty")
        return value

    def number(self, low: float, high: float) -> float:
        if self.kind() not in ("integer", "number"):
            raise self.error(f"expected a number, got a {self.kind()}")
        try:
            value = float(self.scalar())
        except OverflowError:  # an integer too large for a float
            raise self.error(f"{reprlib.repr(self.raw.value)} is out of range {low:g}..{high:g}") from None
        if not low <= value <= high:
            raise self.error(f"{value:g} is out of range {low:g}..{high:g}")
        return value

    def items(self) -> Iterator[Node]:
        if self.kind() != "list":
            raise self.error(f"expected a list, got a {self.kind()}")
        assert isinstance(self.raw, yaml.SequenceNode)
        for i, raw in enumerate(self.raw.value):
            yield self._child(raw, i)

    def texts(self) -> tuple[str, ...]:
        return tuple(item.text() for item in self.items())

    def pairs(self) -> Iterator[tuple[str, Node]]:
        """Key/value pairs of a mapping with text keys, refusing duplicate keys."""
        if self.kind() != "mapping":
            raise self.error(f"expected a mapping (key: value), got a {self.kind()}")
        assert isinstance(self.raw, yaml.MappingNode)
        seen: set[str] = set()
        for raw_key, raw_value in self.raw.value:
            if raw_key.tag == _STR and type(raw_key) is yaml.ScalarNode and raw_key.value.strip():
                key = raw_key.value  # the common case; anything else is read (and refused) as a word below
            else:
                key = Node(raw_key, self.path, self.field, self._budget).word()
            if key in seen:
                raise Node(raw_key, self.path, self.field, self._budget).error(f"duplicate key {key!r}")
            seen.add(key)
            yield key, self._child(raw_value, key)

    def fields(self, required: set[str], optional: set[str]) -> dict[str, Node]:
        """The mapping's values by key, after refusing unknown keys and reporting missing ones."""
        found = dict(self.pairs())
        allowed = sorted(required | optional)
        for key, node in found.items():
            if key not in required and key not in optional:
                raise KnowledgeError(node.where, node.field, f"unknown key{did_you_mean(key, allowed)}")
        for key in sorted(required - found.keys()):
            raise self.error(f"missing required key {key!r}")
        return found


def compose(path: Path | str, text: str | None = None) -> Node:
    """The root node of a YAML file; syntax errors become `KnowledgeError` with the line."""
    name = str(path)
    if text is None:
        text = read_text(path)
    try:
        _check_depth(text, name)
        raw = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise KnowledgeError(Location(name, line), "", f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses, e.g. NUL: its line, in one line
        where = Location(name, _line_at(text, exc.position))
        raise KnowledgeError(where, "", f"invalid YAML: {str(exc).splitlines()[0]}") from None
    except UnicodeEncodeError as exc:  # text given in memory with a lone surrogate, which libyaml cannot take
        where = Location(name, text.count("\n", 0, exc.start) + 1)
        raise KnowledgeError(where, "", f"not UTF-8 text ({exc.reason} at character {exc.start})") from None
    except yaml.YAMLError as exc:
        raise KnowledgeError(Location(name, 1), "", f"invalid YAML: {exc}") from None
    except RecursionError:
        raise KnowledgeError(Location(name, 1), "", "invalid YAML: nested too deeply") from None
    if raw is None:
        raise KnowledgeError(Location(name, 1), "", "the file is empty")
    if not _MAY_ALIAS.search(text):  # no anchor, so no alias: the document is exactly as large as the file
        return Node(raw, name, "", [sys.maxsize])
    nodes = _check_aliases(raw, name)
    return Node(raw, name, "", [max(MAX_NODES, _VISITS_PER_NODE * nodes)])


def _check_depth(text: str, name: str) -> None:
    """Refuse collections nested more than MAX_DEPTH deep, reading parser events (which do not recurse) unless
    the text's shape shows that it cannot be (`_shallow`: reading events costs seconds on a large file)."""
    if _shallow(text):
        return
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else 1
                raise KnowledgeError(
                    Location(name, line), "", f"invalid YAML: nested more than {MAX_DEPTH} levels deep"
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


_BRACKET = re.compile(r"[\[{]")
_BEFORE_FLOW = re.compile(r"(?:^|[:,\[{?-])[ \t]*(?:[&!]\S*[ \t]+)*\Z")
"""What may come before a `[` or `{` that begins a flow collection, on its line (not "see [NHS](…)")."""
_TWO_INDICATORS = re.compile(r"[-?] +[-?](?: |$)", re.MULTILINE)
_COMPACT = re.compile(r"^ *((?:[-?](?: +|$)){2,})", re.MULTILINE)
"""Two or more block collections opened on one line ("- - a", "? - b")."""


def _shallow(text: str) -> bool:
    """Whether the text's shape alone shows that nothing in it is nested more than MAX_DEPTH deep.

    A block collection nested in another starts further indented, or on the same line after `- ` or `? `
    (or, once, as a mapping's value at the same indentation), so block depth is at most (indentation + 1) x
    (indicators opening one line + 2); flow collections add at most one per `[` or `{` that could start one.
    Each part is a quick scan of the text; when they cannot show it, the depth is measured exactly instead."""
    flow = 0
    for bracket in _BRACKET.finditer(text):
        line_start = text.rfind("\n", 0, bracket.start()) + 1
        flow += _BEFORE_FLOW.search(text, line_start, bracket.start()) is not None
        if flow > MAX_DEPTH:
            return False
    compact = 1
    if _TWO_INDICATORS.search(text):
        compact = max((run.count("-") + run.count("?") for run in _COMPACT.findall(text)), default=1)
    deepest = (MAX_DEPTH - flow) // (compact + 2) - 1
    too_deep = " " * (deepest + 1)
    return deepest >= 0 and not text.startswith(too_deep) and "\n" + too_deep not in text


def _check_aliases(root: yaml.Node, name: str) -> int:
    """Refuse a node that contains itself, or aliases repeating more than MAX_ALIASED nodes in all (or as many
    as the document has); return the number of nodes written.

    Composing does not expand aliases (a repeated node is the same object), so a small file can stand for a
    huge document; this sums what each repetition stands for without expanding anything. What a document may
    cost to read later is then bounded by its own size, so a large ordinary file is never refused for it.
    """
    size: dict[int, int] = {}
    open_nodes: set[int] = set()
    repeated, worst = 0, (0, root)
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        children = _children(node)
        if closing:
            open_nodes.discard(id(node))
            size[id(node)] = 1 + sum(size[id(child)] for child in children)
        elif id(node) in size:  # met again: through an alias
            repeated += size[id(node)]
            worst = max(worst, (size[id(node)], node), key=lambda item: item[0])
        elif id(node) in open_nodes:
            raise KnowledgeError(_at(name, node), "", "invalid YAML: an alias refers to a node that contains it")
        else:
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(children))
    if repeated > max(MAX_ALIASED, len(size)):
        raise KnowledgeError(
            _at(name, worst[1]),
            "",
            f"aliases repeat {repeated:,} nodes in a document of "
            f"{len(size):,} (an alias bomb?); write the values out instead",
        )
    return len(size)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _at(name: str, node: yaml.Node) -> Location:
    return Location(name, node.start_mark.line + 1 if node.start_mark else 1)


def _line_at(text: str, position: int) -> int:
    """The line of a reader error's position: libyaml counts UTF-8 bytes, pure-Python PyYAML characters."""
    if _Loader is yaml.SafeLoader:
        return text.count("\n", 0, position) + 1
    return text.encode("utf-8", "surrogatepass").count(b"\n", 0, position) + 1


def read_text(path: Path | str) -> str:
    """A knowledge-base file's text: UTF-8, within the size limit, or a `KnowledgeError` saying why not."""
    path = Path(path)
    where = Location(str(path), 1)
    try:
        limit = max_file_bytes()
        data = _read_capped(path, limit)
        if data is None:
            raise KnowledgeError(
                where, "", f"file is larger than {limit / 2**20:.3g} MB, the limit; set {MAX_FILE_MB_ENV} to raise it"
            )
        return data.decode("utf-8")
    except FileNotFoundError:
        raise KnowledgeError(where, "", "no such file") from None
    except IsADirectoryError:
        raise KnowledgeError(where, "", "is a directory, expected a YAML file") from None
    except UnicodeDecodeError as exc:
        where = Location(str(path), exc.object.count(b"\n", 0, exc.start) + 1)
        raise KnowledgeError(where, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise KnowledgeError(where, "", f"cannot read: {exc.strerror}") from None


def max_file_bytes() -> int:
    """The largest knowledge-base file read: `$FAQBOT_MAX_KB_MB` megabytes, else DEFAULT_MAX_FILE_MB."""
    value = os.environ.get(MAX_FILE_MB_ENV, "").strip()
    if not value:
        return DEFAULT_MAX_FILE_MB * 2**20
    try:
        megabytes = float(value)
    except ValueError:
        megabytes = -1.0
    if not 0 < megabytes < 2**20:
        raise UsageError(f"{MAX_FILE_MB_ENV}: expected a number of megabytes, got {value!r}")
    return int(megabytes * 2**20)


def _read_capped(path: Path, limit: int) -> bytes | None:
    """The file's bytes, or None past `limit`; read in chunks, as a device or pipe has no size."""
    chunks: list[bytes] = []
    size = 0
    with path.open("rb") as file:
        while chunk := file.read(1 << 16):
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
    return b"".join(chunks)


def optional(fields: dict[str, Node], key: str, read: Callable[[Node], T], default: T) -> T:
    """`read(fields[key])` when the key is present, else `default`."""
    node = fields.get(key)
    return default if node is None else read(node)
