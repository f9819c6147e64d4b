#!/usr/bin/env python3
"""Generate a deterministic corpus of realistic news items for tests and benchmarks.

Usage:
    python bench/make_corpus.py N DIR [--seed S] [--flat] [--check]

Writes N items (one file each, YAML front matter between ``---`` lines, then an
optional markdown body) in the layout of the Smartable "Everyday" ``_news/*.md``
files: double-quoted strings, blank lines between blocks, plain provider names,
topics, dates and numbers. By default files go to ``DIR/YYYY/MM/YYYY-MM-DD-slug.md``;
``--flat`` puts them all directly in DIR. The same N and seed always give
byte-identical files. ``--check`` re-reads every written file with PyYAML's
CSafeLoader and compares it with the values that were meant.

All text is composed from the phrase pools below, written for this project; the
organisations, people, providers and journals are invented, and every host is
under example.com / example.org / example.net.

Importable without side effects (tests load it with importlib):
    generate(n, seed=7, flat=False)      -> iterator of (relative_path, text)
    generate_items(n, seed=7)            -> iterator of (filename, fields, body)
    render(fields, body)                 -> text
    write_corpus(n, directory, seed=7, flat=False) -> number of files written
    verify(n, seed=7)                    -> list of problems (empty when all good)
"""

from __future__ import annotations

import argparse
import base64
import html
import os
import random
import sys
import time
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

DEFAULT_SEED = 7

# --------------------------------------------------------------------------
# Phrase pools (original text).
# Each topic: organisations, things (noun phrases), claims (what the thing does
# or what was found; may hold {pct} {n} {m} {amt} {year} {v} {place}), goals
# (infinitive phrases), companion topics (often tagged together).
# --------------------------------------------------------------------------

