"""Count Luotsi's production imports that go against the declared dependency direction.

    .venv/bin/python tools/imports.py [--declared contract|issue] [--list] [ROOT]

Reads every ``.py`` file under ``ROOT/luotsi`` and ``ROOT/config`` with ``ast`` (not tests,
migrations or conftest files), takes each import at module level and inside functions, resolves
it to a Luotsi module and checks it against the layers:

- ``contract`` (default when ``ROOT/.importlinter`` exists): the layers contract of
  ``.importlinter``, the single statement of the layering; a module belongs to the longest layer
  entry that is a prefix of it; ``a | b`` are independent siblings (neither imports the other),
  ``a : b`` siblings that may import each other;
- ``issue``: the direction ARCHITECTURE.md declared before the contract, ``common → organisation →
  people → access → (intake, plans) → usage → sharedcare → reports → api``, with ``deadlines``
  importing nothing and ``demo`` on top.

An import is against the direction when it reaches a higher layer or an independent sibling, or
leaves ``luotsi.deadlines`` (which imports nothing); each imported module counts once per import
statement. It also counts the app-level 2-cycles (pairs of apps under ``luotsi/`` that import
each other in production code, whatever the layers say) and the largest group of apps that all
reach each other. The figures go in
the change notes (before and after a change of shape); ``lint-imports`` is what enforces the
contract.
"""

from __future__ import annotations

import argparse
import ast
import configparser
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ISSUE_LAYERS = [
    ["config"], ["luotsi.demo"], ["luotsi.api"], ["luotsi.reports"], ["luotsi.sharedcare"],
    ["luotsi.usage"], ["luotsi.intake", "luotsi.plans"], ["luotsi.access"], ["luotsi.people"],
    ["luotsi.organisation"], ["luotsi.common"], ["luotsi.deadlines"],
]
ISSUE_INDEPENDENT = {6}  # intake | plans
ISOLATED = "luotsi.deadlines"


def contract_layers(path: Path) -> tuple[list[list[str]], set[int]]:
    """The layers of the ``type = layers`` contract of an import-linter config file, top first,
    and the indexes of the layers whose siblings are independent."""
    parser = configparser.ConfigParser()
    parser.read(path)
    for section in parser.sections():
        if parser[section].get("type", "").strip() == "layers":
            layers, independent = [], set()
            for line in parser[section]["layers"].splitlines():
                line = line.split("#")[0].strip()
                if not line:
                    continue
                separator = ":" if ":" in line else "|"
                layers.append([part.strip().strip("()") for part in line.split(separator)])
                if separator == "|":
                    independent.add(len(layers) - 1)
            return layers, independent
    raise SystemExit(f"{path}: no layers contract")


def production_files(root: Path):
    for base in ("luotsi", "config"):
        for path in sorted((root / base).rglob("*.py")):
            parts = path.relative_to(root).parts
            if "tests" in parts or "migrations" in parts or path.name == "conftest.py":
                continue
            yield path


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(root: Path, path: Path):
    """(line, imported module) of every import in the file; ``from a import b`` counts as ``a.b``
    when ``a/b`` is a module or package, else as ``a``."""
    name = module_name(root, path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                as_path = root / candidate.replace(".", "/")
                if as_path.with_suffix(".py").exists() or (as_path / "__init__.py").exists():
                    yield node.lineno, candidate
                else:
                    yield node.lineno, target


def layer_of(module: str, layers: list[list[str]]) -> tuple[int, str] | None:
    best = None
    for index, siblings in enumerate(layers):
        for entry in siblings:
            if (module == entry or module.startswith(entry + ".")) and (
                    best is None or len(entry) > len(best[1])):
                best = (index, entry)
    return best


def app_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "luotsi" else parts[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=".", type=Path)
    parser.add_argument("--declared", choices=("contract", "issue"))
    parser.add_argument("--list", action="store_true", help="print each import against it")
    args = parser.parse_args()
    root = args.root.resolve()
    declared = args.declared or ("contract" if (root / ".importlinter").exists() else "issue")
    if declared == "contract":
        layers, independent = contract_layers(root / ".importlinter")
    else:
        layers, independent = ISSUE_LAYERS, ISSUE_INDEPENDENT

    against: list[tuple[str, int, str, str]] = []
    app_edges: set[tuple[str, str]] = set()
    for path in production_files(root):
        importer = module_name(root, path)
        for line, imported in sorted(set(imports(root, path))):
            if not re.match(r"(luotsi|config)(\.|$)", imported) or imported == "luotsi":
                continue
            if app_of(importer) != app_of(imported):
                app_edges.add((app_of(importer), app_of(imported)))
            if importer.startswith(ISOLATED) and not imported.startswith(ISOLATED):
                against.append((str(path.relative_to(root)), line, imported, "deadlines"))
                continue
            source, target = layer_of(importer, layers), layer_of(imported, layers)
            if source is None or target is None:
                continue
            if target[0] < source[0]:
                against.append((str(path.relative_to(root)), line, imported, "upward"))
            elif (target[0] == source[0] and target[1] != source[1]
                  and source[0] in independent):
                against.append((str(path.relative_to(root)), line, imported, "sibling"))

    app_edges = {edge for edge in app_edges if all(a.startswith("luotsi.") for a in edge)}
    cycles = sorted({tuple(sorted(edge)) for edge in app_edges if edge[::-1] in app_edges})
    if args.list:
        for path, line, imported, kind in against:
            print(f"{path}:{line}: {kind}: {imported}")
    pairs = Counter((app_of(module_name(root, root / p)), app_of(i)) for p, _l, i, _k in against)
    print(f"declared direction: {declared}")
    print(f"imports against it: {len(against)}")
    for (source, target), count in sorted(pairs.items()):
        print(f"  {source} -> {target}: {count}")
    print(f"app-level 2-cycles: {len(cycles)}")
    for first, second in cycles:
        print(f"  {first} <-> {second}")
    components = strongly_connected(app_edges)
    largest = max(components, key=len) if components else []
    print(f"largest strongly connected group of apps: {len(largest)}"
          + (f" ({', '.join(sorted(largest))})" if len(largest) > 1 else ""))
    return 0


def strongly_connected(edges: set[tuple[str, str]]) -> list[set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for source, target in edges:
        graph[source].add(target)
        graph.setdefault(target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            groups.append(group)

    for node in list(graph):
        if node not in index:
            visit(node)
    return groups


if __name__ == "__main__":
    sys.exit(main())
