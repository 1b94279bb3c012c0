"""Textual bindings built from the binding specs, so every binding has its stable id."""

from __future__ import annotations

from textual.binding import Binding

from agent_tui.config.keymaps import specs_for


def bindings(scope: str) -> list[Binding]:
    return [
        Binding(spec.keys, spec.action, spec.description, show=spec.show, id=spec.id) for spec in specs_for(scope)
    ]
