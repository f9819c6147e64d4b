"""``[keys]`` in config.toml: the user's keys for actions of ``reader.core.actions``.

An entry names an action by its id (``"triage.publish" = "ctrl+o"``; unquoted,
TOML reads ``triage.publish = ...`` as a nested table, which means the same)
or by the id's last part when no other action shares it (``publish = ...``).
The value is a key or a list of keys, in Textual's names (``ctrl+o``, ``f5``,
``P``, ``question_mark``; a single character such as ``?`` works too).

Each problem (an unknown action, with the nearest id as a suggestion; a key
that is not one; a key another action of the same screen already has) is
reported, and that action keeps its default keys. The result is a Textual
keymap: ``{binding id: "key,key"}``.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from reader.core.actions import ACTIONS, BY_ID, SCOPES, TOGETHER, Action

MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
NAMED_KEYS = frozenset({
    "escape", "enter", "tab", "space", "backspace", "delete", "insert", "home", "end",
    "pageup", "pagedown", "up", "down", "left", "right",
    *(f"f{n}" for n in range(1, 25)),
})
# Textual's short names for some characters (the rest are Unicode names, lower case,
# spaces and hyphens as underscores: question_mark, asterisk, full_stop).
_SHORT_NAMES = {"solidus": "slash", "reverse_solidus": "backslash", "commercial_at": "at",
                "hyphen_minus": "minus", "plus_sign": "plus", "low_line": "underscore"}
_UNICODE_NAMES = {"slash": "solidus", "backslash": "reverse solidus", "at": "commercial at",
                  "minus": "hyphen-minus", "plus": "plus sign", "underscore": "low line"}
_SHOWN = {"escape": "Esc", "enter": "Enter", "tab": "Tab", "space": "Space",
          "backspace": "Backspace", "delete": "Delete", "insert": "Insert", "home": "Home",
          "end": "End", "pageup": "PgUp", "pagedown": "PgDn", "up": "↑", "down": "↓",
          "left": "←", "right": "→"}


@dataclass(frozen=True, slots=True)
class KeyProblem:
    key: str  # the setting, as in the file: keys.publish
    reason: str


def _character_name(char: str) -> str:
    if char.isalnum():
        return char
    try:
        name = unicodedata.name(char).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return char
    return _SHORT_NAMES.get(name, name)


def _name_character(name: str) -> str | None:
    """The character a Textual key name stands for (``question_mark`` → ``?``), if any."""
    if len(name) == 1:
        return name
    try:
        return unicodedata.lookup(_UNICODE_NAMES.get(name) or name.replace("_", " "))
    except KeyError:
        return None


def normalize_key(key: str) -> str:
    """One key as Textual names it: ``?`` → ``question_mark``, ``Ctrl+Z`` → ``ctrl+z``.

    ``ValueError`` with the reason when it is not a key."""
    text = key.strip()
    if not text:
        raise ValueError("an empty key")
    if text in ("+", ","):
        return _character_name(text)
    *mods, base = text.split("+")
    mods = [m.lower() for m in mods]
    for mod in mods:
        if mod not in MODIFIERS:
            raise ValueError(f"{key!r}: unknown modifier {mod!r} (one of {', '.join(MODIFIERS)})")
    if len(base) == 1:
        base = _character_name(base.lower() if mods and base.isalpha() else base)
    elif base.lower() in NAMED_KEYS or _name_character(base.lower()) is not None:
        base = base.lower()
    else:
        near = difflib.get_close_matches(base.lower(), sorted(NAMED_KEYS), n=1)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise ValueError(f"{key!r} is not a key{hint}")
    return "+".join([*mods, base])


def key_text(key: str) -> str:
    """A key as a user writes it in ``[keys]``: ``question_mark`` → ``?``."""
    *mods, base = key.split("+")
    char = None if mods else _name_character(base)
    shown = char if char is not None and char.isprintable() and char != " " else base
    return "+".join([*mods, shown])


def key_label(key: str) -> str:
    """A key for people (README): ``ctrl+z`` → ``Ctrl+Z``, ``question_mark`` → `` `?` ``."""
    *mods, base = key.split("+")
    if base in _SHOWN:
        shown = _SHOWN[base]
    elif base.startswith("f") and base[1:].isdigit():
        shown = base.upper()
    else:
        char = _name_character(base)
        shown = char if char is not None else base
        if mods:
            shown = shown.upper()
        else:
            return f"`{shown}`"
    return "+".join([*(m.capitalize() for m in mods), shown])


def _short_names() -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for action in ACTIONS:
        names.setdefault(action.id.rsplit(".", 1)[-1], []).append(action.id)
    return names


def find_action(name: str) -> Action:
    """The action ``name`` (an id, or its last part) names; ``ValueError`` with the reason."""
    if name in BY_ID:
        return BY_ID[name]
    ids = _short_names().get(name, [])
    if len(ids) == 1:
        return BY_ID[ids[0]]
    if ids:
        raise ValueError(f"more than one action is called {name!r}: write one of "
                         f"{', '.join(ids)}")
    choices = [*BY_ID, *_short_names()]
    near = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    raise ValueError(f"no action called {name!r}{hint} (`reader keys` lists them)")


def _flatten(table: Mapping[str, object], prefix: str = "") -> list[tuple[str, object]]:
    """``{"triage": {"publish": "x"}}`` (unquoted dotted keys) → ``[("triage.publish", "x")]``."""
    out: list[tuple[str, object]] = []
    for name, value in table.items():
        full = f"{prefix}{name}"
        if isinstance(value, dict):
            out.extend(_flatten(value, full + "."))
        else:
            out.append((full, value))
    return out


def _keys_of(value: object) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(k, str) for k in items):
        raise ValueError("expected a key or a list of keys, such as \"ctrl+o\" or [\"o\", \"f5\"]")
    keys = [normalize_key(k) for k in items]
    return list(dict.fromkeys(keys))


def resolve(table: Mapping[str, object]) -> tuple[dict[str, str], list[KeyProblem]]:
    """The keymap for a ``[keys]`` table, and its problems (each action with a
    problem keeps its default keys)."""
    wanted: dict[str, list[str]] = {}
    where: dict[str, str] = {}
    problems: list[KeyProblem] = []
    for name, value in _flatten(table):
        setting = f"keys.{name}"
        try:
            action = find_action(name)
            keys = _keys_of(value)
            if not action.keys:  # no binding to remap (reader.ui.keys binds keyed actions)
                raise ValueError(f"{action.id} is reached from the command palette only")
        except ValueError as exc:
            problems.append(KeyProblem(setting, str(exc)))
            continue
        if action.id in wanted:
            problems.append(KeyProblem(setting, f"{action.id} is given keys twice"))
            continue
        wanted[action.id] = keys
        where[action.id] = setting
    order = list(wanted)  # as in the file: of two entries that clash, the later one goes
    while found := clashes(wanted):
        action_id, other, key = max(found, key=lambda clash: order.index(clash[0]))
        problems.append(KeyProblem(where[action_id], f"{key_text(key)} is already the key of {other}"))
        del wanted[action_id]
    keymap: dict[str, str] = {}
    for action_id, keys in wanted.items():
        keymap[action_id] = ",".join(keys)
        if BY_ID[action_id].desk:
            keymap[f"{action_id}.footer"] = keymap[action_id]  # the footer's copy (reader.ui.keys)
    return keymap, problems


def effective_keys(action: Action, keymap: Mapping[str, str]) -> tuple[str, ...]:
    """The keys the action answers with ``keymap`` applied."""
    keys = keymap.get(action.id)
    return tuple(keys.split(",")) if keys else action.key_list


def clashes(wanted: Mapping[str, list[str]]) -> list[tuple[str, str, str]]:
    """(remapped action id, the other action's id, key) for every key the user
    gave an action that another action live at the same time answers."""
    keys_of = {a.id: tuple(wanted.get(a.id, a.key_list)) for a in ACTIONS}
    found: list[tuple[str, str, str]] = []
    for action_id, keys in wanted.items():
        scope = BY_ID[action_id].scope
        near = [s for group in TOGETHER if scope in group for s in group]
        for other in ACTIONS:
            if other.id == action_id or other.scope not in near:
                continue
            for key in keys:
                if key in keys_of[other.id]:
                    found.append((action_id, other.id, key))
    return found


def markdown_table(keymap: Mapping[str, str] | None = None) -> str:
    """The key table, one section per scope (README's "Keys" is this text)."""
    keymap = keymap or {}
    lines: list[str] = []
    for scope, (title, _) in SCOPES.items():
        actions = [a for a in ACTIONS if a.scope == scope]
        if not actions:
            continue
        lines += [f"**{title}**", "", "| key | action | what it does |", "| --- | --- | --- |"]
        for action in actions:
            keys = effective_keys(action, keymap)
            shown = " ".join(key_label(k) for k in keys) if keys else "(palette)"
            shown = shown.replace("|", "\\|")
            lines.append(f"| {shown} | `{action.id}` | {action.text} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
