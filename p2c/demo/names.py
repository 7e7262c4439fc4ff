"""Made-up but plausible names and texts for demo data. Every organization and person is fictional."""

from __future__ import annotations

import hashlib
import random
from datetime import datetime
from functools import lru_cache

import pycountry

from p2c.core.enums import ImplementationStatus, ReviewStatus
from p2c.pledges.constants import pledge_reference

_SYLLABLES = ["ka", "lo", "ni", "ta", "ve", "ra", "so", "mi", "zu", "te", "na", "ri", "do", "la", "be", "xi"]
_COMPANY_WORDS = ["Telecom", "Networks", "Mobile", "Digital", "Connect", "Broadband", "Satellite", "Fibre",
                  "Technologies", "Cloud", "Wireless", "Data"]
_NGO_WORDS = ["Digital Inclusion Initiative", "Connectivity Alliance", "Skills Network", "Tech for Good",
              "Community Networks Association", "Foundation for Digital Futures", "Girls in ICT Collective"]
_FIRST = ["Amina", "Carlos", "Mei", "Olga", "Yusuf", "Fatima", "John", "Ana", "Kwame", "Priya", "Sergei", "Lina",
          "Omar", "Sofia", "Chen", "Aisha", "Pedro", "Nadia", "Tomas", "Grace"]
_LAST = ["Diallo", "Garcia", "Wang", "Ivanova", "Haddad", "Mensah", "Sharma", "Silva", "Okafor", "Petrov",
         "Nguyen", "Kone", "Rossi", "Alvarez", "Tanaka", "Mwangi", "Hassan", "Novak", "Bakare", "Lopez"]
_ACTIONS = {
    "connect": ["extend 4G and 5G coverage to rural districts", "connect public schools to broadband",
                "deploy community networks in remote villages", "provide affordable smartphones to first-time users",
                "build solar-powered connectivity sites", "roll out fibre backbone links"],
    "empower": ["train young people in basic and intermediate digital skills",
                "run digital literacy courses for women and girls", "open community digital skills centres",
                "develop local-language online learning content", "train teachers to use digital tools"],
    "ecosystems": ["support digital start-ups and SMEs", "digitalize public services",
                   "launch an e-health platform for rural clinics", "create innovation hubs for young entrepreneurs"],
    "investment": ["mobilize blended finance for rural connectivity", "reform universal service fund rules",
                   "invest in open-access wholesale networks", "co-finance public-private broadband partnerships"],
}
_TITLE_PATTERNS = ["{Action} in {place}", "{place}: {action}", "Pledge to {action} ({place})"]


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()


@lru_cache(maxsize=512)
def _country(iso3: str) -> str:
    record = pycountry.countries.get(alpha_3=iso3)
    return getattr(record, "common_name", None) or (record.name if record else iso3)


def organization(rng: random.Random, group: str, iso3: str) -> tuple[str, str]:
    """A fictional organization name and acronym for a stakeholder group and country."""
    country = _country(iso3)
    if group == "government":
        name = rng.choice(["Ministry of ICT", "Ministry of Digital Economy", "National Regulatory Authority for ICT",
                           "Universal Service Fund", "Ministry of Communications"]) + f" of {country}"
    elif group == "private_sector":
        name = f"{_word(rng, 2)} {rng.choice(_COMPANY_WORDS)}"
    elif group == "academia":
        name = f"{_word(rng, 3)} University of Technology"
    elif group in ("civil_society", "foundation", "other"):
        name = f"{_word(rng, 2)} {rng.choice(_NGO_WORDS)}"
    elif group == "financial_institution":
        name = f"{_word(rng, 2)} Development Bank"
    else:
        kind = rng.choice(["Regional Telecommunity", "Digital Cooperation Organization", "Programme"])
        name = f"{_word(rng, 2)} {kind}"
    acronym = "".join(w[0] for w in name.split() if w[0].isupper())[:8]
    return name, acronym


def website(name: str) -> str:
    """A placeholder website on the reserved example domain."""
    # Distinct names give distinct websites (a cut-off slug alone made two organizations share one).
    slug = "".join(ch for ch in name.lower() if ch.isalnum())
    if len(slug) > 40:
        slug = slug[:33] + hashlib.sha1(slug.encode()).hexdigest()[:7]  # noqa: S324 - not a security use
    return f"https://{slug}.example.org"


def contact(rng: random.Random, contact_id: int, now: datetime) -> tuple:
    """A fictional focal point row: (id, name, title, email, phone, language, created, updated)."""
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    email = f"{first.lower()}.{last.lower()}.{contact_id}@example.org"
    title = rng.choice(["Head of Partnerships", "Director of Digital Programmes", "Policy Officer",
                        "Chief Sustainability Officer", "Project Manager"])
    phone = f"+1 555 {contact_id % 10_000:04d}" if rng.random() < 0.5 else ""
    return (contact_id, f"{first} {last}", title, email, phone, "en", now, now)


def contribution(rng: random.Random) -> str:
    """What an organization wants to contribute (EOI)."""
    area = rng.choice(list(_ACTIONS))
    return f"We would like to {rng.choice(_ACTIONS[area])} with coalition partners."


def _place(countries: list[str]) -> str:
    if not countries:
        return "countries worldwide"
    if len(countries) == 1:
        return _country(countries[0])
    if len(countries) <= 3:
        return ", ".join(_country(c) for c in countries)
    return f"{len(countries)} countries"


def pledge_title(rng: random.Random, area: str, ptype: str, countries: list[str]) -> str:
    """A pledge title."""
    action = rng.choice(_ACTIONS[area])
    title = rng.choice(_TITLE_PATTERNS).format(Action=action.capitalize(), action=action, place=_place(countries))
    return title[:300]


def pledge_description(rng: random.Random, lead: str, area: str, countries: list[str]) -> str:
    """A description following the template sentence of a pledge."""
    action = rng.choice(_ACTIONS[area])
    year = rng.choice([2025, 2026, 2027, 2030])
    reach = rng.choice(["100,000 people", "2,500 schools", "1 million people", "50,000 women and girls",
                        "300 rural communities", "10,000 small businesses"])
    return (f"{lead or 'The organization'} commits to {action} in {_place(countries)} reaching {reach} by {year}. "
            "The pledge builds on existing programmes and local partners, and progress will be reported yearly.")


def progress_narrative(rng: random.Random, status: ImplementationStatus) -> str:
    """A short progress narrative matching the implementation status."""
    texts = {
        ImplementationStatus.ON_TRACK: "Implementation is progressing as planned with local partners.",
        ImplementationStatus.DELAYED: "Supply-chain and permitting delays slowed the roll-out this year.",
        ImplementationStatus.COMPLETED: "All planned activities were completed and handed over to local operators.",
        ImplementationStatus.NOT_STARTED: "Funding was secured; activities start next year.",
        ImplementationStatus.DISCONTINUED: "The programme was discontinued after a change of priorities.",
    }
    return texts[status]


def review_message(rng: random.Random, status: ReviewStatus) -> str:
    """A reviewer's message to the submitter."""
    if status == ReviewStatus.REJECTED:
        return rng.choice(["This submission duplicates an existing pledge by the same organization.",
                           "The pledge does not contain a commitment toward connectivity."])
    return rng.choice(["Please add a quantified target and a target year.",
                       "Please list the target countries rather than a whole region."])


def reference(year: int, pledge_id: int) -> str:
    """The public reference for a demo pledge."""
    return pledge_reference(year, pledge_id)
