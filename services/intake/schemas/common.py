"""What several of intake's schemas share: the reference lists, the validators of codes, a profession."""

from __future__ import annotations

from zoneinfo import available_timezones

from babel import Locale
from marshmallow import Schema, ValidationError, fields, validates

from services.shared.fields import NAME, Text
from services.shared.reference import isco08

TIME_ZONES = frozenset(available_timezones())
LANGUAGES = frozenset(Locale("en").languages)  # ISO 639 codes Babel knows
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}  # regions and pseudo-territories
COUNTRIES = frozenset(code for code in Locale("en").territories
                      if code.isalpha() and code.isupper() and len(code) == 2 and code not in _NOT_COUNTRIES)
SECTORS = ("public", "private", "nonprofit", "academic", "self_employed", "other")
EDUCATION_LEVELS = ("bachelor", "master", "doctoral", "vocational", "other")
REFERRALS = ("partner_course", "personal_coach", "other")
GROUP_EVENT_KINDS = ("training", "kick_off", "half_day", "closing", "other")


ORGANISATION_ID = r"^[a-z0-9][a-z0-9-]{0,62}$"

RETENTION_REASONS = ("cohort_ended", "withdrawn", "rejected")


def language_code(code: str) -> None:
    if code not in LANGUAGES:
        raise ValidationError(f"{code!r} is not an ISO 639 language code")


def iana_time_zone(name: str) -> None:
    if name not in TIME_ZONES:
        raise ValidationError(f"{name!r} is not an IANA time zone, e.g. Europe/Stockholm")


def country_code(code: str) -> None:
    if code not in COUNTRIES:
        raise ValidationError(f"{code!r} is not an ISO 3166 country code, e.g. SE")


def non_empty_localized(value: dict) -> None:
    if not any((text or "").strip() for text in value.values()):
        raise ValidationError("give the text in at least one of sv, fi, nb, en")


class ProfessionIn(Schema):
    code = fields.String(required=True, metadata={"description": "ISCO-08 group code, e.g. 2611 (lawyers)"})
    title = Text(max_length=NAME, load_default="", metadata={"description": "free-text title beside the code"})

    @validates("code")
    def _known(self, value, **_):
        if not isco08.is_known(value):
            raise ValidationError(f"{value!r} is not an ISCO-08 group code")


class ProfessionOut(Schema):
    code = fields.String(metadata={"description": "ISCO-08 unit group code"})
    label = fields.String(metadata={"description": "in the asked language (English where there is none)"})