TOPICS: dict[str, dict[str, list[str]]] = {
    "AI": {
        "orgs": ["Marrow Labs", "Fernhill AI", "Quillon Systems", "Lattice & Loom",
                 "Brightwater Intelligence", "Cobalt Reasoning"],
        "things": ["a compact language model", "an open-weight assistant", "a code-writing agent",
                   "a multimodal model", "a reasoning benchmark", "an AI tutor for secondary-school maths",
                   "a chatbot for tax questions", "a model that summarises court filings",
                   "a voice assistant for call centres", "an agent that books business travel",
                   "a model that reads handwritten forms", "a customer-support copilot"],
        "claims": ["matches larger rivals on maths tests", "cuts inference costs by {pct}",
                   "still invents citations, audit shows", "runs on a laptop without a GPU",
                   "beats human graders on essay scoring", "struggles with long documents",
                   "halves response times", "passes a bar-style exam on the second try",
                   "answers {pct} of support tickets without help"],
        "goals": ["train smaller models on licensed data", "bring AI assistants to hospital wards",
                  "audit chatbots for bias", "make model training cheaper",
                  "build AI agents for small businesses", "teach models to say when they are unsure"],
        "companions": ["Machine Learning", "Natural Language Processing", "Chips", "Policy", "Startups"],
    },
    "Machine Learning": {
        "orgs": ["Tessellate Research", "Gradient Harbor", "Northfield Data Lab", "Oakline Analytics",
                 "Sable Learning"],
        "things": ["a new training method", "a weather-forecasting model", "a fraud-detection system",
                   "a recommendation engine", "a dataset of labelled bird calls",
                   "a protein-structure predictor", "a self-supervised vision model",
                   "a tool that spots mislabelled data", "a benchmark for tabular data",
                   "a model compression technique"],
        "claims": ["needs {pct} less training data", "outperforms classic statistics on rainfall forecasts",
                   "generalises poorly outside the lab", "flags fraud {n} hours earlier",
                   "trains in a day on a single GPU", "reduces energy use by {pct}",
                   "finds {n} thousand labelling errors in a popular benchmark"],
        "goals": ["make models forget personal data", "predict crop yields from satellite images",
                  "label medical scans faster", "detect failing wind turbines early"],
        "companions": ["AI", "Computer Vision", "Health", "Climate"],
    },
    "Robotics": {
        "orgs": ["Kestrel Robotics", "Amberfield Automation", "Ironbark Dynamics", "Halyard Robotics",
                 "Pinecrest Mechatronics"],
        "things": ["a warehouse picking arm", "a four-legged inspection robot", "a robot that folds laundry",
                   "a surgical robot", "a delivery robot for hospitals", "a humanoid prototype",
                   "a soft gripper inspired by octopus arms", "a fruit-picking robot",
                   "an underwater drone", "a robotic exoskeleton for factory workers"],
        "claims": ["learns new tasks from {n} demonstrations", "climbs stairs in snow",
                   "picks {n} items an hour", "works alongside staff without safety fences",
                   "recovers from falls on its own", "handles ripe fruit without bruising it",
                   "needs a human to step in every {n} minutes"],
        "goals": ["automate vineyard pruning", "put robots in care homes", "build general-purpose humanoids",
                  "inspect bridges without closing lanes"],
        "companions": ["AI", "Computer Vision", "Startups", "Health"],
    },
    "Climate": {
        "orgs": ["Tidewater Climate Center", "Greyhaven Institute", "the Polar Data Collective",
                 "Saltmarsh Analytics", "Evergreen Carbon"],
        "things": ["a satellite methane tracker", "a carbon-removal plant", "a heat-risk map",
                   "a new sea-level model", "a reforestation project", "a glacier-monitoring network",
                   "a soil-carbon survey", "a flood early-warning system"],
        "claims": ["shows faster ice loss than expected", "underestimates urban heat by {pct}",
                   "captures {n} tonnes of CO2 a year", "spots leaks from orbit within hours",
                   "could warn cities {n} days earlier", "finds peatlands storing more carbon than thought"],
        "goals": ["pay farmers to store carbon in soil", "map flood risk for every street",
                  "verify carbon credits with satellites", "restore seagrass meadows"],
        "companions": ["Energy", "Policy", "Space", "Machine Learning"],
    },
    "Energy": {
        "orgs": ["Brightfold Energy", "Ridgeway Power", "Voltaire Grid Services", "Cinder & Stone Renewables",
                 "Helio Northern"],
        "things": ["a sodium-ion battery", "a grid-scale storage site", "an offshore wind farm",
                   "a heat pump for older homes", "a small modular reactor design", "a geothermal pilot",
                   "a solar panel coating", "a green hydrogen plant", "a vehicle-to-grid scheme",
                   "a flow battery"],
        "claims": ["cuts charging time by {pct}", "survives {n} charge cycles in lab tests",
                   "could power {n} thousand homes", "runs at full output through a cold snap",
                   "loses {pct} less energy overnight", "costs less than gas peaker plants"],
        "goals": ["store summer solar for winter", "retrofit heat pumps in terraced houses",
                  "build battery factories in Europe", "connect rooftop solar to the grid faster"],
        "companions": ["Climate", "Policy", "Startups", "Chips"],
    },
    "Space": {
        "orgs": ["Orbital Forge", "Skylark Launch", "the Meridian Space Agency", "Halcyon Orbital",
                 "Cassini Row Aerospace"],
        "things": ["a reusable upper stage", "a lunar lander", "a cubesat constellation", "a space telescope",
                   "an asteroid-sampling probe", "a Mars helicopter successor", "a satellite refuelling mission",
                   "an in-orbit debris catcher", "a radio telescope array", "a crewed capsule"],
        "claims": ["spots water ice near the lunar south pole", "completes its {n}th flight",
                   "captures the sharpest image yet of a distant exoplanet", "slips to {year} after engine tests",
                   "finds organic molecules in a comet tail", "survives a {n}-day night on the Moon"],
        "goals": ["clean up low Earth orbit", "build a fuel depot in orbit", "launch small satellites every week",
                  "mine water on the Moon"],
        "companions": ["Climate", "Startups", "Policy", "Robotics"],
    },
    "Health": {
        "orgs": ["Clearwater Health", "St Aldric Hospital", "the Halden Medical Institute", "Pulsewise",
                 "Juniper Clinic Network"],
        "things": ["a blood test for early cancer", "a wearable heart monitor", "a new sleep study",
                   "a malaria vaccine trial", "a hearing-aid app", "a digital therapy for insomnia",
                   "a hospital triage tool", "a screening programme for diabetes"],
        "claims": ["spots disease {n} years earlier", "reduces hospital stays by {pct}",
                   "works as well as standard care in a {n}-patient trial", "shows mixed results in older adults",
                   "misses cases in darker skin tones, review finds", "cuts waiting times in emergency rooms"],
        "goals": ["screen rural patients by phone", "bring dialysis home", "make insulin pens cheaper",
                  "track long-term effects of viral infections"],
        "companions": ["Biotech", "AI", "Privacy", "Machine Learning"],
    },
    "Biotech": {
        "orgs": ["Helix Meadow", "Corvid Therapeutics", "Ambergene", "Rowan Biosciences", "Tellurian Bio"],
        "things": ["a gene-editing therapy", "an mRNA flu vaccine", "a lab-grown cartilage implant",
                   "a bacteria-based fertiliser", "a cell therapy for lupus", "a base-editing tool",
                   "a synthetic yeast strain", "an enzyme that breaks down plastic"],
        "claims": ["clears symptoms in {n} of {m} patients", "enters phase 2 trials",
                   "breaks down bottles in {n} hours", "passes a safety review in animal studies",
                   "raises questions about off-target edits", "doubles crop yields in greenhouse tests"],
        "goals": ["edit genes inside the body", "brew medicines in yeast", "recycle plastic with enzymes",
                  "grow replacement tissue"],
        "companions": ["Health", "Startups", "Climate", "Machine Learning"],
    },
    "Security": {
        "orgs": ["Blackthorn Security", "Sentinel Row", "Pallisade Labs", "the Greyfield CERT",
                 "Watchtower Incident Response"],
        "things": ["a router firmware flaw", "a ransomware gang", "a phishing kit",
                   "a supply-chain attack on a build tool", "a zero-day in a VPN appliance",
                   "a bug bounty programme", "a password manager breach", "a botnet of smart cameras"],
        "verbs": ["uncovers", "disrupts", "tracks", "warns of", "details", "takes down", "reports on"],
        "claims": ["hits {n} hospitals across three countries", "exposes {n} million records",
                   "is patched after {n} days", "bypasses two-factor codes", "abuses a signed driver",
                   "was sold on forums for months"],
        "goals": ["replace passwords with passkeys", "secure open-source package registries",
                  "train small firms to spot phishing", "find bugs in car software"],
        "companions": ["Privacy", "Open Source", "Policy", "AI"],
    },
    "Privacy": {
        "orgs": ["the Digital Rights Trust", "Quietline", "Harbourside Privacy Lab", "the Data Ethics Forum",
                 "Veilstone"],
        "things": ["a location-data broker", "a face-recognition system", "an ad-tracking pixel",
                   "a period-tracking app", "a children's smart speaker", "a workplace monitoring tool",
                   "a licence-plate reader network", "a health-data sharing deal"],
        "verbs": ["investigates", "sues over", "warns about", "audits", "flags", "challenges"],
        "claims": ["shares data without consent, regulator says", "is fined ${amt} million",
                   "keeps recordings for {n} years", "is pulled from app stores", "tracks users across {n} sites",
                   "faces a class action"],
        "goals": ["let people delete data held by brokers", "audit school apps for trackers",
                  "make encryption the default", "give users control over voice recordings"],
        "companions": ["Security", "Policy", "Computer Vision", "Health"],
    },
    "Chips": {
        "orgs": ["Quillon Semiconductor", "Arcwell Silicon", "Teralith", "Norrow Foundry", "Photon Mill"],
        "things": ["a 2-nanometre process", "a RISC-V server chip", "an AI accelerator", "a photonic interconnect",
                   "a chip packaging plant", "a low-power edge processor", "a memory chip with stacked layers",
                   "a chiplet standard"],
        "claims": ["delivers {pct} better performance per watt", "enters mass production in {year}",
                   "faces yield problems", "doubles memory bandwidth", "runs models on {n} watts",
                   "is delayed by equipment shortages"],
        "goals": ["build a foundry in {place}", "design open chips for universities",
                  "bring advanced packaging to Europe", "cut data-centre power use"],
        "companions": ["AI", "Policy", "Quantum", "Startups"],
    },
    "Startups": {
        "orgs": ["Fennel", "Tinder Box Ventures", "Lumen Harbor", "Parcelwise", "Moss & Mortar",
                 "Keelhaul Capital"],
        "things": ["a payroll app for freelancers", "a climate-tech accelerator",
                   "a marketplace for used lab equipment", "a no-code data tool", "a grocery delivery service",
                   "an insurance app for cyclists", "a booking tool for physiotherapists"],
        "claims": ["doubles its revenue in a year", "lays off {pct} of staff", "is acquired for ${amt} million",
                   "expands to {n} new cities", "shuts down after {n} years", "reaches profitability"],
        "goals": ["help restaurants cut food waste", "build payroll for gig workers",
                  "fund deep-tech founders in {place}", "sell refurbished laptops to schools"],
        "companions": ["AI", "Energy", "Biotech", "Open Source"],
    },
    "Policy": {
        "orgs": ["the European Commission", "the Ministry of Digital Affairs", "the Senate commerce committee",
                 "the Federal Trade Office", "the Standards Council"],
        "things": ["an AI liability bill", "a right-to-repair law", "a chip export rule", "a data-centre zoning plan",
                   "a ban on facial recognition in schools", "an open-data mandate", "a rulebook for online ads",
                   "a digital services tax"],
        "verbs": ["drafts", "backs", "delays", "revises", "proposes", "shelves", "publishes"],
        "claims": ["passes its first vote", "is watered down after lobbying", "takes effect in {year}",
                   "draws {n} thousand public comments", "faces a court challenge", "wins cross-party support"],
        "goals": ["regulate general-purpose AI", "make devices easier to repair",
                  "protect gig workers from algorithmic firing", "speed up grid connections"],
        "companions": ["AI", "Privacy", "Energy", "Chips"],
    },
    "Quantum": {
        "orgs": ["Qubitline", "Coldspring Quantum", "Entangle Works", "Vireo Quantum", "the Lindqvist Quantum Lab"],
        "things": ["a 1,000-qubit processor", "an error-corrected logical qubit", "a quantum network link",
                   "a trapped-ion computer", "a quantum sensor for navigation", "a post-quantum encryption standard",
                   "a photonic quantum chip"],
        "claims": ["keeps qubits stable for {n} milliseconds", "links two cities {n} km apart",
                   "cuts error rates by {pct}", "solves a chemistry problem classical machines cannot",
                   "is years from useful work, experts say", "navigates without GPS in flight tests"],
        "goals": ["build fault-tolerant machines by {year}", "secure banks against future quantum attacks",
                  "sell quantum sensors to mining firms"],
        "companions": ["Chips", "Security", "Startups", "Space"],
    },
    "Open Source": {
        "orgs": ["the Linden Foundation", "Commons Stack", "the Oatmeal Project", "Burrow Software Cooperative",
                 "Freeform Labs"],
        "things": ["a Rust rewrite of a core library", "a new licence", "a package manager", "a maintainer fund",
                   "an open-source database", "a desktop environment", "a compiler toolchain", "an open dataset"],
        "claims": ["reaches version {v}", "gets {n} thousand stars in a week", "drops support for older systems",
                   "is forked after a licence change", "finds a new home after its maintainer steps down",
                   "passes a security audit"],
        "goals": ["pay open-source maintainers", "keep critical libraries secure", "make software builds reproducible"],
        "companions": ["Security", "AI", "Startups", "Machine Learning"],
    },
    "Computer Vision": {
        "orgs": ["Prism Eye", "Northlight Vision", "Glasswing Imaging"],
        "things": ["a camera that counts fish", "a model that reads shelf labels", "a traffic-camera system",
                   "a crop-disease scanner", "a sign-language recogniser", "a drone that maps roof damage"],
        "claims": ["spots defects {pct} faster than inspectors", "works in low light",
                   "counts pedestrians without storing faces", "misreads road signs in heavy rain"],
        "goals": ["inspect power lines from drones", "count wildlife from camera traps"],
        "companions": ["AI", "Machine Learning", "Robotics", "Privacy"],
    },
    "Natural Language Processing": {
        "orgs": ["Wordsmith Labs", "Babel Quay", "Lexicon North"],
        "things": ["a translation model for {n} African languages", "a speech recogniser for regional dialects",
                   "a tool that simplifies legal text", "a model that flags misleading health claims",
                   "an open corpus of parliamentary speeches"],
        "claims": ["halves translation errors", "works offline on phones", "still trips over sarcasm",
                   "covers {n} languages with little written text"],
        "goals": ["translate court documents for free", "caption local radio automatically"],
        "companions": ["AI", "Machine Learning", "Open Source", "Policy"],
    },
}
TOPIC_NAMES = list(TOPICS)

