"""Deterministic sample data: the client lists of the demo companies.

Built by arithmetic on the client id (no randomness), so every run and every
Python version sees the same records. Facts tests may rely on:

Company `acme` (the demo token's company) has clients 1..60, contiguous
(so 0, 61 and 9999 are missing):
- every 7th client is deleted (7, 14, ..., 56); the others have no deleted_at;
- client 1: "Rossi Arredamenti S.r.l.", Milano, not deleted, 2 external
  identifiers: id 1 `salesforce` `SF-0001`, id 2 `hubspot` `HS-100037`;
- client 2: no external identifiers; client 3: one; client 4: three, the third
  of which (identifier id 6) is itself deleted;
- identifier counts follow `id % 5`: 1 -> 2, 2 -> 0, 3 -> 1, 4 -> 3, 0 -> 0;
  identifier ids are 1.. in client order, unique within the company;
- clients 5, 15, 25, 35, 55 are sparse (most fields null); client 45 has
  every field null but `id`;
- clients 12 and 33 are foreign (Swiss, German): `sdi_code` `XXXXXXX`, VAT not
  `IT`; every other non-sparse client has an `IT` + 11 digit VAT with a valid
  check digit, a 7 character SDI code and a PEC address;
- corporate names are unique within the company.

Company `globex` has clients 1..6 with other names (client 1 is
"Officine Bertolini S.r.l."); client 4 is deleted; client 2 has one identifier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType

from .model import SampleClient, SampleIdentifier
from .vocabulary import (
    GLOBEX_BRANDS,
    PAYMENT_CONDITIONS,
    SECTORS,
    STREETS,
    SURNAMES,
    TOWNS,
)

ACME = "acme"
GLOBEX = "globex"
ACME_SIZE = 60
GLOBEX_SIZE = 6

_SOURCES = ("salesforce", "hubspot", "fatture-in-cloud")
_IDENTIFIER_COUNTS = {1: 2, 2: 0, 3: 1, 4: 3, 0: 0}
_EPOCH = datetime(2021, 3, 1, 8, 0, tzinfo=UTC)
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def vat_check_digit(first_ten: str) -> str:
    """The 11th digit of an Italian VAT number (partita IVA) from the first ten."""
    total = 0
    for position, char in enumerate(first_ten):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str((10 - total % 10) % 10)


def _sdi_code(seed: int) -> str:
    value = (seed * 2_654_435_761) % 36**7
    chars = []
    for _ in range(7):
        value, rest = divmod(value, 36)
        chars.append(_BASE36[rest])
    return "".join(chars)


def _slug(name: str) -> str:
    return "".join(char for char in name.lower() if char.isalnum())


def _timestamps(seed: int) -> tuple[datetime, datetime]:
    created = _EPOCH + timedelta(days=seed * 9, minutes=seed * 37)
    created += timedelta(milliseconds=(seed * 137) % 1000)
    updated = created + timedelta(days=(seed * 23) % 400 + 1, seconds=seed * 611)
    return created, updated


def _deletion(seed: int) -> datetime:
    """A deletion time after the record's last update."""
    return _timestamps(seed)[1] + timedelta(days=3, milliseconds=seed)


