"""The command line: ``agent-tui`` (see ``main``)."""

from agent_tui.cli.main import main, make_app

__all__ = ["main", "make_app"]
