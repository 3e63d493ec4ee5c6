"""Every environment variable Luotsi reads is listed in .env.example, the one place a county's IT
learns its configuration from (docs/operations.md, step 4 of the first installation)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / ".env.example"
# Read but not Luotsi's configuration: the shell's search path, and the demo's host name that
# `make run` passes on (HOST, like PORT, is the Makefile's variable).
NOT_CONFIGURATION = {"PATH", "HOME", "HOST"}


def _name(node: ast.Call) -> str | None:
    if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        return node.args[0].value
    return None


def _is_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ"
            and isinstance(node.value, ast.Name) and node.value.id == "os")


def variables_read(path: Path) -> set[str]:
    """Names read with config.env's env_*(NAME, …), os.environ.get(NAME), os.getenv(NAME), os.environ[NAME]."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            function = node.func
            if ((isinstance(function, ast.Name) and function.id.startswith("env_"))
                    or (isinstance(function, ast.Attribute) and function.attr == "get"
                        and _is_environ(function.value))
                    or (isinstance(function, ast.Attribute) and function.attr == "getenv"
                        and isinstance(function.value, ast.Name) and function.value.id == "os")):
                names.add(_name(node))
        elif (isinstance(node, ast.Subscript) and _is_environ(node.value)
              and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
            names.add(node.slice.value)
    return {name for name in names if name and re.fullmatch(r"[A-Z][A-Z0-9_]*", name)}


def test_every_variable_read_is_in_env_example():
    sources = [*sorted((ROOT / "config").glob("*.py")),
               *(path for path in sorted((ROOT / "luotsi").rglob("*.py"))
                 if "tests" not in path.parts and "migrations" not in path.parts)]
    read = {name: path.relative_to(ROOT) for path in sources for name in variables_read(path)}
    assert {"LUOTSI_SECRET_KEY", "DATABASE_URL", "LUOTSI_WORKERS"} <= set(read)
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", EXAMPLE.read_text(encoding="utf-8"),
                            re.M))
    missing = {name: str(path) for name, path in read.items()
               if name not in listed and name not in NOT_CONFIGURATION}
    assert missing == {}


def test_every_server_variable_is_in_the_operations_guide():
    """The server's own settings (config/gunicorn.conf.py) each have a row in the server table
    of docs/operations.md, where a county's IT looks for them."""
    read = variables_read(ROOT / "config" / "gunicorn.conf.py")
    assert {"LUOTSI_WORKERS", "LUOTSI_MAX_REQUESTS"} <= read
    guide = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", guide, re.M))
    assert read - rows == set()
