"""The units (companies, institutions, lessors, authorities) a generated bundle names: their record
and a seeded maker that gives each a unique name and a valid — or deliberately broken — USCC.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from pipeline import uscc
from pipeline.samples.wording import content

USCC_ALPHABET = uscc.ALPHABET


@dataclass
class UnitPlan:
    name: str
    uscc: str
    entity_type: str
    """SPEC entity type; 'other' for 个体工商户 and 机关 (not allowed to apply)."""
    type_text: str
    legal_rep: str
    contact: str
    phone: str
    address: str
    roles: list[str] = field(default_factory=list)
    role_text: str = ""
    seal_shape: str = "round"
    sealed: bool = True
    uscc_valid: bool = True


def make_uscc(rng: random.Random, prefix: str, division: str) -> str:
    """A code passing both check characters (GB 32100 pos 18, GB 11714 pos 17)."""
    if prefix.startswith("9"):  # market-regulator bodies since 2015: MA + 6
        body = "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = prefix + division + body + uscc.org_code_check(body)
    return uscc.complete(first17)


def break_check_digit(code: str) -> str:
    """Same code with a wrong position-18 character (position 17 still passes)."""
    good = code[17]
    i = USCC_ALPHABET.index(good)
    return code[:17] + USCC_ALPHABET[(i + 7) % len(USCC_ALPHABET)]


def person_name(rng: random.Random) -> str:
    c = content()
    return rng.choice(c["surnames"]) + rng.choice(c["given_names"])


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))
    return "023-" + "".join(rng.choice("0123456789") for _ in range(8))


def make_unit(rng: random.Random, kind: str, used: set[str], bracket: bool = False) -> UnitPlan:
    """kind: enterprise | public_institution | social_organization | park_operator | individual | organ."""
    c = content()
    division = rng.choice(list(c["districts"]))
    district = c["districts"][division]
    for _ in range(100):
        core = rng.choice(c["name_cores"])
        if kind == "enterprise":
            ind = rng.choice(c["industries"])
            suffix = rng.choice(c["company_suffixes"])
            if bracket:
                name = f"{core}{ind}（{rng.choice(c['bracket_places'])}）{suffix}"
            else:
                name = f"重庆{core}{ind}{suffix}"
            prefix = "91"
        elif kind == "park_operator":
            name, prefix = f"重庆{core}{rng.choice(c['park_operators'])}", "91"
        elif kind == "public_institution":
            name, prefix = f"重庆市{core}{rng.choice(c['institutions'])}", "12"
        elif kind == "social_organization":
            if rng.random() < 0.5:
                name, prefix = f"重庆市{core}{rng.choice(c['social_orgs_51'])}", "51"
            else:
                name, prefix = f"重庆{core}{rng.choice(c['social_orgs_52'])}", "52"
        elif kind == "individual":
            name, prefix = f"{district}{core}软件工作室", "92"
        elif kind == "organ":
            name, prefix = f"重庆市{district}{rng.choice(c['organs_11'])}", "11"
        else:
            raise ValueError(kind)
        if name not in used:
            break
    used.add(name)
    spec_type = {"individual": "other", "organ": "other"}.get(kind, kind)
    return UnitPlan(
        name=name, uscc=make_uscc(rng, prefix, division), entity_type=spec_type,
        type_text=rng.choice(c["entity_type_text"][kind]), legal_rep=person_name(rng),
        contact=person_name(rng), phone=_phone(rng),
        address=f"重庆市{district}{rng.choice(c['roads'])}{rng.randint(1, 399)}号",
        seal_shape="oval" if ("（" in name and rng.random() < 0.6) else "round",
    )
