"""Domain, store, sources and services never import the UI toolkit: they must run headless and fast."""

import subprocess
import sys


def test_every_core_module_imports_without_the_ui_toolkit():
    """Imports every module of the headless packages (the import-linter contract checks the import statements;
    this checks what importing really pulls in, lazy imports at module level included)."""
    code = (
        "import importlib, pkgutil, sys, agent_tui;"
        "packages = ['domain', 'store', 'sources', 'services', 'config'];"
        "names = [m.name for p in packages for m in pkgutil.walk_packages("
        "importlib.import_module('agent_tui.' + p).__path__, 'agent_tui.' + p + '.')];"
        "[importlib.import_module(n) for n in names];"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich') or m.startswith('agent_tui.ui'));"
        "print(len(names), ','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count, bad = result.stdout.split(" ", 1)
    assert int(count) >= 35  # every module was imported, not just a few (38 today)
    assert bad.strip() == ""


def test_cli_list_does_not_import_textual(tmp_path):
    code = (
        "import sys; from agent_tui.cli import main;"
        f"main(['--home', {str(tmp_path)!r}, 'list', '--json']);"
        "print('TEXTUAL' if 'textual' in sys.modules else 'CLEAN', file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr.strip() == "CLEAN"
