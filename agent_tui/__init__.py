"""agent-tui: a terminal help-desk workstation for small teams sharing one support inbox."""

__version__ = "0.1.0"