GENERIC_ORGS = ["Tidewater University", "the Aldermoor Institute of Technology", "Hollis College",
                "the Verenne Research Council", "Eastgate Polytechnic", "the Brannock Foundation"]

VERBS = ["unveils", "launches", "tests", "open-sources", "pilots", "shows off", "scraps", "expands",
         "pauses", "details", "ships", "bets big on", "quietly shelves", "doubles down on", "previews"]
QUALIFIERS = ["in {place}", "for schools", "for small farms", "ahead of a {year} rollout", "after a {mo}-month trial",
              "for under ${price}", "with help from {org2}", "in a push into Europe", "as rivals close in",
              "amid safety questions", "at its annual conference", "for hospitals in {place}"]
CLAIM_TAILS = ["in {place}", "in a {mo}-month trial", "at a plant in {place}", "in early tests",
               "in {year} field trials", "for the first time", "at {n} sites", "in winter tests"]
FINDERS = ["study finds", "report says", "early data show", "auditors say", "engineers claim",
           "analysis shows", "say researchers in {place}"]
GOAL_TAILS = ["by {year}", "in {place}", "before {year}", "on a shoestring", "with {org2}",
              "without new hires", "in {mo} months", "after a ${amt} million round", "for {n} cities"]
PLACE_VERBS = ["backs", "rejects", "pilots", "approves", "pauses", "fast-tracks", "trials"]
REASONS = ["costs rise", "regulators ask questions", "tests run long", "supply chains tighten",
           "a key partner pulls out", "engineers find a flaw"]
COMPLAINTS = ["question the cost", "want independent tests", "worry about jobs", "call it a rebrand",
              "say it is years late"]
EVENTS = ["annual conference", "developer day", "earnings call", "open lab day", "investor briefing"]
BUZZ = ["good enough", "small is beautiful", "boring tech", "right-sizing", "compute sovereignty",
        "repairability", "trust but verify", "local first"]
PLACES = ["Lisbon", "Zürich", "Kraków", "São Paulo", "Montréal", "Nairobi", "Osaka", "Tallinn", "Austin", "Leeds",
          "Bengaluru", "Rotterdam", "Adelaide", "Lyon", "Bergen", "Seoul", "Accra", "Valparaíso", "Gdańsk",
          "Halifax", "Porto", "Tucson", "Dundee", "Eindhoven", "Reykjavík", "Kyiv"]
