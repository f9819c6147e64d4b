#!/usr/bin/env python3
"""Instructions to the first frame, counted by valgrind's callgrind: the app against a minimal Textual app.

Usage:
    python bench/frame_instructions.py [--size 100000] [--corpus-dir DIR] [--work-dir DIR]
                                       [--at frame|start_loading] [--json]

Wall times on a shared 2-CPU machine move with whatever else runs; the number of
instructions a start executes does not (with ``PYTHONHASHSEED=0``: set and
dict orders, and so the work, are the same in every run; without it the count
wanders by ~15 M). Each figure is one process under ``valgrind --tool=callgrind``
(~40x slower than without: a minute or two for all of them), headless, that ends
itself with ``os._exit(0)`` once its first frame is out, so nothing after it is
counted:

  minimal app    one ``Static`` (``start.py --minimal``'s app), ended after its first refresh.
  first frame    ``reader ROOT`` through ``reader.cli.main`` with a warm index (made
                 first by ``reader list ROOT`` in a cache folder of its own), ended in
                 the first callback after the first refresh (the detail pane's
                 ``mount_hidden``, or the app's ``_start_loading``); with
                 ``--at start_loading``: in ``reader.ui.start_up.start_loading``
                 instead, after the widgets mounted later (``reader.ui.later_widgets``).
  imports        ``import reader.cli, reader.ui.app`` alone (the collector on, unlike
                 a start: not a part of the first frame's count, a guide to it).
"""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MINIMAL_TEXT = "minimal app: first paint"


# -- the children (run under valgrind) ----------------------------------------------------------

def minimal_child() -> int:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Static(MINIMAL_TEXT)

        def on_mount(self) -> None:
            self.call_after_refresh(lambda: os._exit(0))

    Minimal().run(headless=True)
    return 1  # never reached: the app ends itself after its first refresh


def reader_child(root: str, at: str) -> int:
    """``reader ROOT`` as the CLI opens it, headless, ended after its first frame."""
    import importlib.util

    def end(*_args: object) -> None:
        os._exit(0)

    def patch(module) -> None:
        app_class = module.ReaderApp
        run = app_class.run

        def headless_run(self, *args, **kwargs):
            kwargs.pop("mouse", None)
            return run(self, *args, headless=True, **kwargs)

        app_class.run = headless_run
        if at == "frame":
            from reader.ui.widgets.detail_pane import DetailPane

            DetailPane.mount_hidden = end
            app_class._start_loading = end
        else:
            import reader.ui.start_up as start_up

            start_up.start_loading = end
            if hasattr(module, "start_loading"):
                module.start_loading = end

    class PatchApp:
        """Patches ``reader.ui.app`` once it is executed, so that every import
        happens where the CLI does it (after it pauses the collector)."""

        def find_spec(self, name, path, target=None):
            if name != "reader.ui.app":
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            exec_module = spec.loader.exec_module

            def exec_and_patch(module) -> None:
                exec_module(module)
                patch(module)

            spec.loader.exec_module = exec_and_patch
            return spec

    sys.meta_path.insert(0, PatchApp())
    from reader.cli import main

    main([root])
    print("the app ended before its first frame", file=sys.stderr)
    return 1


# -- the parent ---------------------------------------------------------------------------------

def _run_module():
    if HERE not in sys.path:
        sys.path.insert(0, HERE)
    import run  # bench/run.py: the child environment, corpora

    return run


def count(argv: list[str], env: dict[str, str], out_file: str) -> int | None:
    """The instructions callgrind counted for ``argv`` (None if it did not say)."""
    import re
    import subprocess

    proc = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}", *argv],
                          env=env, capture_output=True, text=True, cwd=REPO)
    m = re.search(r"Collected : (\d+)", proc.stderr)
    return int(m.group(1)) if m else None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:  # before anything is imported here: the child counts its own imports only
        return minimal_child() if argv[1] == "minimal" else reader_child(argv[2], argv[3])
    import argparse
    import json
    import shutil
    import subprocess
    import tempfile

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--size", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--corpus-dir", default=None, help="where the corpora are (made there if missing)")
    p.add_argument("--work-dir", default=None, help="cache and config folders (default: a temporary one)")
    p.add_argument("--at", choices=("frame", "start_loading"), default="frame")
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: nothing counted", file=sys.stderr)
        return 2

    run = _run_module()
    root, _files, _gen = run.ensure_corpus(a.corpus_dir or tempfile.mkdtemp(prefix="corpora-"), a.size, a.seed)
    work = a.work_dir or tempfile.mkdtemp(prefix="frame-instructions-")
    env = run.child_env(os.path.join(work, "home"), os.path.join(work, "cache"))
    env["PYTHONHASHSEED"] = "0"
    # 80x24 for both the app's first layout (rich reads the size, and without a terminal
    # falls back to 80x25) and the headless driver's Resize (80x24): else the first frame
    # is laid out and rendered twice, which a start on a terminal does not do.
    env.update(COLUMNS="80", LINES="24")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a start reads the modules' .pyc files
    me = os.path.abspath(__file__)
    run.log("warm index (reader list) ...")
    subprocess.run([sys.executable, "-m", "reader", "list", root], env=env, cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL)
    children = {
        "minimal app": [sys.executable, me, "--child", "minimal"],
        "first frame": [sys.executable, me, "--child", "reader", root, a.at],
        "imports": [sys.executable, "-c", "import reader.cli, reader.ui.app"],
    }
    counts: dict[str, int | None] = {}
    for name, child in children.items():
        subprocess.run(child, env=env, cwd=REPO, capture_output=True)  # .pyc files written, not counted
        run.log(f"{name} under callgrind ...")
        counts[name] = count(child, env, os.path.join(work, name.replace(" ", "-") + ".callgrind"))
    report = {"size": a.size, "at": a.at, "instructions": counts, "git": run.git_state()}
    if a.json:
        print(json.dumps(report, indent=2))
        return 0
    floor = counts["minimal app"]
    print(run.git_line(report["git"]) or "code: (no commit)")
    print(f"| {a.size:,} items, warm index (ended at {a.at}) | instructions | to the minimal app |")
    print("|---|---:|---:|")
    for name, n in counts.items():
        ratio = f"{n / floor:.2f}x" if n and floor else "—"
        print(f"| {name} | {'—' if n is None else f'{n / 1e6:,.0f} M'} | {ratio} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
