"""A programme's and a cohort's settings as the coordinator types them, and the API's bodies made
from them.

A form is kept as typed (strings, and lists of rows for the meeting plan, professions, contacts,
member organisations, survey questions and group events), so that a refused form comes back filled
in. The buttons that add, remove or move a row post the form back with ``action`` naming what to
do (``add-plan``, ``up-plan-2``, ``remove-events-0``): the page then shows the form changed and
nothing is saved until the coordinator presses Save. A field's HTML id is its name, and the API's
field errors are turned into those ids.
"""

from .cohort import EVENT_KINDS, TIME_ZONES, cohort_body, cohort_form, typed_cohort  # noqa: F401
from .errors import RENAMED, field_errors, field_id, translated  # noqa: F401
from .programme import (  # noqa: F401
    CRITERIA,
    OPTIONAL_MESSAGES,
    QUESTION_KINDS,
    SURVEYS,
    programme_body,
    programme_form,
    typed_programme,
)
from .rows import ACTION, BLANK, COMMON_LANGUAGES, LOCALES, change_rows, split_codes  # noqa: F401
