"""Shared fixtures: an isolated cache/config per test, small corpora, the app factory."""

from __future__ import annotations

import errno
import multiprocessing
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

import pytest

from reader.core.config import Config, PreviewConfig
from tests.httpserver import http_server  # noqa: F401  (the loopback server fixture, for every test)

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_content"
# The shared samples (real items, the extraction bench) sit beside the repository:
# found from the repository root, never from an absolute path.
SHARED = REPO.parent / "shared"


def shared_dir(path: Path = SHARED) -> Path:
    """``path`` if it is a folder; otherwise the test fails (it never skips quietly)."""
    if not path.is_dir():
        pytest.fail(f"the shared samples are missing: expected them in {path}")
    return path


@pytest.fixture
def shared() -> Path:
    """``../shared`` beside the repository: the real items and the extraction bench."""
    return shared_dir()


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch):
    """No test reads or writes the user's real cache, config or reading state."""
    base = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("READER_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("READER_CONFIG", str(base / "config.toml"))
    monkeypatch.setenv("READER_STATE_DIR", str(base / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(base / "xdg-cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "xdg-config"))


def write_item(root: Path, rel: str, **fields: object) -> Path:
    """Write one item file; values are emitted as YAML by hand to keep them exact."""
    lines = ["---"]
    body = fields.pop("body", "")
    for key, value in fields.items():
        lines.append(_yaml(key, value, 0))
    lines.append("---")
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n" + (str(body) if body else ""), encoding="utf-8")
    return path


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    s = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{s}"'


def _yaml(key: str, value: object, indent: int) -> str:
    pad = " " * indent
    if isinstance(value, dict):
        inner = "\n".join(_yaml(k, v, indent + 2) for k, v in value.items())
        return f"{pad}{key}:\n{inner}"
    if isinstance(value, list):
        out = [f"{pad}{key}:"]
        for v in value:
            if isinstance(v, dict):
                first = True
                for k, vv in v.items():
                    text = _yaml(k, vv, indent + 4).lstrip()
                    out.append(f"{pad}  - {text}" if first else _yaml(k, vv, indent + 4))
                    first = False
            else:
                out.append(f"{pad}  - {_scalar(v)}")
        return "\n".join(out)
    return f"{pad}{key}: {_scalar(value)}"


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """Six items with known titles, topics and numbers, one bad file."""
    root = tmp_path / "content"
    write_item(root, "a.md", title="Alpha robots learn to walk", heat=90, quality=40,
               publishedDateTime="2025-01-05T10:00:00Z", published=True,
               provider={"name": "Gazette", "domain": "gazette.example.com"},
               topics=["Robotics", "AI"], webUrl="https://gazette.example.com/alpha",
               excerpt="Robots &amp; walking",
               related=[{"title": "Beta batteries", "webUrl": "https://herald.example.org/beta"},
                        {"title": "Outside story", "webUrl": "https://elsewhere.example.net/x",
                         "provider": {"name": "Elsewhere"}}])
    write_item(root, "b.md", title="Beta batteries store more", heat=10, quality=95,
               publishedDateTime="2025-03-01T10:00:00Z", published=False,
               provider={"name": "Herald", "domain": "herald.example.org"},
               topics=["Energy"], webUrl="https://herald.example.org/beta")
    write_item(root, "c.md", title="Gamma rays from a quiet star", heat=50, quality=70,
               publishedDateTime="2024-12-24T10:00:00Z", published=False,
               provider="Orbital Desk", topics="Space", webUrl="https://orbital.example.com/gamma")
    write_item(root, "d.md", title="[@click=app.quit]Delta[/] markup stays text", heat=30,
               quality=20, publishedDateTime="2025-02-01T10:00:00Z", published=True,
               provider={"name": "[bold]Courier[/]"}, topics=["AI"],
               webUrl="https://courier.example.com/delta")
    write_item(root, "sub/e.md", title="Epsilon energy policy", heat=-1,
               publishedDateTime="2025-02-15", provider={"name": "Herald"}, topics=["Energy", "Policy"],
               webUrl="https://herald.example.org/epsilon", body="A body paragraph.\n")
    write_item(root, "f.md", title="Zeta quantum chips", heat=70, quality=60,
               publishedDateTime="2025-02-20T08:00:00Z", published=True,
               provider={"name": "Gazette"}, topics=["Quantum", "AI"],
               webUrl="https://gazette.example.com/zeta")
    (root / "broken.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    return root


class FakePreviewService:
    """Stands in for the network: records calls; answers from a dict or fails."""

    def __init__(self, pages: dict[str, str] | None = None, delay: float = 0.0) -> None:
        self.pages = pages or {}
        self.delay = delay
        self.calls: list[tuple[tuple[tuple[str, str], ...], bool]] = []
        self.cancelled = 0

    async def preview(self, urls, *, refresh: bool = False):
        import asyncio
        from datetime import datetime

        from reader.preview.extract import text_to_article
        from reader.preview.service import Preview, PreviewFailed

        self.calls.append((tuple(urls), refresh))
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        for kind, url in urls:
            if url in self.pages:
                article = text_to_article(self.pages[url], url)
                return Preview(url=url, final_url=url, source_url_kind=kind, article=article,
                               fetched_at=datetime.now(UTC), from_cache=False,
                               content_type="text/html")
        return PreviewFailed(reason="HTTP 404 Not Found", kind="http_status",
                             attempts=tuple((k, u, "HTTP 404") for k, u in urls))


@pytest.fixture
def fake_preview() -> FakePreviewService:
    return FakePreviewService()


@dataclass
class AppLaunches:
    """What ``reader`` asked of the app: each root it opened (a path or a ``Roots``),
    the keywords ``create_app`` got, and the ``mouse`` flag of each run."""

    opened: list = field(default_factory=list)
    kwargs: list[dict] = field(default_factory=list)
    mice: list[bool] = field(default_factory=list)


@pytest.fixture
def fake_app(monkeypatch) -> AppLaunches:
    """The Textual app replaced by a stand-in that records how ``reader`` opens it."""
    launches = AppLaunches()

    class FakeApp:
        return_code = 0

        def run(self, mouse: bool = True) -> None:
            launches.mice.append(mouse)

    def create_app(root, **kwargs):
        launches.opened.append(root)
        launches.kwargs.append(kwargs)
        return FakeApp()

    monkeypatch.setattr("reader.ui.app.create_app", create_app)
    # the app's logging set-up would stop the "reader" logger propagating for later tests
    monkeypatch.setattr("reader.logs.setup_app_logging", lambda cache_dir: None)
    return launches


def quiet_config(**preview: object) -> Config:
    preview.setdefault("debounce_ms", 10)
    return Config(preview=PreviewConfig(**preview))  # type: ignore[arg-type]


async def wait_loaded(pilot, tries: int = 200) -> None:
    """Until the app has loaded everything and shows the first item's details."""
    app = pilot.app
    for _ in range(tries):
        await pilot.pause(0.02)
        if app.total and app.progress is None and app.current_item is not None:
            return
    raise AssertionError("the app did not finish loading")


async def wait_until(pilot, predicate, tries: int = 500) -> None:
    """Until ``predicate()`` holds. The app is waited on, never a fixed time: the
    pauses only yield to it, and ``tries`` bounds a failing test, not a fast one."""
    for _ in range(tries):
        if predicate():
            return
        await pilot.pause(0.02)
    raise AssertionError("the app never reached the expected state")


def run_in_processes(target: Callable[..., object], *arg_tuples: tuple, timeout: float = 60) -> None:
    """Run ``target(*args)`` in one fresh (spawned) process per ``args``, all at once,
    and require every process to finish cleanly within ``timeout`` seconds."""
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=target, args=args) for args in arg_tuples]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout)
        assert p.exitcode == 0


def load_bench(name: str):
    """bench/NAME.py as a module (bench/ is not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def load_make_corpus():
    """bench/make_corpus.py as a module."""
    return load_bench("make_corpus")


def deny(monkeypatch, *paths: Path) -> None:
    """Make ``paths`` unreadable the way a chmod 000 does for a normal user
    (the tests run as root here, which can read anything)."""
    denied = {os.path.realpath(p) for p in paths}

    def guard(path) -> None:
        if isinstance(path, (str, bytes, os.PathLike)) and os.path.realpath(os.fsdecode(path)) in denied:
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))

    real_open, real_scandir = os.open, os.scandir

    def fake_open(path, *args, **kwargs):
        guard(path)
        return real_open(path, *args, **kwargs)

    def fake_scandir(path="."):
        guard(path)
        return real_scandir(path)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "scandir", fake_scandir)


def read_marks_on_disk(path: Path) -> set[str]:
    """The read marks in a state file, as another process would read them."""
    from reader.core.state import StateStore

    other = StateStore(path)
    try:
        return set(other.read)
    finally:
        other.close()


def modules_after(code: str, cwd: Path) -> list[str]:
    """Run ``code`` in a fresh interpreter (this checkout first on the path); the
    JSON list its last line prints (the modules it found imported)."""
    import json
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=str(REPO))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=cwd, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])
