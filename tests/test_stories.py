"""Story clusters: which items are one story, the best version, incremental updates."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.model import Entry
from reader.core.stories import Story, StoryConfig, StoryIndex, best_of, cluster
from tests import story_data as sd

EXCERPT = ("Hugging Face has raised a $40 million Series B funding round, led by Addition. The company "
           "builds an open source library for natural language processing used by thousands of teams.")


def spec(name: str, title: str = "Hugging Face raises $40 million for its language library", *,
         excerpt: str = EXCERPT, urls: tuple[str, ...] = (), days: float = 0, heat: int | None = None,
         quality: int | None = None, related: tuple[str, ...] = (), provider: str = "TechCrunch") -> sd.Spec:
    return sd.Spec(name, title, excerpt, provider, sd.T0 + timedelta(days=days),
                   urls or (f"https://{name}.example.com/story",), story="", heat=heat, quality=quality,
                   related=related)


def groups(specs: list[sd.Spec], **config) -> set[frozenset[str]]:
    stories = cluster(sd.entries(specs), sd.related(specs), config=StoryConfig(**config))
    return {frozenset(s.ids) for s in stories if len(s) > 1}


def test_copies_of_one_article_are_one_story() -> None:
    specs = [spec("a"), spec("b", "Hugging Face raises $40 million for its language library - Wired", provider="Wired"),
             spec("c", excerpt=EXCERPT[:90] + "…", days=2)]
    assert groups(specs) == {frozenset("abc")}


def test_the_four_urls_of_an_item_are_one_identity() -> None:
    page = "https://example.com/2024/05/robots-learn"
    a = spec("a", "Robots learn to walk", excerpt="", urls=(page, page + "/amp/"))
    b = spec("b", "Robots learn to walk on ice", excerpt="Different words entirely here.",
             urls=("https://example-com.cdn.ampproject.org/c/s/example.com/2024/05/robots-learn?amp",), days=90)
    assert groups([a, b]) == {frozenset("ab")}


def test_one_page_under_two_titles_that_name_different_things_is_two_stories() -> None:
    page = "https://wire.example.org/syndicated/how-acme-plans-to-count-wildlife-from"  # a slug cut short
    a = spec("a", "How Acme plans to count wildlife from camera traps by 2026", urls=(page,))
    b = spec("b", "How Acme plans to count wildlife from camera traps before 2025", urls=(page,))
    assert groups([a, b]) == set()


@pytest.mark.parametrize("name", [s.id for s in sd.adversarial()])
def test_look_alikes_that_are_different_stories_stay_apart(name: str) -> None:
    specs = sd.adversarial()
    assert not any(name in g for g in groups(specs)), name


def test_a_related_link_joins_coverage_that_shares_the_titles_words() -> None:
    a = spec("a", urls=("https://techcrunch.example.com/hf-raises-40m",))
    b = spec("b", "Hugging Face lands $40 million, and why it matters", excerpt="An analysis in other words.",
             related=("https://techcrunch.example.com/hf-raises-40m/?utm_source=x",), days=1)
    assert groups([a, b]) == {frozenset("ab")}
    assert groups([a, b], related="off") == set()


def test_a_related_link_to_another_topic_joins_only_when_trusted() -> None:
    specs = [s for s in sd.adversarial() if s.id.startswith("adv/topic")]
    assert groups(specs) == set()
    assert groups(specs, related="trusted") == {frozenset(s.id for s in specs)}


def test_the_time_window_keeps_a_late_lookalike_apart() -> None:
    assert groups([spec("a"), spec("b", days=45)]) == set()
    assert groups([spec("a"), spec("b", days=45)], window_days=60) == {frozenset("ab")}


def test_the_best_version_has_the_highest_heat_then_quality_then_smallest_id() -> None:
    def e(name: str, heat: int | None, quality: int | None) -> Entry:
        return spec(name, heat=heat, quality=quality).entry()

    assert best_of([e("a", 10, 99), e("b", 50, 1), e("c", None, 100)]).id == "b"
    assert best_of([e("a", 50, 10), e("b", 50, 60)]).id == "b"
    assert best_of([e("b", 50, 60), e("a", 50, 60)]).id == "a"
    assert best_of([e("a", None, None), e("b", None, 3)]).id == "b"
    stories = cluster([e("a", 10, 1), e("b", 70, 1), e("c", 30, 1)])
    assert stories == [Story("b", ("a", "b", "c"))]


def test_an_entry_without_text_or_urls_is_a_story_of_its_own() -> None:
    bare = [Entry("x", "", "", None, None, None, None, ()), Entry("y", "", "", None, None, None, None, ())]
    assert cluster(bare) == [Story("x", ("x",)), Story("y", ("y",))]


def test_a_changed_file_moves_to_its_new_story() -> None:
    specs = [spec("a"), spec("b"), spec("c", "Quantum chip sets a record", excerpt="Something else entirely.")]
    index = StoryIndex(sd.entries(specs))
    assert index.story_of("b") == Story("a", ("a", "b"))
    index.update([replace(specs[1], title=specs[2].title, excerpt=specs[2].excerpt).entry()])
    assert index.story_of("a") == Story("a", ("a",))
    assert index.story_of("b") == Story("b", ("b", "c"))
    index.update(removed=["c"])
    assert index.story_of("b") == Story("b", ("b",)) and index.story_of("c") is None


def test_removing_the_item_in_the_middle_splits_a_chain() -> None:
    page1, page2 = "https://x.example.com/one", "https://y.example.com/two"
    specs = [spec("a", "Storm hits the coast", excerpt="", urls=(page1,)),
             spec("b", "Storm hits the coast", excerpt="", urls=(page1, page2)),
             spec("c", "Storm hits the coast tonight", excerpt="", urls=(page2,), days=80)]
    index = StoryIndex(sd.entries(specs))
    assert len(index.story_of("a") or ()) == 3
    index.update(removed=["b"])
    assert index.stories(singles=False) == []


# -- incremental updates equal a full build ------------------------------------------------

POOL = sd.with_copies(sd.corpus_bases(40, 21), 8, per_base=(1, 3), coverage=0.4) + sd.adversarial()
REWRITES = sd.with_copies(sd.corpus_bases(15, 22), 9, per_base=(0, 1))


def _rekeyed(s: sd.Spec, name: str) -> sd.Spec:
    return replace(s, id=name)


steps = st.lists(st.tuples(st.sampled_from(["add", "change", "remove"]), st.integers(0, len(POOL) - 1),
                           st.integers(0, len(REWRITES) - 1)), min_size=1, max_size=25)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(POOL)), steps)
def test_incremental_updates_equal_a_full_build(start: int, ops) -> None:
    current = {s.id: s for s in POOL[:start]}
    index = StoryIndex(sd.entries(current.values()), sd.related(current.values()))
    for op, i, j in ops:
        target = POOL[i]
        if op == "add":
            current[target.id] = target
            index.update([target.entry()], related=sd.related([target]))
        elif op == "change" and target.id in current:
            # the file now holds another item's text and URLs (and its related links)
            new = _rekeyed(REWRITES[j], target.id)
            current[target.id] = new
            index.update([new.entry()], related=sd.related([new]))
        elif op == "remove":
            current.pop(target.id, None)
            index.update(removed=[target.id])
        full = StoryIndex(sd.entries(current.values()), sd.related(current.values()))
        assert index.stories() == full.stories()


def test_many_changes_past_the_band_index_compaction_equal_a_full_build(monkeypatch) -> None:
    from reader.core.minhash import BandIndex

    monkeypatch.setattr(BandIndex, "compact_after", 3)
    specs = sd.with_copies(sd.corpus_bases(60, 23), 10, per_base=(1, 2))
    gone = {s.id for s in specs[::5]}
    index = StoryIndex(sd.entries(specs[:20]))
    for s in specs[20:]:
        index.update([s.entry()])
    for name in sorted(gone):
        index.update(removed=[name])
    assert index.stories() == StoryIndex(sd.entries(s for s in specs if s.id not in gone)).stories()


# -- the real items ------------------------------------------------------------------------


def test_the_real_items_are_each_their_own_story(shared: Path) -> None:
    real = sd.real_items(shared)
    stories = cluster([Entry.from_item(item) for item, _ in real], {item.id: keys for item, keys in real if keys})
    assert all(len(s) == 1 for s in stories)
    assert len(stories) == len(real) == 25


def test_the_seed_items_related_entry_is_another_story_unless_links_are_trusted(shared: Path) -> None:
    """The one related entry in the real samples ("Artificial Intelligence - The
    Promise of Early Disease Diagnosis ... Liability", a law review) is on the
    seed item's topic ("AI diagnoses lung disease based on X-rays"), not its story."""
    (seed, keys), = [(item, keys) for item, keys in sd.real_items(shared) if item.related]
    rel = seed.related[0]
    other = Entry(rel.web_url or "", rel.title, rel.provider.label if rel.provider else "", rel.published_at,
                  None, rel.quality, None, (), rel.urls, rel.excerpt)
    entries = [Entry.from_item(seed), other]
    assert [len(s) for s in cluster(entries, {seed.id: keys})] == [1, 1]
    trusted = cluster(entries, {seed.id: keys}, config=StoryConfig(related="trusted"))
    assert trusted == [Story(seed.id, tuple(sorted([seed.id, other.id])))]
