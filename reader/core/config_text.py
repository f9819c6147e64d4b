"""The commented default config.toml: what ``reader config --init`` writes and
README's "Configuration" shows (a test keeps them the same). Every value is
the default, so the file changes nothing until it is edited."""

from __future__ import annotations

from reader.core.config import COLUMNS, LIMITS, Config, PreviewConfig, StoriesConfig
from reader.core.keymap import key_text


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


_PREVIEW_NOTES = {
    "enabled": "fetch and show the original article",
    "allow_private_hosts": "the SSRF guard; lift it only for local testing",
    "proxy": "explicit proxy (http, https, socks5); environment proxies are ignored",
    "timeout": "seconds for a whole fetch",
    "max_bytes": "the largest page fetched",
    "prefetch": "fetch the next N items ahead; 0 on slow or metered links",
    "cache": "keep fetched previews on disk",
    "cache_ttl_days": "refetch a cached preview after this many days",
    "cache_max_mb": "the preview cache's size on disk",
    "debounce_ms": "the cursor rests this long before a preview is fetched",
}


def config_text() -> str:
    d = Config()
    p = PreviewConfig()
    lines = [
        "# reader's settings (`reader config --check` validates this file).",
        "",
        "# Content directories opened when `reader` is run without PATH (~ is expanded;",
        "# a relative path starts at this file's folder). Empty: the bundled samples.",
        "roots = []",
        '# theme = "textual-dark"  # any Textual theme; unset: the default',
        f"use_index = {_toml(d.use_index)}          # remember parsed items between starts",
        f"watch = {_toml(d.watch)}              # live reload: follow changes on disk",
        f"date_format = {_toml(d.date_format)}  # strftime, for the list, the detail and the CLI",
        f"time_zone = {_toml(d.time_zone)}         # UTC, local, or a name such as Europe/Berlin",
        "# The list's columns, from these (the title always shows):",
        f"columns = {_toml(list(COLUMNS))}",
        "",
        "[preview]",
    ]
    for name, note in _PREVIEW_NOTES.items():
        value = getattr(p, name)
        limit = LIMITS.get(name)
        bound = f" (at most {_toml(limit[0])} {limit[1]})" if limit else ""
        lines.append(f"{name} = {_toml('' if value is None else value)}  # {note}{bound}")
    stories = StoriesConfig()
    lines += [
        "",
        "[stories]",
        f"mode = {_toml(stories.mode)}  # start in stories mode: one row per story (= toggles it)",
        "# The topic that publishing one version of a story offers to give the others:",
        f"duplicate_topic = {_toml(stories.duplicate_topic)}",
        "",
        "[keys]",
        "# Remap an action by its id (`reader keys` lists them all), or by the id's last",
        "# part when no other action ends the same. A key or a list of keys, in Textual's",
        "# names: ctrl+o, f5, P, ?, escape, pagedown. The default stays for a bad entry.",
        f'# publish = "{key_text("ctrl+o")}"',
        '# "app.search" = ["slash", "f3"]',
        '# "list.down" = ["j", "down", "ctrl+n"]',
    ]
    return "\n".join(lines) + "\n"
