"""The core and the preview engine must not import Textual (the CLI and tools use them alone)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

PROBE = r"""
import importlib, json, pkgutil, sys
import reader.core, reader.preview
names = []
for pkg in (reader.core, reader.preview):
    names.append(pkg.__name__)
    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        names.append(info.name)
for name in names:
    importlib.import_module(name)
print(json.dumps({"modules": names,
                  "textual": sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))}))
"""


def _run(code: str) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_core_and_preview_do_not_import_textual() -> None:
    result = _run(PROBE)
    assert "reader.core.store" in result["modules"]
    assert "reader.core.sanitize" in result["modules"]
    assert any(m.startswith("reader.preview.") for m in result["modules"])
    assert result["textual"] == [], result["textual"]


def test_cli_list_does_not_import_textual(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text('---\ntitle: "x"\n---\n', encoding="utf-8")
    code = (
        "import io, json, sys, contextlib\n"
        "from reader.cli import main\n"
        "buf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n"
        f"    rc = main(['list', {str(tmp_path)!r}, '--json'])\n"
        "assert rc == 0 and 'x' in buf.getvalue()\n"
        "print(json.dumps({'textual': sorted(m for m in sys.modules if m.split('.')[0] == 'textual')}))\n"
    )
    assert _run(code)["textual"] == []