FIRST = ["Ines", "Tomasz", "Amara", "Kenji", "Lucía", "Owen", "Priya", "Matteo", "Freya", "Kwame", "Sofia",
         "Henrik", "Leila", "Dmitri", "Aiko", "Rafael", "Nadia", "Callum", "Mei", "Jonas", "Zanele", "Élodie"]
LAST = ["Varga", "Okafor", "Lindqvist", "Moreau", "Castellano", "Brennan", "Takahashi", "Adeyemi", "Novak",
        "Haldane", "Ferreira", "Kowalski", "Osei", "Sørensen", "Iyer", "Whitcombe", "Marchetti", "Duarte",
        "Lehtinen", "O'Rourke", "Abara", "Quist"]
ROLES = ["chief scientist", "head of research", "co-founder", "policy lead", "chief executive", "lead engineer",
         "professor of physics", "director of operations", "senior analyst", "research fellow"]
KINDS = ["start-up", "research group", "non-profit", "company", "university lab", "consultancy"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
JOURNALS = ["the Journal of Applied Circuits", "Field Robotics Letters", "Open Climate Review",
            "the Annals of Digital Health", "Molecular Engineering Reports", "Quantum Systems Letters",
            "the Review of Learning Systems"]
REPORTS = ["report", "white paper", "preprint", "filing", "blog post", "technical note"]
SOURCES = ["a preprint posted this week", "documents seen by reporters", "people familiar with the plans",
           "a regulator&#8217;s filing", "an internal memo", "the company&#8217;s own figures"]
TRENDS = ["the sector is maturing", "investors are getting pickier", "regulators are paying attention",
          "costs are finally falling", "the hype cycle is cooling", "big buyers want proof, not demos"]
QUOTES = ["We didn&#8217;t expect it to work this well", "This is a first step, not a finished product",
          "The hard part is the last {pct}", "Nobody wants another pilot that goes nowhere",
          "We&#8217;re being careful about what we claim", "It&#8217;s cheaper than people think",
          "The data will tell us whether we were right", "We built it because nobody else would"]
FORECASTS = ["prices to fall by {pct} within two years", "a wave of copycat projects",
             "slower growth until {year}", "consolidation among smaller players",
             "demand to outstrip supply well into {year}"]
PARTICIPANTS = ["patients", "volunteers", "sites", "households", "schools", "farms", "vehicles"]
ORDINALS = ["second", "third", "fourth", "fifth"]
PROJECTS = ["project", "deal", "trial", "launch", "partnership"]
EXTRA_SENTENCES = [
    "Critics say the figures are hard to check &amp; want the raw data released.",
    "The team plans a larger trial in {year}.",
    "Prices start at ${price}, with shipments expected by {month}.",
    "Some engineers now call the approach &quot;{buzz}&quot; engineering.",
    "The results have not yet been independently replicated.",
    "A spokesperson declined to say how much the work cost.",
    "Details of the R&amp;D budget were not disclosed.",
]
BODY_HEADINGS = ["What happens next", "Why it matters", "The numbers", "Open questions", "Background"]
SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with",
               "after", "amid", "into"}

# (name, domain, url style, title case?, beat topics). Names are plain YAML scalars.
PROVIDERS: list[tuple[str, str, int, bool, tuple[str, ...]]] = [
    ("Northwind Gazette", "northwind-gazette.example.com", 0, False, ("AI", "Policy", "Startups")),
    ("Harbor Ledger", "harborledger.example.org", 1, True, ("Startups", "Chips", "Energy")),
    ("Circuit Weekly", "circuitweekly.example.net", 2, False, ("Chips", "Quantum", "AI")),
    ("Orbital Desk", "orbital-desk.example.com", 3, True, ("Space", "Climate")),
    ("The Quiet Lab", "quietlab.example.org", 0, False, ("Machine Learning", "AI", "Natural Language Processing")),
    ("Fieldnote Science", "fieldnote.example.net", 4, False, ("Climate", "Biotech", "Health")),
    ("Meridian Tech Review", "meridian-review.example.com", 1, True, ("AI", "Robotics", "Chips", "Quantum")),
    ("Copperline News", "copperline.example.com", 2, False, ("Energy", "Policy", "Climate")),
    ("Grid & Wire", "gridandwire.example.net", 3, False, ("Energy", "Climate")),
    ("Signal Hill Daily", "signalhill.example.org", 4, True, ("Security", "Privacy")),
    ("Brackish Water Post", "brackish-post.example.com", 0, False, ("Climate", "Space")),
    ("Latitude Health", "latitude-health.example.net", 1, False, ("Health", "Biotech")),
    ("Byte Harbor", "byteharbor.example.com", 2, False, ("Open Source", "Security", "AI")),
    ("The Lantern Wire", "lanternwire.example.org", 3, True, ("Policy", "Privacy", "AI")),
    ("Stackframe", "stackframe.example.net", 4, False, ("Open Source", "Chips", "Machine Learning")),
    ("Pebble Street Journal", "pebblestreet.example.com", 0, True, ("Startups", "Energy", "Biotech")),
    ("Cold Front Report", "coldfront.example.org", 1, False, ("Climate", "Energy")),
    ("Helix Times", "helixtimes.example.net", 2, False, ("Biotech", "Health")),
    ("Ridgeline Business", "ridgeline-business.example.com", 3, True, ("Startups", "Chips", "Robotics")),
    ("Open Bench", "openbench.example.org", 4, False, ("Open Source", "Machine Learning", "Robotics")),
    ("Vector Post", "vectorpost.example.net", 0, False, ("AI", "Computer Vision", "Robotics")),
    ("Tidepool Tech", "tidepool.example.com", 1, False, ("Computer Vision", "Natural Language Processing", "AI")),
    ("Kilnworks Daily", "kilnworks.example.org", 2, True, ("Quantum", "Chips", "Space")),
    ("Parallax Science News", "parallax.example.net", 3, False, ("Space", "Quantum", "Biotech")),
    ("Aster Policy Watch", "asterpolicy.example.com", 4, False, ("Policy", "Privacy", "Security")),
    ("Mosaic Robotics Report", "mosaic-robotics.example.org", 0, True, ("Robotics", "AI")),
]
OUTSIDE_PROVIDERS = [
    ("Lakeside Review", "lakeside-review.example.org"), ("Farrow Chronicle", "farrow-chronicle.example.org"),
    ("Daybreak Wire", "daybreak-wire.example.org"), ("Marginalia Tech", "marginalia-tech.example.org"),
    ("Upland Science Digest", "upland-digest.example.org"), ("The Weekly Relay", "weekly-relay.example.org"),
    ("Granite City Courier", "granite-courier.example.org"), ("Paper Kite Media", "paperkite.example.org"),
]
BEATS: dict[str, list[int]] = {t: [i for i, p in enumerate(PROVIDERS) if t in p[4]] for t in TOPIC_NAMES}
RELATED_COUNTS = (0,) * 8 + (1,) * 6 + (2,) * 3 + (3,) * 2 + (4,)  # mean 1.1, like real items
IMAGE_SIZES = [(1200, 675), (1905, 1130), (1600, 900), (800, 450), (1280, 720), (1024, 768), (640, 360),
               (2048, 1152), (1160, 768), (1500, 1000), (960, 640), (1400, 788)]
