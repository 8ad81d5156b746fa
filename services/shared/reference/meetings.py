"""The meeting checklist a programme starts with (the county programme's "Huskeliste for møtene"),
in Swedish, Finnish, Norwegian (bokmål) and English: intake gives it to every step of a new
programme's meeting plan, and scheduling to a meeting whose programme gives none."""

from __future__ import annotations

MEETING_CHECKLIST = [
    {"sv": "Vad har hänt sedan sist?", "fi": "Mitä on tapahtunut edellisen tapaamisen jälkeen?",
     "nb": "Hva har skjedd siden sist?", "en": "What has happened since last time?"},
    {"sv": "Vad ska vi prata om i dag? Hur lång tid har vi?", "fi": "Mistä puhumme tänään? Kuinka paljon aikaa meillä on?",
     "nb": "Hva skal vi snakke om i dag? Hvor lang tid har vi?", "en": "What do we talk about today? How much time do we have?"},
    {"sv": "Diskutera dagens tema", "fi": "Keskustelkaa päivän aiheesta", "nb": "Diskutere dagens tema",
     "en": "Discuss today's topic"},
    {"sv": "Vad krävs för att komma vidare? Vad behöver adepten göra?", "fi": "Mitä eteenpäin pääseminen vaatii? Mitä aktorin pitää tehdä?",
     "nb": "Hva skal til for å komme videre? Hva må deltaker gjøre?", "en": "What is needed to move on? What must the mentee do?"},
    {"sv": "Sammanfattning: vem gör vad till nästa träff", "fi": "Yhteenveto: kuka tekee mitä ennen seuraavaa tapaamista",
     "nb": "Oppsummering: hvem gjør hva til neste møte", "en": "Summary: who does what before the next meeting"},
]
