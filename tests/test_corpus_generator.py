"""The corpus generator (bench/make_corpus.py) and the bundled sample_content/."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml

from tests.conftest import load_make_corpus

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_content"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ITEM_SUFFIXES = (".md", ".txt", ".yaml", ".yml")


@pytest.fixture(scope="module")
def mc():
    return load_make_corpus()


def front_matter(text: str) -> str:
    """Text between the first ``---`` line and the next one (BOM and CRLF allowed)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    lines = text.split("\n")
    assert lines[0].strip() == "---", "no opening ---"
    end = next(k for k in range(1, len(lines)) if lines[k].strip() == "---")
    return "\n".join(lines[1:end])


def test_deterministic(mc):
    a = list(mc.generate(50, seed=11))
    b = list(mc.generate(50, seed=11))
    assert a == b
    assert a != list(mc.generate(50, seed=12))
    assert len({path for path, _ in a}) == 50


def test_write_corpus_layout_and_bytes(mc, tmp_path):
    assert mc.write_corpus(30, tmp_path / "a", seed=3) == 30
    assert mc.write_corpus(30, tmp_path / "b", seed=3, flat=True) == 30
    nested = sorted(p for p in (tmp_path / "a").rglob("*") if p.is_file())
    flat = sorted(p for p in (tmp_path / "b").iterdir())
    assert len(nested) == len(flat) == 30
    for p in nested:
        rel = p.relative_to(tmp_path / "a").parts
        assert len(rel) == 3 and rel[2].startswith(f"{rel[0]}-{rel[1]}-") and rel[2].endswith(".md")
        assert p.read_bytes() == (tmp_path / "b" / p.name).read_bytes()


def test_every_text_parses_to_what_was_meant(mc):
    assert mc.verify(300, seed=5) == []
    required = {"category", "title", "excerpt", "publishedDateTime", "webUrl", "type", "provider", "topics",
                "secured"}
    for path, text in mc.generate(300, seed=5):
        data = yaml.load(front_matter(text), Loader=LOADER)
        assert isinstance(data, dict), path
        assert required <= data.keys(), path
        assert isinstance(data["publishedDateTime"], datetime)
        assert isinstance(data["title"], str) and data["title"]
        assert 1 <= len(data["topics"]) <= 3
        assert {"name", "domain"} <= data["provider"].keys()
        for key in ("quality", "heat"):
            if key in data:
                assert data[key] == -1 or 0 <= data[key] <= 100
        assert 0 <= len(data.get("images", [])) <= 3
        assert 0 <= len(data.get("related", [])) <= 4


def test_corpus_shape(mc):
    items = list(mc.generate_items(2000, seed=7))
    fields = [f for _, f, _ in items]
    unpublished = sum(f.get("published") is False for f in fields) / len(fields)
    assert 0.25 <= unpublished <= 0.42
    webs = {f["webUrl"] for f in fields}
    assert len(webs) == len(fields)
    related = [e for f in fields for e in f.get("related", [])]
    inside = sum(e["webUrl"] in webs for e in related)
    assert 0.3 <= inside / len(related) <= 0.7
    assert any(f.get("heat") == -1 for f in fields)
    assert any("quality" not in f for f in fields)
    assert any("originalUrl" not in f for f in fields)
    assert any("images" in f["provider"] for f in fields)
    assert 0.05 <= sum(bool(b) for _, _, b in items) / len(items) <= 0.15
    assert len({t for f in fields for t in f["topics"]}) >= 14
    assert len({f["provider"]["name"] for f in fields}) >= 20
    assert len({f["title"] for f in fields}) / len(fields) > 0.9
    assert any("&#8217;" in f["excerpt"] or "&amp;" in f["excerpt"] for f in fields)
    dates = sorted(f["publishedDateTime"] for f in fields)
    assert dates[0].year == 2024 and dates[-1].year == 2026


def sample_files() -> list[Path]:
    return sorted(p for p in SAMPLE.rglob("*") if p.is_file())


def test_sample_content_every_file_is_an_item():
    files = sample_files()
    assert len(files) >= 160
    for p in files:
        assert p.suffix in ITEM_SUFFIXES, p
        text = p.read_bytes().decode("utf-8")
        data = yaml.load(front_matter(text), Loader=LOADER)
        assert isinstance(data, dict), p
        assert isinstance(data.get("title"), str), p


def test_sample_content_special_shapes():
    special = {p.name: p for p in (SAMPLE / "special").iterdir()}
    raw = [p.read_bytes() for p in special.values()]
    assert any(b.startswith(b"\xef\xbb\xbf") and b"\r\n" in b for b in raw)
    assert any(name.endswith(".yml") for name in special)
    loaded = [yaml.load(front_matter(b.decode("utf-8")), Loader=LOADER) for b in raw]
    titles = {d["title"] for d in loaded}
    assert "[Update] Grid operators [finally] agree on storage rules" in titles
    assert any(d.get("category") == "no" for d in loaded)
    assert any(d.get("topics") == "Space" and d.get("provider") == "Orbital Desk" for d in loaded)
    assert any(d.get("heat") == -1 and not isinstance(d["publishedDateTime"], datetime) for d in loaded)
    assert any({"editorNote", "tags", "language"} <= d.keys() for d in loaded)
    generated = set()
    for p in sample_files():
        if p.parent.name != "special":
            generated.add(yaml.load(front_matter(p.read_text(encoding="utf-8")), Loader=LOADER)["webUrl"])
    assert sum(e["webUrl"] in generated for d in loaded for e in d.get("related", [])) >= 4


def test_no_template_placeholder_survives(mc):
    """Every {placeholder} in the phrase pools is filled, in the sample and in new corpora."""
    import re

    leftover = re.compile(r"\{[a-z0-9_]+\}")
    for p in sample_files():
        assert not leftover.search(p.read_text(encoding="utf-8-sig")), p
    for seed in (7, 11, 12):
        for _path, text in mc.generate(3000, seed):
            assert not leftover.search(text), text[:200]
