"""The criteria a pair's matching score adds up and the weight each has by default: intake offers
them to a programme's coordinator, matching scores with them."""

from __future__ import annotations

#: The named criteria of a pair's score, in the order a breakdown lists them.
CRITERIA: tuple[str, ...] = (
    "profession",
    "education_field",
    "sector",
    "location",
    "mother_tongue",
    "experience",
    "interests",
)

#: Profession dominates (the point of the programmes is qualified work in one's own field);
#: free-text interests and the field of education come next; the rest break ties.
DEFAULT_WEIGHTS: dict[str, float] = {
    "profession": 5.0,
    "education_field": 2.0,
    "sector": 1.0,
    "location": 1.0,
    "mother_tongue": 1.0,
    "experience": 1.0,
    "interests": 2.0,
}
