"""The few words scheduling writes itself (calendar titles), in the platform's four languages,
and picking a text in the reader's language."""

from __future__ import annotations

MEETING = {"sv": "Mentorträff", "fi": "Mentorointitapaaminen", "nb": "Mentormøte", "en": "Mentoring meeting"}
WITH = {"sv": "med", "fi": "–", "nb": "med", "en": "with"}
ONLINE = {"sv": "Digitalt", "fi": "Verkossa", "nb": "Digitalt", "en": "Online"}
MANDATORY = {"sv": "Obligatorisk", "fi": "Pakollinen", "nb": "Obligatorisk", "en": "Mandatory"}
TOPIC = {"sv": "Tema", "fi": "Aihe", "nb": "Tema", "en": "Topic"}
CHECKLIST = {"sv": "Checklista", "fi": "Muistilista", "nb": "Huskeliste", "en": "Checklist"}
EVENT_KINDS = {
    "training": {"sv": "Utbildning", "fi": "Koulutus", "nb": "Opplæring", "en": "Training"},
    "kick_off": {"sv": "Uppstart", "fi": "Aloitustilaisuus", "nb": "Oppstart", "en": "Kick-off"},
    "half_day": {"sv": "Halvdagsträff", "fi": "Puolipäiväinen tapaaminen", "nb": "Halvdagssamling", "en": "Half-day meeting"},
    "closing": {"sv": "Avslutning", "fi": "Päätöstilaisuus", "nb": "Avslutning", "en": "Closing"},
    "other": {"sv": "Träff", "fi": "Tapaaminen", "nb": "Samling", "en": "Event"},
}


def localized(texts: dict[str, str] | None, locale: str, fallback: str = "en") -> str:
    """The text in ``locale``, else the fallback (the programme's language), else English, else any."""
    texts = {k: v for k, v in (texts or {}).items() if v}
    for candidate in (locale, fallback, "en"):
        if candidate in texts:
            return texts[candidate]
    return next(iter(texts.values()), "")
