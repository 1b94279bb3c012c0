import tomllib

import pytest

from agent_tui.config.keymaps import BINDING_SPECS, default_keymap, load_keymap
from agent_tui.config.paths import AppPaths
from agent_tui.errors import ConfigError
from agent_tui.resources import shipped_dir


@pytest.fixture
def paths(tmp_path):
    return AppPaths.resolve(tmp_path)


def test_shipped_default_keymap_matches_the_code():
    data = tomllib.loads((shipped_dir("keymaps") / "default.toml").read_text())
    flat = {f"{scope}.{name}": keys for scope, table in data.items() for name, keys in table.items()}
    assert flat == default_keymap()


def test_every_binding_id_is_unique_and_scoped():
    ids = [s.id for s in BINDING_SPECS]
    assert len(ids) == len(set(ids))
    assert {s.scope for s in BINDING_SPECS} == {"app", "queue", "ticket", "compose", "dashboard"}


def test_vim_keymap_loads(paths):
    keys = load_keymap(paths, "vim")
    assert keys["queue.down"] == "j,down"
    assert keys["queue.open"] == "enter,o"


def test_user_keymap_overrides_and_characters_are_named(paths):
    paths.user_keymap_file.write_text('[queue]\nfilter = "/"\ntake = "ctrl+t"\n')
    keys = load_keymap(paths, "default")
    assert keys["queue.filter"] == "slash"
    assert keys["queue.take"] == "ctrl+t"


@pytest.mark.parametrize(
    "content, wording",
    [
        ('[queue]\nfly = "f"\n', "unknown binding id 'queue.fly'"),
        ('[queue]\nopen = "hyperspace"\n', "queue.open has an unknown key 'hyperspace'"),
        ('[queue]\nopen = "ctlr+o"\n', "unknown key 'ctlr+o'"),
        ('[queue]\ntake = "o"\n', "key 'o' is bound to both queue.sort and queue.take"),
        ('[ticket]\nsolve = "q"\n', "key 'q' is bound to both app.quit and ticket.solve"),
        ("[queue\n", "is not valid TOML"),
        ("queue = 3\n", "'queue' must be a table"),
    ],
)
def test_bad_keymaps_are_clear_errors_naming_the_file(paths, content, wording):
    paths.user_keymap_file.write_text(content)
    with pytest.raises(ConfigError) as caught:
        load_keymap(paths, "default")
    assert wording in str(caught.value)
    assert "keymap.toml" in str(caught.value)


def test_unknown_keymap_name_lists_the_available_ones(paths):
    with pytest.raises(ConfigError, match="available: default, vim"):
        load_keymap(paths, "emacsish")