def _identifiers(
    cid: int, count: int, first_id: int, created: datetime
) -> tuple[SampleIdentifier, ...]:
    identifiers = []
    for k in range(count):
        source = _SOURCES[(cid // 5 + k) % 3]
        external_id = {
            "salesforce": f"SF-{cid:04d}",
            "hubspot": f"HS-{100000 + cid * 37}",
            "fatture-in-cloud": f"FIC-{2000 + cid}",
        }[source]
        stamp = created + timedelta(hours=k + 1, milliseconds=k * 211)
        # A third identifier is a retired link: shows deleted_at on a relation.
        gone = stamp + timedelta(days=30) if k == 2 else None
        identifiers.append(
            SampleIdentifier(first_id + k, stamp, stamp, external_id, source, gone)
        )
    return tuple(identifiers)


def _italian_client(cid: int, seed: int, brand: str, form: str) -> SampleClient:
    """A fully filled Italian client; `seed` varies everything but the name."""
    town, province, zip_code, prefix, office = TOWNS[((seed - 1) * 3) % len(TOWNS)]
    name = f"{brand} {form}"
    slug = _slug(brand)
    number = f"{(seed * 7_919_311 + 1_234_567) % 10_000_000:07d}"
    digits = number + office
    digits += vat_check_digit(digits)
    created, updated = _timestamps(seed)
    exporter = seed % 9 == 0
    return SampleClient(
        id=cid,
        created_at=created,
        updated_at=updated,
        corporate_name=name,
        acronym="-".join(word[:3].upper() for word in brand.split()),
        email=f"info@{slug}.it",
        notes=f"Referente commerciale: ufficio acquisti {town}" if seed % 2 else None,
        website=f"https://www.{slug}.it",
        linkedin=f"https://www.linkedin.com/company/{slug}",
        description=f"Cliente dal {created.year}, sede a {town}.",
        street=f"{STREETS[seed % len(STREETS)]}, {(seed * 17) % 150 + 1}",
        zip_code=zip_code,
        town=town,
        country="Italia",
        vat=f"IT{digits}",
        payment_condition=PAYMENT_CONDITIONS[seed % len(PAYMENT_CONDITIONS)],
        group_company=(seed % 3) + 1 if seed % 4 == 0 else None,
        # Clients that take invoices by PEC have the all-zero SDI code.
        sdi_code="0000000" if seed % 6 == 0 else _sdi_code(seed),
        pec=f"{slug}@{'legalmail.it' if seed % 2 else 'pec.it'}",
        administration_email=f"amministrazione@{slug}.it",
        company_registration_number=f"{province}-{(seed * 48_271) % 900_000 + 100_000}",
        legal_name=name.upper(),
        intent_code=f"{23_031_512_345_678_000 + seed * 1_013}-{seed:06d}"
        if exporter
        else None,
        intent_date=date(2024, 1 + seed % 12, 1 + seed % 28) if exporter else None,
        phone=f"+39 {prefix} {(seed * 7_654_321) % 9_000_000 + 1_000_000}",
        tax_reference=digits,
        group_id=(seed % 5) + 1,
        bank_account_id=(seed % 3) + 1,
        vat_rate_id=1 if seed % 10 else 2,
        payment_term_id=(seed % len(PAYMENT_CONDITIONS)) + 1,
    )


def _sparse(client: SampleClient, *, bare: bool) -> SampleClient:
    if bare:
        return SampleClient(id=client.id)
    return SampleClient(
        id=client.id,
        created_at=client.created_at,
        updated_at=client.updated_at,
        corporate_name=client.corporate_name,
        country=client.country,
        vat=client.vat,
    )


def _foreign(client: SampleClient) -> SampleClient:
    swiss = client.id % 2 == 0
    return replace(
        client,
        corporate_name="Helvetia Design SA" if swiss else "Müller Verpackungen GmbH",
        acronym="HDSA" if swiss else "MVG",
        description="Cliente estero, fatturazione senza SDI.",
        linkedin=None,
        administration_email="finance@helvetiadesign.ch" if swiss else None,
        company_registration_number="CHE-116.281.710" if swiss else "HRB 123456",
        legal_name="HELVETIA DESIGN SA" if swiss else "MÜLLER VERPACKUNGEN GMBH",
        town="Lugano" if swiss else "München",
        zip_code="6900" if swiss else "80331",
        street="Via Nassa, 5" if swiss else "Leopoldstraße, 44",
        country="Svizzera" if swiss else "Germania",
        vat="CHE-116.281.710 IVA" if swiss else "DE129273398",
        # The code the Italian exchange system wants for foreign recipients.
        sdi_code="XXXXXXX",
        pec=None,
        phone="+41 91 9221234" if swiss else "+49 89 2345678",
        tax_reference=None,
        email="info@helvetiadesign.ch" if swiss else "info@mueller-verpackungen.de",
        website="https://helvetiadesign.ch" if swiss else None,
    )


def _acme() -> dict[int, SampleClient]:
    clients: dict[int, SampleClient] = {}
    next_identifier = 1
    for cid in range(1, ACME_SIZE + 1):
        index = cid - 1
        surname = SURNAMES[index % len(SURNAMES)]
        brand = f"{surname} {SECTORS[(index * 7) % len(SECTORS)]}"
        form = "S.p.A." if cid % 4 == 0 else "S.r.l."
        client = _italian_client(cid, cid, brand, form)
        count = _IDENTIFIER_COUNTS[cid % 5]
        created = _timestamps(cid)[0]
        identifiers = _identifiers(cid, count, next_identifier, created)
        next_identifier += count
        if cid in (12, 33):
            client = _foreign(client)
        if cid % 10 == 5:
            client = _sparse(client, bare=cid == 45)
        deleted_at = _deletion(cid) if cid % 7 == 0 else None
        clients[cid] = replace(
            client, external_identifiers=identifiers, deleted_at=deleted_at
        )
    return clients


def _globex() -> dict[int, SampleClient]:
    clients: dict[int, SampleClient] = {}
    for cid, (brand, form) in enumerate(GLOBEX_BRANDS, start=1):
        client = _italian_client(cid, cid + 100, brand, form)
        created = _timestamps(cid + 100)[0]
        identifiers = _identifiers(cid, 1, 1, created) if cid == 2 else ()
        deleted_at = _deletion(cid + 100) if cid == 4 else None
        clients[cid] = replace(
            client, external_identifiers=identifiers, deleted_at=deleted_at
        )
    return clients


DATASETS: Mapping[str, Mapping[int, SampleClient]] = MappingProxyType(
    {
        ACME: MappingProxyType(_acme()),
        GLOBEX: MappingProxyType(_globex()),
    }
)


def clients_of(company: str) -> Mapping[int, SampleClient]:
    """The clients of a company by id (empty for an unknown company)."""
    return DATASETS.get(company, MappingProxyType({}))


def deleted_ids(company: str = ACME) -> frozenset[int]:
    """Ids of the company's deleted clients."""
    return frozenset(c.id for c in clients_of(company).values() if c.deleted)


def live_ids(company: str = ACME) -> frozenset[int]:
    """Ids of the company's clients that are not deleted."""
    return frozenset(c.id for c in clients_of(company).values() if not c.deleted)


def ids_with_identifiers(company: str = ACME) -> frozenset[int]:
    """Ids of the company's clients that have at least one external identifier."""
    return frozenset(
        c.id for c in clients_of(company).values() if c.external_identifiers
    )
