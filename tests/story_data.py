"""Items with a known story for the story-cluster tests and bench: copies of
articles (near-duplicates), pages under other URLs, related coverage, and
adversarial look-alikes that are different stories.

Each ``Spec`` is one item and names its true story; ``entries`` and
``related`` turn specs into what ``reader.core.stories`` takes. Base stories
come from bench/make_corpus.py (template headlines: hard look-alikes already)
or from the real items in ../shared.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path

from reader.core.model import Entry, Item
from reader.core.store import parse_bytes, read_front_matter
from reader.core.textsim import _STOP
from reader.core.urls import identity_keys, related_url_keys
from tests.conftest import load_make_corpus

PROVIDERS = ["Daybreak Wire", "Harbor Ledger", "The Morning Relay", "Northgate News", "Kite & Key"]


@dataclass(frozen=True)
class Spec:
    id: str
    title: str
    excerpt: str
    provider: str
    published_at: datetime | None
    urls: tuple[str, ...]
    story: str  # the true story
    kind: str = "base"  # how it was made
    heat: int | None = None
    quality: int | None = None
    related: tuple[str, ...] = field(default=())  # URLs it names in related

    def entry(self) -> Entry:
        return Entry(self.id, self.title, self.provider, self.published_at, self.heat, self.quality,
                     None, (), self.urls, self.excerpt)


def entries(specs: Iterable[Spec]) -> list[Entry]:
    return [s.entry() for s in specs]


def related(specs: Iterable[Spec]) -> dict[str, tuple[int, ...]]:
    """id -> related URL keys, as the loader would store them."""
    out = {}
    for s in specs:
        keys = related_url_keys({"related": [{"webUrl": u} for u in s.related]})
        if keys:
            out[s.id] = keys
    return out


# -- bases ---------------------------------------------------------------------------------


def corpus_bases(n: int, seed: int) -> list[Spec]:
    """n generated items, each its own story (skipping those that share a page)."""
    mc = load_make_corpus()
    out: list[Spec] = []
    seen: set[int] = set()
    for name, f, _body in mc.generate_items(n, seed):
        urls = tuple(f[k] for k in ("originalUrl", "webUrl", "ampWebUrl", "cdnAmpWebUrl") if k in f)
        keys = set(identity_keys(urls))
        if keys & seen:
            continue  # the generator's cut-short syndication slugs: two stories, one page
        seen |= keys
        heat = f.get("heat")
        out.append(Spec(name, f["title"], f["excerpt"], f["provider"]["name"], f["publishedDateTime"], urls,
                        story=name, heat=None if heat is None or heat < 0 else heat, quality=f.get("quality")))
    return out


def real_items(shared: Path) -> list[tuple[Item, tuple[int, ...]]]:
    """Every real item in ../shared (real-items and seed) with its related URL keys."""
    out = []
    for path in sorted([*(shared / "real-items").rglob("*.md"), *(shared / "seed").glob("*.txt")]):
        if path.name == "README.md":
            continue
        data = path.read_bytes()
        item = parse_bytes(str(path.relative_to(shared)), data)
        parsed = read_front_matter(data)
        assert isinstance(item, Item) and parsed is not None, path
        out.append((item, related_url_keys(parsed[0])))
    return out


def real_bases(shared: Path) -> list[Spec]:
    out = []
    for item, _ in real_items(shared):
        urls = tuple(u for _, u in item.url_candidates)
        out.append(Spec(item.id, item.title, item.excerpt, item.provider.label if item.provider else "",
                        item.published_at, urls, story=item.id, heat=item.heat, quality=item.quality))
    return out


# -- copies of one article -----------------------------------------------------------------

COPY_KINDS = ("wire", "suffix", "case", "prefix", "punct", "truncate", "edit", "republish", "amp")
# Harder copies, where the text signal is expected to miss some: a dateline
# before the lede, the excerpt cut to a dozen words, a title word reworded.
HARD_KINDS = ("dateline", "shorten", "reword")
_SYNONYMS = {"raises": "secures", "launches": "unveils", "unveils": "launches", "says": "claims",
             "delays": "postpones", "plans": "aims", "cuts": "reduces", "shows": "reveals"}


def _other_url(s: Spec, host: str, tag: str) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in s.title.lower())[:60].strip("-")
    return f"https://{host}/{tag}/{slug}"


def copy_of(s: Spec, kind: str, n: int, r: random.Random) -> Spec:
    """A copy of ``s`` made the way ``kind`` says (same story)."""
    provider = r.choice([p for p in PROVIDERS if p != s.provider])
    host = provider.lower().replace(" & ", "-").replace(" ", "-") + ".example.net"
    title, excerpt, when, urls = s.title, s.excerpt, s.published_at, (_other_url(s, host, f"c{n}"),)
    if when is not None:
        when = when + timedelta(hours=r.randint(1, 30))
    words = excerpt.split()
    if kind == "suffix":
        title = f"{title} {r.choice(['-', '|', '–'])} {provider}"
    elif kind == "case":
        title = title.upper() if r.random() < 0.5 else title.title()
    elif kind == "prefix":
        title = f"{r.choice(['Update', 'Exclusive', 'Breaking', 'Report'])}: {title}"
    elif kind == "punct":
        title = title.replace("'", "’").replace(" - ", " — ").replace('"', "“") + "."
        excerpt = excerpt.replace("'", "’").replace(",", " ,")
    elif kind == "truncate" and len(words) > 12:
        excerpt = " ".join(words[: r.randint(max(10, len(words) * 2 // 3), len(words) - 1)]) + "…"
    elif kind == "edit" and len(words) > 12:
        k = r.randrange(len(words) // 2, len(words))
        words[k] = r.choice(["also", "now", "reportedly", words[k] + "s"])
        excerpt = " ".join(words)
    elif kind == "dateline":
        excerpt = f"{r.choice(['LONDON', 'NEW YORK', 'SEOUL'])} ({provider}) — {excerpt}"
    elif kind == "shorten" and len(words) > 12:
        excerpt = " ".join(words[: r.randint(9, 12)]) + "…"
    elif kind == "reword":
        tw = title.split()
        swap = [k for k, w in enumerate(tw) if w.lower() in _SYNONYMS]
        if swap:
            tw[swap[0]] = _SYNONYMS[tw[swap[0]].lower()]
        else:
            tw.insert(len(tw) // 2, "reportedly")
        title = " ".join(tw)
    elif kind == "republish":
        provider = s.provider
        when = None if s.published_at is None else s.published_at + timedelta(days=r.randint(1, 10))
    elif kind == "amp":  # the same page under its AMP, cache and tracking addresses; the title edited
        provider = s.provider
        pages = [u for u in s.urls if not any(m in u for m in ("ampproject", "/amp", "?amp", ".amp"))]
        pages = pages or [_other_url(s, host, "p")]
        base = pages[-1]
        rest = base.split("://", 1)[1]
        urls = (f"http://www.{rest.rstrip('/')}/?utm_source=feed&fbclid=x",
                f"https://{rest.split('/', 1)[0].replace('.', '-')}.cdn.ampproject.org/c/s/{rest}"
                + ("&amp" if "?" in rest else "?amp"))
        title = title + " (updated)"
        excerpt = ""
    return replace(s, id=f"{s.id}~{kind}{n}", title=title, excerpt=excerpt, provider=provider,
                   published_at=when, urls=urls, kind=kind, heat=r.randint(0, 100), quality=r.randint(0, 100),
                   related=())


def coverage_of(s: Spec, n: int, r: random.Random) -> Spec:
    """Another provider's own article on the story, naming ``s`` in related: a
    new excerpt, a title that keeps the subject's words."""
    words = s.title.split()
    title = " ".join(words[: max(3, len(words) // 2)]) + ", " + r.choice(
        ["sources say", "what it means", "in detail", "and why it matters"])
    provider = r.choice([p for p in PROVIDERS if p != s.provider])
    host = provider.lower().replace(" & ", "-").replace(" ", "-") + ".example.org"
    when = None if s.published_at is None else s.published_at + timedelta(hours=r.randint(2, 48))
    return Spec(f"{s.id}~coverage{n}", title, "A different write-up of the news, in other words entirely, "
                "with quotes from people the first report did not reach.", provider, when,
                (_other_url(s, host, "cov"),), story=s.story, kind="coverage", related=s.urls[-1:])


def with_copies(bases: Sequence[Spec], seed: int, per_base: tuple[int, int] = (0, 3),
                kinds: Sequence[str] = COPY_KINDS, coverage: float = 0.0) -> list[Spec]:
    """The bases, each followed by a few copies (and, with ``coverage``, related coverage)."""
    r = random.Random(seed)
    out: list[Spec] = []
    for s in bases:
        out.append(s)
        for n in range(r.randint(*per_base)):
            out.append(copy_of(s, r.choice(kinds), n, r))
        if r.random() < coverage:
            out.append(coverage_of(s, 0, r))
    return out


# -- look-alikes that are different stories ------------------------------------------------

_NAMES = ["Zephyrine", "Quorvel", "Baltrix", "Osmundo", "Pellucid", "Varnholt"]


def lookalike_of(s: Spec, n: int, r: random.Random) -> Spec | None:
    """Another story written from the same template: one name, or one number,
    changed everywhere in title and excerpt; a page of its own."""
    words = s.title.split()
    numbers = [w for w in words if any(c.isdigit() for c in w)]
    if numbers and r.random() < 0.5:
        old = numbers[0]
        new = "".join(str((int(c) + 3) % 10) if c.isdigit() else c for c in old)
    else:
        names = [w for w in words[1:] if w[:1].isupper() and w.isalpha() and len(w) > 3
                 and w.lower() not in _STOP]
        if not names:
            return None
        old, new = names[0], r.choice(_NAMES)
    name = f"{s.id}~lookalike{n}"
    return Spec(name, s.title.replace(old, new), s.excerpt.replace(old, new), s.provider,
                s.published_at, (f"https://lookalike.example.com/{n}/{abs(hash(name)) % 10**8}",),
                story=name, kind="lookalike")


def with_lookalikes(bases: Sequence[Spec], seed: int, share: float = 0.5) -> list[Spec]:
    r = random.Random(seed)
    out = list(bases)
    for n, s in enumerate(bases):
        if r.random() < share:
            other = lookalike_of(s, n, r)
            if other is not None:
                out.append(other)
    return out

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def _spec(name: str, title: str, excerpt: str, url: str, *, provider: str = "Harbor Ledger",
          days: float = 0, related_urls: tuple[str, ...] = ()) -> Spec:
    return Spec(name, title, excerpt, provider, T0 + timedelta(days=days), (url,), story=name,
                kind="adversarial", related=related_urls)


def adversarial() -> list[Spec]:
    """Pairs and groups of different stories that share words, a template, a slug or a link."""
    raise_ex = ("{co}, a startup that makes scheduling software for clinics, has raised $40 million in a "
                "Series B round led by Northwind Partners, the company said on Tuesday.")
    month_ex = ("The {m} 2024 feature update brings {a}, a new way to {b}, and fixes for the issues "
                "reported in the community forum last month.")
    return [
        # one template headline, another company (the excerpt template too)
        _spec("adv/raise-acme", "Acme Health raises $40M for clinic scheduling", raise_ex.format(co="Acme Health"),
              "https://a.example.com/acme-raises-40m"),
        _spec("adv/raise-bolt", "Bolt Care raises $40M for clinic scheduling", raise_ex.format(co="Bolt Care"),
              "https://a.example.com/bolt-raises-40m", days=1),
        # the same company, another amount
        _spec("adv/raise-60", "Acme Health raises $60M for clinic scheduling",
              raise_ex.format(co="Acme Health").replace("40", "60"), "https://b.example.com/acme-60m", days=2),
        # a recurring column: another month
        _spec("adv/feb", "What's new in Power Apps: February 2024 feature update",
              month_ex.format(m="February", a="offline mode", b="share tables"),
              "https://c.example.com/whats-new-feb-2024"),
        _spec("adv/mar", "What's new in Power Apps: March 2024 feature update",
              month_ex.format(m="March", a="offline mode", b="share tables"),
              "https://c.example.com/whats-new-mar-2024", days=20),
        # one slug, two stories (another site, another year; ?id= tells two pages apart)
        _spec("adv/slug-2024", "City council approves the new bridge budget",
              "Councillors voted 7 to 2 to fund the river crossing after a year of debate over its cost.",
              "https://d.example.com/2024/05/bridge-vote"),
        _spec("adv/slug-other", "Bridge club elects a new president",
              "Members of the riverside bridge club chose their chair for the next two seasons at the spring meeting.",
              "https://e.example.com/2025/03/bridge-vote", days=3),
        _spec("adv/id-1", "Storm closes schools across the valley",
              "Heavy snow kept buses off the roads on Monday, and the district expects to reopen on Wednesday.",
              "https://f.example.com/article?id=1001"),
        _spec("adv/id-2", "Farmers market moves to a larger square",
              "The weekly market will take over the old station square from June, with room for forty stalls.",
              "https://f.example.com/article?id=1002", days=1),
        # a site's home page as the original URL of two stories
        _spec("adv/home-1", "Port strike ends after nine days",
              "Dock workers accepted a pay offer late on Sunday, and ships began unloading at dawn.",
              "https://g.example.com/"),
        _spec("adv/home-2", "Museum reopens its east wing",
              "After two years of repairs the galleries of early photography are open again to visitors.",
              "https://g.example.com/", days=2),
        # a related link to a story that is merely on the same topic (as in the real seed item)
        _spec("adv/topic-a", "Hospital tests AI that reads chest scans",
              "Radiologists at the city hospital will compare the software's reports with their own for six months.",
              "https://h.example.com/ai-chest-scans", related_urls=("https://i.example.com/ai-liability-doctors",)),
        _spec("adv/topic-b", "Who is liable when medical software errs?",
              "Lawyers say doctors, vendors and hospitals share the blame in unclear ways when algorithms get it wrong.",
              "https://i.example.com/ai-liability-doctors", days=1),
        # the same title, another week's content
        _spec("adv/weekly-1", "This week in robotics: the news in brief",
              "A warehouse arm that sorts returns, a bill on delivery robots, and a new record for a walking robot.",
              "https://j.example.com/week-10"),
        _spec("adv/weekly-2", "This week in robotics: the news in brief",
              "Lawn mowers that map gardens, a strike at a robot maker, and a humanoid that climbs ladders.",
              "https://j.example.com/week-11", days=7),
    ]


# -- scoring -------------------------------------------------------------------------------


def true_pairs(specs: Iterable[Spec]) -> set[frozenset[str]]:
    by_story: dict[str, list[str]] = {}
    for s in specs:
        by_story.setdefault(s.story, []).append(s.id)
    return {frozenset(p) for ids in by_story.values() for p in combinations(ids, 2)}


def found_pairs(groups: Iterable[Iterable[str]]) -> set[frozenset[str]]:
    return {frozenset(p) for ids in groups for p in combinations(sorted(ids), 2)}


def precision_recall(truth: set[frozenset[str]], found: set[frozenset[str]]) -> tuple[float, float]:
    hit = len(truth & found)
    return (hit / len(found) if found else 1.0), (hit / len(truth) if truth else 1.0)
