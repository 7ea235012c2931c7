"""Reading YAML safely, with the line of every value.

Plain YAML only: tags that build Python objects (`!!python/object` …) are refused, as are aliases
that refer to themselves or expand past MAX_NODES values (a "billion laughs" bomb), nesting deeper
than MAX_DEPTH levels, and duplicate mapping keys (which YAML would otherwise settle by keeping
the last one: a task could silently vanish). Text must be UTF-8 (a byte-order mark, as Windows
Notepad writes, is accepted); tabs used to indent are refused with the line.

PyYAML is imported inside the functions: a run that reads the cache never needs it.
"""

from __future__ import annotations

from typing import Any

from minshi.errors import DataFileError
from minshi.quantity import MAX_FRACTION_DIGITS
from minshi.tuples import NamedTuple

MAX_NODES = 200_000  # YAML nodes after alias expansion ("billion laughs" guard)
# A notice nests 8 levels (notice → tasks → task → metrics → metric → revisions → revision → field);
# far deeper is not a notice, and would overflow the stack of the YAML composer (a crash, not
# an error) long before any other limit is reached.
MAX_DEPTH = 32

Loc = tuple[str | int, ...]


class Document(NamedTuple):
    data: Any
    root: Any  # the yaml node tree, to map a location back to a line


def _loader_class() -> Any:
    import yaml  # PyYAML only when a file is read: the cache spares it

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def decode(raw: bytes, path: str) -> str:
    try:
        return raw.decode("utf-8-sig")  # a BOM (Windows Notepad) is accepted
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        try:
            raw.decode("gbk")
            guess = ", it looks like GBK"
        except UnicodeDecodeError:
            guess = ""
        raise DataFileError(
            f"{path}:{line}: not UTF-8 text (byte 0x{raw[e.start]:02x}{guess}); "
            "save the file as UTF-8"
        ) from e


def _check_depth(text: str, path: str) -> None:
    """Refuse deep nesting from the event stream, which is read without recursion."""
    import yaml  # see _loader_class

    depth = 0
    for event in yaml.parse(text, Loader=_loader_class()):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                line = f":{event.start_mark.line + 1}" if event.start_mark else ""
                raise DataFileError(
                    f"{path}{line}: nested more than {MAX_DEPTH} levels deep; "
                    "this is not a notice file"
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _tab_indented(text: str, line: int) -> bool:
    lines = text.splitlines()
    if not 0 <= line < len(lines):
        return False
    content = lines[line]
    return "\t" in content[: len(content) - len(content.lstrip())]


_YAML_TAG = "tag:yaml.org,2002:"
_NUMBER_TAGS = frozenset({_YAML_TAG + "int", _YAML_TAG + "float"})
MAX_NUMBER_CHARS = 64  # the store keeps 30 digits before the point and 12 after
# plain data: what a notice is written with; not !!python/…, !!binary, !!set or custom tags
PLAIN_TAGS = frozenset(
    _YAML_TAG + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge")
)


def _check_number(text: str, where: str) -> None:
    """Refuse a number no notice prints, before Python reads it: too long to read at all (over
    4,300 digits is an error of its own), or a fraction a float would silently round."""
    if len(text) > MAX_NUMBER_CHARS:
        raise DataFileError(
            f"{where}: a number of {len(text):,} characters; no figure of a notice is that long"
        )
    fraction = text.lower().partition("e")[0].partition(".")[2].replace("_", "")
    if len(fraction) > MAX_FRACTION_DIGITS:
        raise DataFileError(
            f"{where}: {text} has more than {MAX_FRACTION_DIGITS} digits after the decimal point"
        )


def _walk_nodes(root: Any, path: str) -> None:
    """Refuse other than plain tags, duplicate keys and alias bombs before anything is built."""
    import yaml  # see _loader_class

    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Any) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        line = node.start_mark.line + 1
        if key in active:
            raise DataFileError(f"{path}:{line}: an alias refers to itself")
        if node.tag not in PLAIN_TAGS:
            tag = node.tag.replace(_YAML_TAG, "!!", 1)
            raise DataFileError(
                f"{path}:{line}: the tag {tag} is not allowed in a data file (plain values only)"
            )
        if isinstance(node, yaml.ScalarNode) and node.tag in _NUMBER_TAGS:
            _check_number(node.value, f"{path}:{line}")
        active.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode):
                    if k.value in seen and k.tag != "tag:yaml.org,2002:merge":
                        first = seen[k.value]
                        where = (
                            f"line {first.line + 1}"
                            if first.line != k.start_mark.line
                            else f"column {first.column + 1} of this line"
                        )
                        raise DataFileError(
                            f"{path}:{k.start_mark.line + 1}: duplicate key '{k.value}' "
                            f"(first at {where}); YAML would keep only the last one"
                        )
                    seen[k.value] = k.start_mark
                total += size(k) + size(v)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                total += size(item)
        active.discard(key)
        sizes[key] = total
        if total > MAX_NODES:
            raise DataFileError(
                f"{path}:{line}: too many values after expanding aliases (over {MAX_NODES:,}); "
                "this is not a notice file"
            )
        return total

    size(root)


def read_yaml(text: str, path: str) -> Document:
    """Parse YAML text with safe_load-level constructs only, keeping the node tree."""
    import yaml  # see _loader_class

    loader = _loader_class()(text)
    try:
        _check_depth(text, path)
        root = loader.get_single_node()
        if root is None:
            raise DataFileError(f"{path}: the file is empty")
        _walk_nodes(root, path)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = f":{mark.line + 1}" if mark else ""
        what = " ".join(str(x) for x in (e.context, e.problem) if x)
        if "nesting depth" in what:  # PyYAML ≥ 6.0.4 has a limit of its own, far above ours
            what = f"nested more than {MAX_DEPTH} levels deep; this is not a notice file"
            raise DataFileError(f"{path}{line}: {what}") from e
        if "could not determine a constructor" in what or "!!python" in what:
            what = f"tag not allowed in a data file ({e.problem or what})"
        elif mark and _tab_indented(text, mark.line):
            what = "a tab is used to indent; YAML indents with spaces only"
        raise DataFileError(f"{path}{line}: invalid YAML: {what}") from e
    except yaml.YAMLError as e:
        raise DataFileError(f"{path}: invalid YAML: {e}") from e
    except RecursionError as e:
        raise DataFileError(f"{path}: nested too deeply to be a notice file") from e
    finally:
        loader.dispose()
    return Document(data=data, root=root)


def line_of(root: Any, loc: Loc) -> int | None:
    """The 1-based line of the value at `loc` (or of the nearest enclosing value)."""
    import yaml  # see _loader_class

    node = root
    line: int = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == str(part):
                    node = v
                    line = k.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line
