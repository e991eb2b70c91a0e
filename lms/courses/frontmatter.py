"""Reading one course markdown file: UTF-8 check, YAML front matter with line numbers, body."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from lms.courses.markdown_limits import check_markdown_limits, check_size
from lms.problems import N_, Problem

__all__ = ["SourceFile", "read_source", "split_lines"]

logger = logging.getLogger(__name__)

_DELIMITER = "---"
_CLOSERS = {"---", "..."}


@dataclass(frozen=True)
class SourceFile:
    """A parsed markdown file of a course package.

    ``path`` is the path shown in problems, ``rel`` the path relative to the course root,
    ``body_line`` the real file line number of the first body line.
    """

    path: str
    rel: PurePosixPath
    raw: bytes
    meta: dict[str, Any]
    body: str
    body_line: int
    key_lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        """The file line of a front-matter key (``quiz.pass_mark`` for nested ones).

        Falls back to the parent key, then to line 1 (the opening ``---``), so problems about
        missing keys still point into the front matter.
        """
        while key:
            if key in self.key_lines:
                return self.key_lines[key]
            key = key.rpartition(".")[0]
        return 1


def split_lines(text: str) -> list[str]:
    """Split on real line breaks only; str.splitlines() also splits on \\x0c, \\u2028 etc.,
    which would put reported line numbers out of step with editors."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _key_lines(node: yaml.Node, first_line: int, prefix: str = "") -> dict[str, int]:
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            name = prefix + str(key_node.value)
            lines.setdefault(name, key_node.start_mark.line + first_line)
            lines.update(_key_lines(value_node, first_line, name + "."))
    return lines


def _duplicate_keys(node: yaml.Node, first_line: int, path: str) -> list[Problem]:
    # PyYAML silently keeps the last of two equal keys; an author almost never means that.
    problems: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    line = key_node.start_mark.line + first_line
                    problems.append(Problem.of(path, line, N_('duplicate key "%(key)s"'),
                                               key=key_node.value))
                seen.add(key_node.value)
            problems += _duplicate_keys(value_node, first_line, path)
    return problems


#: Front matter is a few keys with short lists; deeper nesting only serves to exhaust the parser.
MAX_YAML_DEPTH = 10
_OPENERS = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken,
            yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)
_ENDS = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def _refuse_risky_yaml(text: str, first_line: int, path: str) -> Problem | None:
    """Scan the tokens (linear, builds nothing) before any node exists.

    An alias repeats a whole subtree, so ~800 bytes of anchors and aliases unfold into
    hundreds of millions of keys (a "billion laughs"); a trainer never needs them. Deep
    nesting would hit Python's recursion limit in the composer.
    """
    depth = 0
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        line = token.start_mark.line + first_line
        if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
            return Problem.of(path, line, N_("front matter may not use YAML anchors or aliases "
                                             "(& and *): write the value out in full"))
        if isinstance(token, _OPENERS):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                return Problem.of(path, line, N_("front matter nests more than %(max)s levels "
                                                 "deep"), max=MAX_YAML_DEPTH)
        elif isinstance(token, _ENDS):
            depth -= 1
    return None


def _parse_yaml(
    text: str, first_line: int, path: str
) -> tuple[Any, yaml.Node | None, Problem | None]:
    loader = yaml.SafeLoader(text)
    try:
        risky = _refuse_risky_yaml(text, first_line, path)
        if risky is not None:
            return None, None, risky
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + first_line if mark is not None else first_line - 1
        reason = getattr(exc, "problem", None) or str(exc)
        template = N_("front matter is not valid YAML: %(reason)s")
        if "mapping values are not allowed" in reason:
            # By far the most common cause: a colon inside an unquoted title or summary.
            template = N_("front matter is not valid YAML: %(reason)s (put text that contains "
                          "': ' in quotes)")
        return None, None, Problem.of(path, line, template, reason=reason)
    finally:
        loader.dispose()
    return data, node, None


def read_source(
    file: Path, path: str, rel: PurePosixPath
) -> tuple[SourceFile | None, list[Problem]]:
    """Read ``file`` and split its front matter from its body.

    Returns None with the problems when the file cannot be used at all (not UTF-8, no or
    broken front matter). ``path`` is used in problems; ``rel`` is kept on the result.
    """
    raw = file.read_bytes()
    too_big = check_size(len(raw), path)
    if too_big is not None:
        return None, [too_big]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [Problem.of(path, 0, N_("file is not valid UTF-8 text"))]
    lines = split_lines(text)
    if lines[0].rstrip() != _DELIMITER:
        message = N_("missing front matter: start the file with a --- line, then key: value lines")
        return None, [Problem.of(path, 1, message)]
    close = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() in _CLOSERS), None)
    if close is None:
        message = N_("front matter is not closed: add a --- line after it")
        return None, [Problem.of(path, 1, message)]
    # YAML line 0 is file line 2 (after the opening ---).
    data, node, error = _parse_yaml("\n".join(lines[1:close]), 2, path)
    if error is not None:
        return None, [error]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [Problem.of(path, 2, N_("front matter must be key: value lines"))]
    # Before anything renders the body: see lms/courses/markdown_limits.py.
    too_deep = check_markdown_limits("\n".join(lines[close + 1 :]), first_line=close + 2,
                                     path=path)
    if too_deep is not None:
        return None, [too_deep]
    problems = _duplicate_keys(node, 2, path) if node is not None else []
    source = SourceFile(
        path=path,
        rel=rel,
        raw=raw,
        meta={str(k): v for k, v in data.items()},
        body="\n".join(lines[close + 1 :]),
        body_line=close + 2,
        key_lines=_key_lines(node, 2) if node is not None else {},
    )
    return source, problems