IMAGE_EXTS = [".jpg", ".jpg", ".jpg", ".png", ".webp"]

START = datetime(2024, 11, 1, tzinfo=UTC)
SPAN_MINUTES = int((datetime(2026, 11, 30, 23, 59, tzinfo=UTC) - START).total_seconds() // 60)

_SLUG_KEEP = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


# --------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------

def slugify(text: str, limit: int = 80) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    out = []
    dash = False
    for ch in text:
        if ch in _SLUG_KEEP:
            out.append(ch)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    slug = "".join(out).strip("-")
    if len(slug) > limit:
        slug = slug[:limit]
        cut = slug.rfind("-")
        if cut > limit // 2:
            slug = slug[:cut]
    return slug or "item"


def title_case(text: str) -> str:
    words = text.split(" ")
    out = []
    for i, w in enumerate(words):
        lead = '"' if w.startswith('"') else ""
        w = w[len(lead):]
        if i and w in SMALL_WORDS:
            out.append(lead + w)
        elif w[:1].islower():
            out.append(lead + "-".join(p[:1].upper() + p[1:] for p in w.split("-")))
        else:
            out.append(lead + w)
    return " ".join(out)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _poss(org: str) -> str:
    return org + "'" if org.endswith("s") else org + "'s"


class _Words:
    """Per-item slot values drawn lazily from one Random."""

    __slots__ = ("r",)

    def __init__(self, r: random.Random) -> None:
        self.r = r

    def fill(self, s: str) -> str:
        if "{" not in s:
            return s
        r = self.r
        return s.format(
            pct=f"{r.choice((5, 8, 10, 12, 15, 20, 25, 30, 40, 45, 60))}%" if "{pct}" in s else "",
            n=r.choice((2, 3, 4, 6, 9, 12, 14, 18, 24, 30, 48, 90, 120, 400)) if "{n}" in s else "",
            m=r.choice((10, 12, 20, 40)) if "{m}" in s else "",
            mo=r.choice((3, 6, 9, 12, 18, 24)) if "{mo}" in s else "",
            amt=r.choice((3, 7, 12, 18, 25, 40, 65, 120, 310)) if "{amt}" in s else "",
            year=r.randint(2025, 2030) if "{year}" in s else "",
            v=f"{r.randint(1, 9)}.{r.randint(0, 12)}" if "{v}" in s else "",
            place=r.choice(PLACES) if "{place}" in s else "",
            org2=r.choice(GENERIC_ORGS) if "{org2}" in s else "",
            price=r.choice((49, 99, 199, 249, 499, 1200)) if "{price}" in s else "",
            month=r.choice(MONTHS) if "{month}" in s else "",
            buzz=r.choice(BUZZ) if "{buzz}" in s else "",
            slugword=r.choice(("Kestrel", "Brightfold", "Qubitline", "Fennel")) if "{slugword}" in s else "",
        )


def make_title(r: random.Random, w: _Words, topic: str, titlecase: bool) -> str:
    t = TOPICS[topic]
    org = r.choice(t["orgs"]) if r.random() < 0.8 else r.choice(GENERIC_ORGS)
    thing = w.fill(r.choice(t["things"]))
    verbs = t.get("verbs", VERBS)
    k = r.randrange(16)
    if k <= 3:
        s = f"{org} {r.choice(verbs)} {thing}"
        if k >= 1:
            s += " " + w.fill(r.choice(QUALIFIERS))
    elif k == 4:
        s = f"{_cap(thing)} {w.fill(r.choice(t['claims']))} {w.fill(r.choice(CLAIM_TAILS))}"
    elif k == 5:
        s = f"{_cap(thing)} {w.fill(r.choice(t['claims']))}, {w.fill(r.choice(FINDERS))}"
    elif k == 6:
        s = f"{org} says {thing} {w.fill(r.choice(t['claims']))}"
    elif k == 7:
        s = f"{org} raises ${r.randint(2, 240)} million to {w.fill(r.choice(t['goals']))}"
    elif k == 8:
        other = r.choice(TOPICS[r.choice(t["companions"])]["orgs"])
        s = f"{org} and {other} team up to {w.fill(r.choice(t['goals']))}"
    elif k == 9:
        s = f"How {org} plans to {w.fill(r.choice(t['goals']))} {w.fill(r.choice(GOAL_TAILS))}"
    elif k == 10:
        s = f"Inside {_poss(org)} push to {w.fill(r.choice(t['goals']))} {w.fill(r.choice(GOAL_TAILS))}"
    elif k == 11:
        s = f"{r.choice(PLACES)} {r.choice(t.get('verbs', PLACE_VERBS))} {thing}"
        if r.random() < 0.6:
            s += " " + w.fill(r.choice(QUALIFIERS))
    elif k == 12:
        s = (f"Q&A: {r.choice(FIRST)} {r.choice(LAST)} of {org} on how to "
             f"{w.fill(r.choice(t['goals']))}")
    elif k == 13:
        if r.random() < 0.5:
            s = f'Why {org} says "{r.choice(BUZZ)}" is the way to {w.fill(r.choice(t["goals"]))}'
        else:
            s = f'"{_cap(r.choice(BUZZ))}": how {org} rethinks {thing}'
    elif k == 14:
        s = f"{org} delays {thing} as {r.choice(REASONS)}"
    else:
        s = f"{org} {r.choice(verbs)} {thing}; critics {r.choice(COMPLAINTS)}"
    s = _cap(s)
    return title_case(s) if titlecase else s


def _ent(s: str) -> str:
    """Plain text to the HTML-entity style of real excerpts."""
    return s.replace("&", "&amp;").replace("'", "&#8217;")


_SENTENCE_KINDS = (0, 1, 2, 3, 4, 5, 6)


def make_sentences(r: random.Random, w: _Words, topic: str, count: int) -> list[str]:
    t = TOPICS[topic]
    org = _ent(r.choice(t["orgs"]))
    thing = _ent(w.fill(r.choice(t["things"])))
    claim = _ent(w.fill(r.choice(t["claims"])))
    k = r.randrange(5)
    if k == 0:
        lead = (f"{_cap(org)}, a {r.choice(KINDS)} based in {r.choice(PLACES)}, said on {r.choice(WEEKDAYS)} "
                f"that {thing} {claim}.")
    elif k == 1:
        lead = f"{_cap(thing)} {claim}, according to {r.choice(SOURCES)}."
    elif k == 2:
        lead = f"In a {r.choice(REPORTS)} released this week, {org} says {thing} {claim}."
    elif k == 3:
        lead = f"{_cap(org)} {r.choice(t.get('verbs', VERBS))} {thing}, the latest sign that {r.choice(TRENDS)}."
    else:
        lead = (f"{_cap(org)} wants to {_ent(w.fill(r.choice(t['goals'])))}, and it has raised "
                f"${r.choice((3, 8, 14, 30, 55))} million to try.")
    out = [lead]
    for k in r.sample(_SENTENCE_KINDS, count - 1):
        if k == 0:
            out.append(f"&#8220;{w.fill(r.choice(QUOTES))},&#8221; said {_ent(r.choice(FIRST))} "
                       f"{_ent(r.choice(LAST))}, {r.choice(ROLES)} at {_ent(r.choice(GENERIC_ORGS))}.")
        elif k == 1:
            out.append(f"The work, published in {r.choice(JOURNALS)}, involved "
                       f"{r.choice((12, 40, 85, 230, 1200, 4800))} {r.choice(PARTICIPANTS)}.")
        elif k == 2:
            p1, p2 = r.sample(PLACES, 2)
            out.append(f"It&#8217;s the {r.choice(ORDINALS)} such {r.choice(PROJECTS)} this year, after similar "
                       f"efforts in {p1} and {p2}.")
        elif k == 3:
            out.append(f"{_ent(_poss(_cap(r.choice(GENERIC_ORGS))))} analysts expect "
                       f"{w.fill(r.choice(FORECASTS))}.")
        elif k == 4:
            other = TOPICS[r.choice(t["companions"])]
            out.append(f"Elsewhere, {_ent(w.fill(r.choice(other['things'])))} "
                       f"{_ent(w.fill(r.choice(other['claims'])))}.")
        elif r.random() < 0.02:  # a rare backslash, to keep the writers' escaping honest
            out.append(w.fill("Settings live under C:\\ProgramData\\{slugword}, the manual says."))
        else:
            out.append(w.fill(r.choice(EXTRA_SENTENCES)))
    return out


def make_excerpt(r: random.Random, w: _Words, topic: str) -> str:
    text = " ".join(make_sentences(r, w, topic, 4))
    dots = r.random() < 0.12  # the "... text ..." style some feeds produce
    cut = r.randint(140, 175) if dots else r.randint(150, 220)
    if cut < len(text):
        amp = text.rfind("&", 0, cut)
        if amp != -1 and text.find(";", amp) >= cut:
            cut = amp  # never split an entity
        text = text[:cut].rstrip()
    return text + " ..." if dots else text


def _secured(r: random.Random) -> str:
    a = base64.b64encode(r.getrandbits(256 * 8).to_bytes(256, "big")).decode("ascii")
    b = base64.b64encode(r.getrandbits(16 * 8).to_bytes(16, "big")).decode("ascii")
    return f"{a};{b}"


def _amp_host(host: str) -> str:
    return host.replace("-", "--").replace(".", "-") + ".cdn.ampproject.example.org"


def _urls(style: int, domain: str, d: datetime, slug: str, topic: str, num: int) -> tuple[str, str]:
    if len(slug) > 70:
        slug = slug[:70].rsplit("-", 1)[0]
    if style == 0:
        web = f"https://{domain}/news/{d:%Y-%m}-{slug}.html"
        amp = web[:-5] + ".amp"
    elif style == 1:
        web = f"https://{domain}/{d:%Y/%m/%d}/{slug}/"
        amp = web + "amp/"
    elif style == 2:
        web = f"https://{domain}/article/{slug}-{num}"
        amp = web + "?amp"
    elif style == 3:
        web = f"https://www.{domain}/story/{d:%Y%m%d}/{slug}"
        amp = web + "?outputType=amp"
    else:
        section = slugify(topic)
        web = f"https://{domain}/{section}/{slug}-{num}"
        amp = f"https://{domain}/amp/{section}/{slug}-{num}"
    return web, amp


def _cdn(amp: str) -> str:
    rest = amp.split("://", 1)[1]
    return f"https://{_amp_host(rest.split('/', 1)[0])}/c/s/{rest}"


def _image(r: random.Random, domain: str, d: datetime, slug: str, k: int) -> dict:
    w_, h_ = r.choice(IMAGE_SIZES)
    name = slug[:40].rstrip("-") + ("" if k == 0 else f"-{k + 1}") + r.choice(IMAGE_EXTS)
    if r.random() < 0.5:
        url = f"https://media.{domain}/gfx/{d:%Y/%m}/{name}"
    else:
        url = f"https://img.example.net/{domain.split('.')[0]}/{d:%Y%m}/{name}"
    return {"url": url, "width": w_, "height": h_, "isCached": r.random() < 0.85}


# --------------------------------------------------------------------------
# Items
# --------------------------------------------------------------------------

class _Skel:
    """What phase 1 decides for every item (others' related entries copy it)."""

    __slots__ = (
        "amp",
        "cdn",
        "date",
        "excerpt",
        "filename",
        "image",
        "legacy",
        "prov",
        "quality",
        "title",
        "topics",
        "web",
    )


def _skeletons(n: int, seed: int) -> list[_Skel]:
    r = random.Random(f"make_corpus:{seed}:skeleton")
    w = _Words(r)
    names: set[str] = set()
    urls: set[str] = set()
    out = []
    for _i in range(n):
        s = _Skel()
        topic = r.choice(TOPIC_NAMES)
        topics = [topic]
        extra = r.random()
        if extra < 0.55:
            topics.append(r.choice(TOPICS[topic]["companions"]))
            if extra < 0.2:
                t3 = r.choice(TOPIC_NAMES)
                if t3 not in topics:
                    topics.append(t3)
        if len(topics) == 2 and r.random() < 0.3:
            topics.reverse()  # the main topic is not always listed first
        s.topics = topics
        beat = BEATS[topic]
        pi = r.choice(beat) if beat and r.random() < 0.7 else r.randrange(len(PROVIDERS))
        s.prov = pi
        _, domain, style, tcase, _ = PROVIDERS[pi]
        d = START + timedelta(minutes=r.randrange(SPAN_MINUTES))
        s.date = d
        s.title = make_title(r, w, topic, tcase)
        slug = slugify(s.title)
        fname = f"{d:%Y-%m-%d}-{slug}.md"
        k = 2
        while fname in names:
            fname = f"{d:%Y-%m-%d}-{slug}-{k}.md"
            k += 1
        names.add(fname)
        s.filename = fname
        web, amp = _urls(style, domain, d, slug, topic, r.randrange(100000, 999999))
        k = 2
        base_web, base_amp = web, amp
        while web in urls:
            web = f"{base_web}?v={k}"
            amp = f"{base_amp}{'&' if '?' in base_amp else '?'}v={k}"
            k += 1
        urls.add(web)
        s.web = web
        s.legacy = r.random() < 0.14  # older-style item: no quality/heat/published/amp URLs
        if s.legacy:
            s.amp = s.cdn = None
        else:
            s.amp = amp
            s.cdn = _cdn(amp)
        s.quality = None if s.legacy else int(r.triangular(0, 100.999, 62))
        s.excerpt = make_excerpt(r, w, topic)
        roll = r.random()
        s.image = _image(r, domain, d, slug, 0) if roll < 0.8 else None
        out.append(s)
    return out


def _related_pool(skels: list[_Skel]) -> tuple[dict[str, list[int]], list[int]]:
    """Items grouped by first topic and sorted by date; each item's rank in its group."""
    groups: dict[str, list[int]] = {}
    for i, s in enumerate(skels):
        groups.setdefault(s.topics[0], []).append(i)
    rank = [0] * len(skels)
    for idxs in groups.values():
        idxs.sort(key=lambda j: skels[j].date)
        for pos, j in enumerate(idxs):
            rank[j] = pos
    return groups, rank


def _provider(name: str, domain: str) -> dict:
    return {"name": name, "domain": domain}


def generate_items(n: int, seed: int = DEFAULT_SEED) -> Iterator[tuple[str, dict, str]]:
    """Yield (filename, front-matter fields as meant, body) for each item."""
    skels = _skeletons(n, seed)
    groups, rank = _related_pool(skels)
    r = random.Random(f"make_corpus:{seed}:detail")
    w = _Words(r)
    for i, s in enumerate(skels):
        pname, domain, _style, _tc, _beat = PROVIDERS[s.prov]
        topic = s.topics[0]
        f: dict = {"category": "news", "title": s.title, "excerpt": s.excerpt, "publishedDateTime": s.date}
        roll = r.random()
        if roll < 0.08:
            pass  # no originalUrl
        elif roll < 0.16:
            f["originalUrl"] = s.web + "?utm_source=everyday&utm_medium=feed"
        elif roll < 0.22:
            f["originalUrl"] = f"https://{r.choice(OUTSIDE_PROVIDERS)[1]}/syndicated/{slugify(s.title, 60)}"
        else:
            f["originalUrl"] = s.web
        f["webUrl"] = s.web
        if s.amp:
            f["ampWebUrl"] = s.amp
            f["cdnAmpWebUrl"] = s.cdn
        f["type"] = "video" if r.random() < 0.04 else "article"
        if not s.legacy:
            f["quality"] = s.quality
            f["heat"] = -1 if r.random() < 0.08 else int(r.triangular(0, 100.999, 35))
            f["published"] = r.random() >= 0.39
        prov = _provider(pname, domain)
        if r.random() < 0.25:
            prov["images"] = [{"url": f"https://assets.example.net/organizations/{domain}-50x50.jpg",
                               "width": 50, "height": 50}]
        f["provider"] = prov
        f["topics"] = list(s.topics)
        if s.image is not None:
            imgs = [s.image]
            slug = s.filename[11:-3]
            for k in range(1, r.choice((1, 1, 1, 1, 2, 2, 3))):
                imgs.append(_image(r, domain, s.date, slug, k))
            f["images"] = imgs
        rel = []
        for _ in range(r.choice(RELATED_COUNTS)):
            if n > 1 and r.random() < 0.5:
                grp = groups[topic]
                if len(grp) > 1:
                    pos = rank[i] + r.choice((-1, 1)) * r.randint(1, 40)
                    pos = min(max(pos, 0), len(grp) - 1)
                    j = grp[pos] if grp[pos] != i else grp[rank[i] - 1 if rank[i] else 1]
                else:
                    j = r.randrange(n - 1)
                    j = j + 1 if j >= i else j
                o = skels[j]
                if any(x["webUrl"] == o.web for x in rel):
                    continue
                e: dict = {"title": o.title, "excerpt": o.excerpt, "publishedDateTime": o.date, "webUrl": o.web}
                if o.amp:
                    e["ampWebUrl"] = o.amp
                    e["cdnAmpWebUrl"] = o.cdn
                e["type"] = "article"
                e["provider"] = _provider(PROVIDERS[o.prov][0], PROVIDERS[o.prov][1])
                if o.quality is not None:
                    e["quality"] = o.quality
                if o.image is not None:
                    e["images"] = [dict(o.image)]
            else:
                on, od = r.choice(OUTSIDE_PROVIDERS)
                t = topic if r.random() < 0.7 else r.choice(TOPIC_NAMES)
                title = make_title(r, w, t, False)
                d = s.date - timedelta(minutes=r.randrange(60, 60 * 24 * 20))
                web = f"https://{od}/{d:%Y/%m}/{slugify(title, 70)}"
                e = {"title": title, "excerpt": make_excerpt(r, w, t), "publishedDateTime": d, "webUrl": web,
                     "ampWebUrl": web + "?amp", "cdnAmpWebUrl": _cdn(web + "?amp"), "type": "article",
                     "provider": _provider(on, od), "quality": r.randint(5, 95)}
                if r.random() < 0.6:
                    e["images"] = [_image(r, od, d, slugify(title, 40), 0)]
            rel.append(e)
        if rel:
            f["related"] = rel
        f["secured"] = _secured(r)
        body = make_body(r, w, topic) if r.random() < 0.1 else ""
        yield s.filename, f, body


def make_body(r: random.Random, w: _Words, topic: str) -> str:
    parts = []
    for p in range(r.randint(2, 4)):
        if p == 1 and r.random() < 0.5:
            parts.append("## " + r.choice(BODY_HEADINGS))
        parts.append(html.unescape(" ".join(make_sentences(r, w, topic, r.randint(2, 4)))))
        if p == 1 and r.random() < 0.4:
            t = TOPICS[topic]
            parts.append("\n".join(f"- {_cap(w.fill(r.choice(t['things'])))} {w.fill(r.choice(t['claims']))}"
                                   for _ in range(3)))
        if p == 0 and r.random() < 0.3:
            parts.append("> " + html.unescape(w.fill(r.choice(QUOTES))) + ".")
    if r.random() < 0.4:
        on, od = r.choice(OUTSIDE_PROVIDERS)
        parts.append(f"More in [{on}'s coverage](https://{od}/topics/{slugify(topic)}).")
    return "\n\n".join(parts) + "\n"


# --------------------------------------------------------------------------
# Rendering (by hand, in the layout of the real files)
# --------------------------------------------------------------------------

def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _v(value: object) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, int):
        return str(value)
    return _q(str(value))


