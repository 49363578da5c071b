"""The conversation package stands on its own: no import loops inside it, and none of the outer parts."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.conversation

PACKAGE = Path(bot.conversation.__file__).parent
FORBIDDEN = ("channels", "scheduler", "bot.app", "bot.main", "bot.core", "bot.inbox", "bot.store")


def _imports(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (functions and TYPE_CHECKING blocks included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = node.module or ""
            else:
                parts = ["bot", "conversation"][: 3 - node.level] if node.level <= 2 else []
                base = ".".join([*parts, node.module] if node.module else parts)
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {f"bot.conversation.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    return {f"bot.conversation.{p.stem}": _imports(p) & modules for p in PACKAGE.glob("*.py") if p.stem != "__init__"}


def test_no_module_of_the_conversation_imports_another_in_a_loop():
    graph = _graph()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " -> ".join((*path, module))
        if module in done:
            return
        for imported in graph[module]:
            visit(imported, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())


def test_the_conversation_imports_no_channel_scheduler_store_or_wiring():
    for path in PACKAGE.glob("*.py"):
        bad = [m for m in _imports(path) if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]
        assert not bad, f"{path.name} imports {bad}"
