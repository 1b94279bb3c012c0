"""Domain, store, sources and services never import the UI toolkit: they must run headless and fast."""

import subprocess
import sys


def test_core_packages_do_not_import_textual():
    code = (
        "import sys, agent_tui.domain.models, agent_tui.domain.sla, agent_tui.domain.queue, agent_tui.store, "
        "agent_tui.sources.base, agent_tui.sources.demo, agent_tui.services.tickets, agent_tui.services.accounts, "
        "agent_tui.config.settings, agent_tui.config.keymaps;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'agent_tui.ui'));"
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_cli_list_does_not_import_textual(tmp_path):
    code = (
        "import sys; from agent_tui.cli import main;"
        f"main(['--home', {str(tmp_path)!r}, 'list', '--json']);"
        "print('TEXTUAL' if 'textual' in sys.modules else 'CLEAN', file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr.strip() == "CLEAN"
