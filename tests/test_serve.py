"""``reader serve``: the real server on a free loopback port, its page over HTTP,
and the app answering on its websocket (a browser tab, played by aiohttp)."""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from reader.cli import main
from reader.cli.serve import app_command, is_loopback
from reader.resources import sample_content_dir

REPO = Path(__file__).resolve().parents[1]
# A title from the bundled samples that the app shows on its first screen
FIRST_TITLE = b"Q&A: Freya Moreau"
FIRST_DETAIL = b"meridian-review.example.com"  # its provider's domain, in the detail pane
FIRST_URL = ("https://meridian-review.example.com/2026/11/26/"
             "q-a-freya-moreau-of-kestrel-robotics-on-how-to-put-robots-in-care/")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(*args: str, **extra_env: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""), **extra_env}
    env.pop("NO_COLOR", None)
    return subprocess.Popen([sys.executable, "-m", "reader", "serve", *args], cwd=str(REPO), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def stop(proc: subprocess.Popen[bytes]) -> tuple[bytes, bytes]:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # textual-serve exits gracefully on SIGTERM
    try:
        return proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        return proc.communicate()


def wait_for_page(url: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> httpx.Response:
    """The page at ``url``, once the server is up: first its own word that it
    is serving (printed by its start-up hook, read with a deadline), then a
    bounded retry while the socket starts listening right after that hook."""
    assert proc.stdout is not None
    said = b""
    deadline = time.monotonic() + timeout
    while b"Press Ctrl+C" not in said:
        left = deadline - time.monotonic()
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, left))
        chunk = os.read(proc.stdout.fileno(), 4096) if ready else b""
        if not chunk:
            _out, err = stop(proc)
            pytest.fail(f"reader serve did not start (exit {proc.returncode}): {said!r} "
                        f"{err.decode(errors='replace')[-2000:]}")
        said += chunk
    last: Exception | None = None
    for _ in range(200):
        try:
            return httpx.get(url, timeout=5.0)
        except httpx.TransportError as exc:
            last = exc
            select.select([proc.stdout], [], [], 0.05)  # a short wait, bounded by the tries
    pytest.fail(f"reader serve never answered on {url}: {last}")


async def talk_to_app(ws_url: str) -> tuple[bytes, list]:
    """Open the websocket as the page does; collect the app's output until it
    has drawn the first item and answered a ping; then press ``o`` and wait for
    the page to be asked to open the URL. Bounded by a deadline."""
    import aiohttp

    drawn = bytearray()
    answers: list = []
    pressed: list[bool] = []
    async with aiohttp.ClientSession() as session, session.ws_connect(ws_url) as ws:
        await ws.send_json(["ping", "are-you-there"])

        async def read() -> None:
            async for message in ws:
                if message.type == aiohttp.WSMsgType.BINARY:
                    drawn.extend(message.data)
                elif message.type == aiohttp.WSMsgType.TEXT:
                    answers.append(json.loads(message.data))
                if any(a[0] == "open_url" for a in answers):
                    return
                shown = FIRST_TITLE in drawn and FIRST_DETAIL in drawn  # the list, then the detail pane
                if shown and ["pong", "are-you-there"] in answers and not pressed:
                    pressed.append(True)
                    await ws.send_json(["stdin", "o"])

        await asyncio.wait_for(read(), timeout=60)
    return bytes(drawn), answers


def test_serve_answers_on_loopback_with_the_page_and_the_apps_websocket():
    port = free_port()
    # over SSH too: in a browser tab, o opens the link in the reader's own browser
    proc = start(str(sample_content_dir()), "--port", str(port), SSH_CONNECTION="192.0.2.7 50022 192.0.2.1 22")
    try:
        page = wait_for_page(f"http://127.0.0.1:{port}/", proc)
        assert page.status_code == 200
        assert f"ws://127.0.0.1:{port}/ws" in page.text  # the page's websocket is on loopback
        drawn, answers = asyncio.run(talk_to_app(f"ws://127.0.0.1:{port}/ws?width=80&height=24"))
        assert ["pong", "are-you-there"] in answers
        assert FIRST_TITLE in drawn  # the real app drew the sample content
        assert ["open_url", {"url": FIRST_URL, "new_tab": True}] in answers
    finally:
        _out, err = stop(proc)
    assert b"no authentication" not in err  # loopback: no warning


def test_serve_binds_to_loopback_only_by_default():
    port = free_port()
    proc = start(str(sample_content_dir()), "--port", str(port))
    try:
        wait_for_page(f"http://127.0.0.1:{port}/", proc)
        listening = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True,
                                   check=False).stdout if _has("ss") else ""
        if listening:
            assert all(line.split()[3].startswith(("127.0.0.1:", "[::1]:")) for line in listening.splitlines())
        # another address of this machine (if it has one) is refused
        other = _non_loopback_address()
        if other is not None:
            with socket.socket() as s:
                s.settimeout(2)
                assert s.connect_ex((other, port)) != 0
    finally:
        stop(proc)


def _has(tool: str) -> bool:
    import shutil

    return shutil.which(tool) is not None


def _non_loopback_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing address
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_serve_elsewhere_warns_that_there_is_no_authentication():
    port = free_port()
    proc = start(str(sample_content_dir()), "--host", "0.0.0.0", "--port", str(port))
    try:
        wait_for_page(f"http://127.0.0.1:{port}/", proc)
    finally:
        _out, err = stop(proc)
    assert b"reader: warning: serving on 0.0.0.0:" in err
    assert b"no authentication" in err


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.8.9.1", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("LOCALHOST", True), ("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("example.org", False),
])
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_app_command_quotes_the_path(tmp_path):
    root = tmp_path / "my items; rm -rf ~"
    root.mkdir()
    command = app_command(root)
    import shlex

    assert shlex.split(command) == [sys.executable, "-m", "reader", str(root.resolve())]


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_serve_refuses_a_bad_port(capsys, port):
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--port", port])
    assert exc.value.code == 2
    assert "--port" in capsys.readouterr().err


def test_serve_refuses_a_missing_directory(capsys, tmp_path):
    assert main(["serve", str(tmp_path / "nope")]) == 2
    assert "nope" in capsys.readouterr().err
