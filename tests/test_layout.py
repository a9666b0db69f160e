"""The layout's rule, kept: dependencies run one way and nothing imports in a circle.

kernel -> storage -> features (in FEATURES order) -> services -> handlers -> runtime -> demo -> cli.
A module may import its own layer and the layers before it; a feature may import itself and
the features before it in FEATURES; storage/ imports only the kernel; the simulated Telegram
(bot/sandbox/) imports nothing else of gigbot; a module named `_x` is its package's own; only
handlers/, bot/runtime/, bot/demo/ and bot/sandbox/ import `telegram`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

KERNEL = {
    "bot",
    "bot.bounds",
    "bot.callbacks",
    "bot.clock",
    "bot.config",
    "bot.domain",
    "bot.fit",
    "bot.formatting",
    "bot.i18n",
    "bot.parsing",
}
# Bottom to top: each may use the ones before it, never one after it.
FEATURES = (
    "sandbox",
    "matching",
    "market",
    "fair",
    "work",
    "requesting",
    "deadlines",
    "money",
    "delivery",
    "mturk",
)
LAYERS = ("kernel", "storage", "feature", "services", "handlers", "runtime", "demo", "cli")
TELEGRAM_ALLOWED = ("handlers", "runtime", "demo", "feature:sandbox")

# Arrows against the rule that the layout still has; each goes when its cause is fixed, and
# the test fails on one that no longer occurs, so this list only shrinks.
KNOWN: set[tuple[str, str]] = set()
KNOWN_UNPLACED: list[str] = []
# Circles still there (the same rule: fixed ones must go).
KNOWN_CIRCLES: list[list[str]] = []


@dataclass(frozen=True)
class Place:
    layer: str
    feature: str = ""

    @property
    def rank(self) -> int:
        return LAYERS.index(self.layer)

    def __str__(self) -> str:
        return f"{self.layer}:{self.feature}" if self.feature else self.layer


def modules() -> dict[str, Path]:
    found = {}
    for top in ("bot", "handlers", "storage"):
        for path in (ROOT / top).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def place(module: str) -> Place:
    parts = module.split(".")
    if module in KERNEL:
        return Place("kernel")
    if parts[0] in ("storage", "handlers"):
        return Place(parts[0])
    second = parts[1] if len(parts) > 1 else ""
    if second in FEATURES:
        return Place("feature", second)
    if second in ("runtime", "demo", "services"):
        return Place(second)
    if second in ("cli", "__main__"):
        return Place("cli")
    return Place("unplaced", module)


def imports(path: Path, known: dict[str, Path]) -> Iterator[str]:
    """Every gigbot module `path` imports, and `telegram` when it imports that."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        for name in names:
            if name.split(".")[0] == "telegram":
                yield "telegram"
            elif name in known:
                yield name


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: set(imports(path, known)) - {name} for name, path in known.items()}


def arrows_against_the_rule(edges: dict[str, set[str]]) -> set[tuple[str, str]]:
    """(importer, imported) pairs that break the layout's rule."""
    wrong = set()
    for source, targets in edges.items():
        here = place(source)
        for target in targets:
            if target == "telegram":
                where = f"feature:{here.feature}" if here.layer == "feature" else here.layer
                if where not in TELEGRAM_ALLOWED:
                    wrong.add((source, target))
                continue
            there = place(target)
            if here.layer == "unplaced" or there.layer == "unplaced":
                wrong.add((source, target))
            elif there.rank > here.rank:
                wrong.add((source, target))
            elif here.layer == there.layer == "feature" and FEATURES.index(
                there.feature
            ) > FEATURES.index(here.feature):
                wrong.add((source, target))
            elif here.feature == "sandbox" and there.feature != "sandbox":
                wrong.add((source, target))
            elif _private(target) and target.rsplit(".", 1)[0] != source.rsplit(".", 1)[0]:
                wrong.add((source, target))
    return wrong


def _private(module: str) -> bool:
    return module.rsplit(".", 1)[-1].startswith("_") and not module.endswith("__")


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or round about (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_in_a_circle() -> None:
    assert circles(graph()) == KNOWN_CIRCLES


def test_every_arrow_runs_down_the_layers() -> None:
    wrong = arrows_against_the_rule(graph())
    assert sorted(wrong - KNOWN) == [], "new arrows against the layout's rule"
    assert sorted(KNOWN - wrong) == [], "fixed: take these out of KNOWN"


def test_every_module_has_a_place() -> None:
    assert [name for name in modules() if place(name).layer == "unplaced"] == KNOWN_UNPLACED


def test_texts_import_only_the_kernel_results_and_texts() -> None:
    """Texts turn results into words: a feature's texts.py (and bot/formatting.py) reads no
    use-case and no storage, only the kernel and features' results.py and texts.py."""
    wrong = {
        (name, target)
        for name, targets in graph().items()
        if name.endswith(".texts") or name == "bot.formatting"
        for target in targets
        if place(target).layer != "kernel" and not target.endswith((".results", ".texts"))
    }
    assert sorted(wrong) == []


def test_the_rule_catches_what_it_forbids() -> None:
    edges = {
        "storage.hits": {"bot.market.marketplace"},
        "bot.matching.waves": {"bot.market.marketplace"},
        "bot.market.marketplace": {"handlers.common", "telegram"},
        "bot.sandbox.sim": {"bot.domain"},
        "handlers.common": {"bot.market._internal"},
        "bot.work.desk": {"bot.market.marketplace", "storage.hits", "bot.domain"},
    }
    assert arrows_against_the_rule(edges) == {
        ("storage.hits", "bot.market.marketplace"),
        ("bot.matching.waves", "bot.market.marketplace"),
        ("bot.market.marketplace", "handlers.common"),
        ("bot.market.marketplace", "telegram"),
        ("bot.sandbox.sim", "bot.domain"),
        ("handlers.common", "bot.market._internal"),
    }
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_tests_take_their_helpers_from_auxil() -> None:
    """tests/conftest.py holds fixtures only; helpers live in tests/auxil/ (as in
    python-telegram-bot's tests), never imported from conftest or from a test module."""
    borrowed = []
    for path in sorted([*(ROOT / "tests").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                taken = [node.module]
            elif isinstance(node, ast.Import):
                taken = [alias.name for alias in node.names]
            else:
                continue
            for name in taken:
                if name == "tests.conftest" or name.startswith("tests.test_"):
                    borrowed.append(f"{path.relative_to(ROOT)}: {name}")
    assert borrowed == []
    conftest = ast.parse((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"))
    defined = [
        node.name
        for node in conftest.body
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and not any("fixture" in ast.unparse(d) for d in node.decorator_list)
    ]
    assert defined == [], "helpers in conftest.py: move them to tests/auxil/"
