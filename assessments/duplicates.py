"""Two records of one person: finding likely matches before a record is made, and
merging two records a manager has found to be one person.

Likely matches (shown before creating, never decided for the officer):

- the same NHS number (the database refuses a second record with it);
- the same name (first or preferred name, any case) and date of birth (the database
  refuses a second one unless someone confirmed they are different people);
- the same last name and date of birth in the same postcode district ("NS4"), which
  catches "Bill" for "William".
"""

from dataclasses import dataclass

from django.db.models import Q

from .models import Person

MAX_MATCHES = 10


@dataclass(frozen=True)
class Match:
    person: Person
    reasons: tuple[str, ...]

    @property
    def same_nhs_number(self) -> bool:
        return "Same NHS number" in self.reasons


def _district(postcode: str) -> str:
    """The outward code of a normalised postcode ("NS4 2EV" -> "NS4"), or ""."""
    return postcode.split(" ")[0] if " " in postcode else ""


def likely_matches(
    site,
    *,
    given_name="",
    family_name="",
    date_of_birth=None,
    nhs_number="",
    postcode="",
    exclude=None,
) -> list[Match]:
    """The site's current records that may be this person, the surest first."""
    query = Q()
    if nhs_number:
        query |= Q(nhs_number=nhs_number)
    district = _district(postcode or "")
    if date_of_birth and family_name:
        same_birth = Q(date_of_birth=date_of_birth, family_name__iexact=family_name)
        if given_name:
            query |= same_birth & (
                Q(given_name__iexact=given_name) | Q(preferred_name__iexact=given_name)
            )
        if district:
            query |= same_birth & Q(postcode__startswith=f"{district} ")
    if not query:
        return []
    people = (
        Person.objects.filter(site=site)
        .current()
        .filter(query)
        .select_related("allocated_worker")
        .order_by("family_name", "given_name", "id")
    )
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    matches = []
    for person in people[:MAX_MATCHES]:
        reasons = []
        if nhs_number and person.nhs_number == nhs_number:
            reasons.append("Same NHS number")
        if date_of_birth and person.date_of_birth == date_of_birth:
            names = {person.given_name.lower(), person.preferred_name.lower()}
            if given_name.lower() in names:
                reasons.append("Same name and date of birth")
            else:
                reasons.append("Same last name and date of birth")
            if district and _district(person.postcode) == district:
                reasons.append("Same postcode area")
        matches.append(Match(person, tuple(reasons)))
    return sorted(matches, key=lambda m: (not m.same_nhs_number, -len(m.reasons)))


def made_with_token(site, token):
    """The record a form with this one-time token already made, if any."""
    if token is None:
        return None
    return Person.objects.filter(site=site).filter(creation_token=token).first()
