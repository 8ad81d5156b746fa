"""Every event type Tandem publishes, one versioned schema each, in one module per producer.

A breaking change is a new version (a new class with ``.v2``); an old version keeps its
schema for as long as anyone may still publish it. Events carry what their consumers need to
act without asking the producer anything, and no personal field that no consumer keeps
(tests/contract/test_minimised_events.py): an optional one no longer needed leaves the schema (a
consumer ignores what it does not know); a required one becomes optional and is no longer sent.
"""

from . import intake, matching, notify, scheduling  # noqa: F401  (each module registers its types)
from .shapes import (  # noqa: F401
    APPLICATION_STATUSES,
    COHORT_STATUSES,
    LOCALES,
    PROFILE_FIELDS,
    ROLES,
    CohortSnapshot,
    Contact,
    GroupEvent,
    Localized,
    MeetingTopic,
    Profession,
    Profile,
    ProgrammeSettings,
    SpokenLanguage,
    profile_field,
    profile_of,
)
