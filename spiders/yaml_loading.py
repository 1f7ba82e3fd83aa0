"""Read a user's YAML file safely: no alias bombs, and errors that name the file and line.

PyYAML's ``safe_load`` refuses arbitrary objects but expands aliases without limit: a 506-byte file of nested
anchors (a "billion laughs") becomes tens of MB and over a GB of memory once the crawl serialises it. This
loader composes the node graph (anchors stay shared there, so composing is cheap), measures the size the
document would have with every alias expanded, and refuses it above a bound before building any object.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# A sources file of 10,000 URLs is ~20,000 nodes; a million leaves room and stops any bomb at once.
MAX_EXPANDED_NODES = 1_000_000
# libyaml's parser when PyYAML was built with it: a 10 MB sources file composes in ~1 s instead of ~8 s
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlFileError(ValueError):
    """A YAML file that cannot be read, does not parse, or expands beyond the bound."""


def _expanded_size(node: yaml.Node, memo: dict[int, int], active: set[int], limit: int) -> int:
    key = id(node)
    if key in memo:
        return memo[key]
    if key in active:
        raise YamlFileError("recursive alias (a node that contains itself)")
    active.add(key)
    size = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            size += _expanded_size(child, memo, active, limit)
            if size > limit:
                break
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            size += _expanded_size(k, memo, active, limit) + _expanded_size(v, memo, active, limit)
            if size > limit:
                break
    active.discard(key)
    memo[key] = size
    return size


def load_yaml_text(text: str, origin: str, max_nodes: int = MAX_EXPANDED_NODES) -> Any:
    """Parse one YAML document; raise :class:`YamlFileError` naming ``origin`` and the line on any problem."""
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        size = _expanded_size(node, {}, set(), max_nodes)
        if size > max_nodes:
            raise YamlFileError(f"{origin}: expands to more than {max_nodes:,} values with its aliases; refused")
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{origin}, line {mark.line + 1}, column {mark.column + 1}" if mark else origin
        raise YamlFileError(f"{where}: not valid YAML: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise YamlFileError(f"{origin}: not valid YAML: {exc}") from exc
    except YamlFileError as exc:
        msg = str(exc)
        raise YamlFileError(msg if msg.startswith(origin) else f"{origin}: {msg}") from None
    finally:
        loader.dispose()


def load_yaml_file(path: str | Path, max_nodes: int = MAX_EXPANDED_NODES) -> Any:
    """Read and parse a YAML file with :func:`load_yaml_text`."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlFileError(f"cannot read {p}: {getattr(exc, 'strerror', None) or exc}") from exc
    return load_yaml_text(text, str(p), max_nodes)