_SCALAR_KEYS = ("category", "title", "excerpt", "publishedDateTime", "originalUrl", "webUrl", "ampWebUrl",
                "cdnAmpWebUrl", "type", "quality", "heat", "published")
_PLAIN = frozenset(("category", "type"))


def _images(out: list[str], images: list[dict], pad: str) -> None:
    for im in images:
        out.append(f'{pad}- url: {_q(im["url"])}')
        out.append(f"{pad}  width: {im['width']}")
        out.append(f"{pad}  height: {im['height']}")
        if "isCached" in im:
            out.append(f"{pad}  isCached: {_v(im['isCached'])}")


def _prov(out: list[str], p: dict, pad: str) -> None:
    out.append(f"{pad}  name: {p['name']}")
    out.append(f"{pad}  domain: {p['domain']}")
    if "images" in p:
        out.append(f"{pad}  images:")
        _images(out, p["images"], pad + "    ")


def render(f: dict, body: str = "") -> str:
    out = ["---"]
    for k in _SCALAR_KEYS:
        if k in f:
            v = f[k]
            out.append(f"{k}: {v}" if k in _PLAIN else f"{k}: {_v(v)}")
    if "provider" in f:
        out.append("")
        out.append("provider:")
        _prov(out, f["provider"], "")
    if "topics" in f:
        out.append("")
        out.append("topics:")
        out.extend(f"  - {t}" for t in f["topics"])
    if "images" in f:
        out.append("")
        out.append("images:")
        _images(out, f["images"], "  ")
    if "related" in f:
        out.append("")
        out.append("related:")
        for e in f["related"]:
            first = True
            for k, v in e.items():
                lead = "  - " if first else "    "
                first = False
                if k == "provider":
                    out.append(f"{lead}provider:")
                    _prov(out, v, "    ")
                elif k == "images":
                    out.append(f"{lead}images:")
                    _images(out, v, "      ")
                else:
                    out.append(f"{lead}{k}: {v}" if k == "type" else f"{lead}{k}: {_v(v)}")
    if "secured" in f:
        out.append("")
        out.append(f"secured: {_q(f['secured'])}")
    out.append("---")
    out.append("")
    return "\n".join(out) + ("\n" + body if body else "\n")


