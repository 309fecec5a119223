"""The layout stays a map: topics as packages, and no reaching into another module's private names.

A name that starts with an underscore is private to its module. Importing it elsewhere, or reading it as
`module._name`, ties two modules together behind the back of their public API; when the one changes, the
other breaks or, worse, keeps an old copy of a rule.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "strategitracker"


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _module_aliases(tree: ast.Module) -> set[str]:
    """Names bound to modules of this project by `from X import module` or `import X`."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (
            node.level > 0 or (node.module or "").startswith("strategitracker")
        ):
            base = PACKAGE.parent.joinpath(*(node.module or "").split("."))
            for alias in node.names:
                if (base / alias.name).is_dir() or (base / f"{alias.name}.py").exists() or node.level > 0:
                    names.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            names.update(a.asname or a.name for a in node.names if a.name.startswith("strategitracker"))
    return names


def private_imports(source: str) -> list[str]:
    """Each private name this source takes from another module, as `module:name` or `alias._name`."""
    tree = ast.parse(source)
    found = [
        f"{'.' * node.level}{node.module or ''}:{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if _is_private(alias.name)
    ]
    aliases = _module_aliases(tree)
    found += [
        f"{node.value.id}.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and _is_private(node.attr)
        and isinstance(node.value, ast.Name)
        and node.value.id in aliases
    ]
    return found


def test_the_check_finds_private_imports():
    source = "from .rules import _check\nfrom .. import audit\naudit._write()\nfrom . import public\n"
    assert private_imports(source) == [".rules:_check", "audit._write"]
    assert private_imports("from .rules import check\nself._cache = 1\n") == []


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_takes_another_modules_private_names(path: Path):
    assert private_imports(path.read_text(encoding="utf-8")) == []


def _prefix_groups(folder: Path) -> dict[str, int]:
    stems = [p.stem for p in folder.glob("*.py") if p.stem != "__init__"]
    counts = Counter(stem.split("_")[0] for stem in stems if "_" in stem)
    for stem in stems:
        if stem in counts:
            counts[stem] += 1
    return {prefix: n for prefix, n in counts.items() if n >= 3}


def test_services_are_packages_by_topic_not_files_sharing_a_prefix():
    assert _prefix_groups(PACKAGE / "services") == {}
    for package in (PACKAGE / "services").iterdir():
        if package.is_dir() and package.name != "__pycache__":
            assert _prefix_groups(package) == {}, package.name


def test_the_prefix_check_sees_a_group(tmp_path):
    for name in ("workshop.py", "workshop_cards.py", "workshop_board.py", "kpi_rules.py", "kpis.py"):
        (tmp_path / name).write_text("")
    assert _prefix_groups(tmp_path) == {"workshop": 3}


def test_chart_code_lives_in_the_charts_package():
    assert sorted(p.name for p in PACKAGE.glob("chart*.py")) == []
