"""Files shipped with agent-tui (keymaps, reply templates).

They live at the top of the repository, where users look for them; a built wheel carries copies in
``agent_tui/_shipped``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    installed = _PACKAGE / "_shipped" / name
    return installed if installed.is_dir() else _PACKAGE.parent / name
