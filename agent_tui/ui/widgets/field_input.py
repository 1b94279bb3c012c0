"""An Input that keeps a burst of keys in order when a key moves the focus away from it.

A terminal hands over a paste or fast typing as one read, and Textual gives every key of it to the widget that
has the focus at that moment; a key bound to an action (Enter, Escape) acts only once it has bubbled up to the
app, after the letters behind it were typed into the field. So "Mei Lin⏎mei@shop.example" would all land in the
first field of a form, and "Esc o" in the queue's filter box would type "o" instead of sorting. Here a key that
leaves the field (``leave``) acts at once, and the keys that were already on their way to this field go, in order,
to whatever has the focus now.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class FieldInput(Input):
    async def _on_key(self, event: events.Key) -> None:
        focused = self.screen.focused
        if focused is not None and focused is not self:  # sent before the focus moved on: not for this field
            event.stop()
            event.prevent_default()
            self.app.post_message(events.Key(event.key, event.character))  # the app hands it to the focused widget
        elif self.leave(event.key):
            event.stop()
            event.prevent_default()
        # anything else: Input's own handler, which runs after this one

    def leave(self, key: str) -> bool:
        """Act at once on a key that moves the focus away; whether it was one. Here: Enter moves on to the next
        FieldInput of the screen (and says Submitted)."""
        if key != "enter":
            return False
        fields = list(self.screen.query(FieldInput))
        following = fields[fields.index(self) + 1 :]
        if following:
            self.screen.set_focus(following[0])
        self.post_message(self.Submitted(self, self.value))
        return True