def _relpath(filename: str, flat: bool) -> str:
    return filename if flat else f"{filename[0:4]}/{filename[5:7]}/{filename}"


def generate(n: int, seed: int = DEFAULT_SEED, flat: bool = False) -> Iterator[tuple[str, str]]:
    """Yield (relative_path, text) for n items; relative paths use "/"."""
    for filename, f, body in generate_items(n, seed):
        yield _relpath(filename, flat), render(f, body)


def write_corpus(n: int, directory: str | os.PathLike, seed: int = DEFAULT_SEED, flat: bool = False) -> int:
    """Write n items under directory; returns the number of files written."""
    root = os.fspath(directory)
    made: set[str] = set()
    count = 0
    for rel, text in generate(n, seed, flat):
        path = os.path.join(root, *rel.split("/"))
        parent = os.path.dirname(path)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        with open(path, "wb") as fh:
            fh.write(text.encode("utf-8"))
        count += 1
    return count


# --------------------------------------------------------------------------
# Self-check
# --------------------------------------------------------------------------

def split_front_matter(text: str) -> tuple[str, str]:
    """(front matter, body) of an item text: between the first two ``---`` lines."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise ValueError("no opening ---")
    for k in range(1, len(lines)):
        if lines[k].rstrip() == "---":
            return "\n".join(lines[1:k]) + "\n", "\n".join(lines[k + 1:])
    raise ValueError("no closing ---")


def verify(n: int, seed: int = DEFAULT_SEED, texts: dict[str, str] | None = None) -> list[str]:
    """Parse every item with CSafeLoader and compare with the values meant.

    ``texts`` (relative flat filename -> text) checks already-written files instead of
    freshly rendered ones. Returns a list of problems.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    problems = []
    for filename, f, body in generate_items(n, seed):
        text = render(f, body) if texts is None else texts.get(filename)
        if text is None:
            problems.append(f"{filename}: missing")
            continue
        try:
            front, rest = split_front_matter(text)
            got = yaml.load(front, Loader=loader)
        except Exception as exc:
            problems.append(f"{filename}: {exc}")
            continue
        if got != f:
            diff = [k for k in set(f) | set(got or {}) if (got or {}).get(k) != f.get(k)]
            problems.append(f"{filename}: values differ in {sorted(diff)}")
        if rest.lstrip("\n") != body:
            problems.append(f"{filename}: body differs")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of items")
    ap.add_argument("dir", help="output directory (created if needed)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--flat", action="store_true", help="all files directly in DIR")
    ap.add_argument("--check", action="store_true", help="re-read the written files and compare")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    count = write_corpus(a.n, a.dir, a.seed, a.flat)
    dt = time.perf_counter() - t0
    print(f"wrote {count} items to {a.dir} in {dt:.1f}s", file=sys.stderr)
    if a.check:
        texts = {}
        for filename, _f, _b in generate_items(a.n, a.seed):
            path = os.path.join(a.dir, *_relpath(filename, a.flat).split("/"))
            with open(path, encoding="utf-8", newline="") as fh:
                texts[filename] = fh.read()
        problems = verify(a.n, a.seed, texts)
        for p in problems[:20]:
            print(p, file=sys.stderr)
        print(f"check: {len(problems)} problem(s) in {count} files", file=sys.stderr)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
