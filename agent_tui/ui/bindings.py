"""Textual bindings built from the binding specs, so every binding has its stable id."""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding, BindingType

from agent_tui.config.keymaps import BindingSpec, specs_for


def bindings(scope: str, keep: Callable[[BindingSpec], bool] | None = None) -> list[BindingType]:
    """The bindings of one scope (``keep`` picks some of them), typed as Textual's ``BINDINGS`` wants them."""
    return [
        Binding(spec.keys, spec.action, spec.description, show=spec.show, id=spec.id)
        for spec in specs_for(scope)
        if keep is None or keep(spec)
    ]
