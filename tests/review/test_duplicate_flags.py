"""The review page's possible duplicates stay quiet on different organizations and find the same one
under another record (issue 12). Precision on the demo data: benchmarks/duplicate_flags.py."""

from __future__ import annotations

import pytest

from p2c.extensions import db
from p2c.review.duplicates import similar_organizations


def _names(found) -> set[str]:
    return {o.name for o in found}


def test_funds_of_different_countries_are_not_flagged(builder):
    zim = builder.organization(name="Universal Service Fund of Zimbabwe", country_iso3="ZWE", acronym="USFZ")
    for name, iso3 in [("Universal Service Fund of Cuba", "CUB"), ("Universal Service Fund of Oman", "OMN"),
                       ("Universal Service Fund of Iraq", "IRQ")]:
        builder.organization(name=name, country_iso3=iso3, acronym="USF" + name[-4])
    db.session.commit()
    assert similar_organizations(zim) == []


def test_universities_one_letter_apart_are_not_flagged(builder):
    stems = ["Kalonita", "Kalonite", "Kalonito", "Kalonika", "Kalomita", "Kalonina", "Kalorita", "Kaponita",
             "Salonita", "Kalovita", "Kalosita", "Kalotita", "Kalonuta", "Kalanita"]
    orgs = [builder.organization(name=f"{stem} University of Technology", country_iso3="KEN", acronym="KUT",
                                 website=f"https://{stem.lower()}.example.org") for stem in stems]
    db.session.commit()
    assert similar_organizations(orgs[0]) == []


@pytest.mark.parametrize(("original", "other", "other_country", "extra"), [
    ("Orange Sénégal", "Orange Senegal SA", "SEN", {}),
    ("Ministry of ICT of Zimbabwe", "Zimbabwe Ministry of ICT", "ZWE", {}),
    ("Kalonita University of Technology", "Kalonita Univeristy of Technology", "ZWE", {}),
    ("Orange Sénégal", "Orange Sénégal", None, {}),  # the same name without a country
    ("International Telecommunication Union", "ITU", None, {}),
    ("Safaricom PLC", "Safaricom Foundation Trust", "ZWE", {"website": "https://safaricom.example.co.ke/about"}),
])
def test_the_same_organization_under_another_record_is_flagged(builder, original, other, other_country, extra):
    country = other_country or "SEN"
    first = builder.organization(name=original, country_iso3=country, acronym="ITU" if "Union" in original else "",
                                 website="https://safaricom.example.co.ke" if extra else "")
    second = builder.organization(name=other, country_iso3=other_country, acronym="", website=extra.get("website", ""))
    db.session.commit()
    assert _names(similar_organizations(first)) == {other}
    assert _names(similar_organizations(second)) == {original}


def test_the_same_name_in_another_country_is_another_organization(builder):
    orange = builder.organization(name="Orange", country_iso3="FRA")
    builder.organization(name="Orange", country_iso3="SEN")
    db.session.commit()
    assert similar_organizations(orange) == []
