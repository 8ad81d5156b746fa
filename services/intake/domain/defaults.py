"""What a new programme starts with: the county programme's six-step meeting plan and per-meeting
checklist, the pause notice, the default matching weights and the outcome surveys — each in
Swedish, Finnish, Norwegian (bokmål) and English."""

from __future__ import annotations

from services.shared.reference.matching import DEFAULT_WEIGHTS
from services.shared.reference.meetings import MEETING_CHECKLIST

PAUSE_NOTICE = {
    "sv": "Tjänsten är för tillfället inte tillgänglig medan vi utvärderar och förbättrar programmet.",
    "fi": "Palvelu ei ole tällä hetkellä käytettävissä, koska arvioimme ja kehitämme ohjelmaa.",
    "nb": "Tjenesten er midlertidig utilgjengelig mens vi evaluerer og forbedrer programmet.",
    "en": "This service is temporarily unavailable while we evaluate and improve the programme.",
}

CLOSED_NOTICE = {
    "sv": "Programmet är avslutat och tar inte emot fler ansökningar.",
    "fi": "Ohjelma on päättynyt, eikä siihen oteta enää hakemuksia.",
    "nb": "Programmet er avsluttet og tar ikke imot flere søknader.",
    "en": "The programme has ended and takes no more applications.",
}

_TOPICS = [
    {"nb": "Bli kjent: still spørsmål og fortell, sjekk om kjemien stemmer, skriv mentoravtale",
     "sv": "Lära känna varandra: fråga och berätta, känn efter om kemin stämmer, skriv mentoravtalet",
     "fi": "Tutustuminen: kysykää ja kertokaa, tunnustelkaa kemiaa, allekirjoittakaa mentorointisopimus",
     "en": "Getting to know each other: ask and tell, check the chemistry, sign the mentoring agreement"},
    {"nb": "Avklare mål og forventninger: hva er deltaker god på, og hvor trengs mer kunnskap?",
     "sv": "Mål och förväntningar: vad är adepten bra på, och var behövs mer kunskap?",
     "fi": "Tavoitteet ja odotukset: missä aktori on hyvä, ja missä tarvitaan lisää osaamista?",
     "en": "Goals and expectations: what is the mentee good at, and where is more knowledge needed?"},
    {"nb": "Arbeidsmarkedet: hvilke jobber er relevante, og hvor finnes jobber å søke på?",
     "sv": "Arbetsmarknaden: vilka jobb är relevanta, och var finns jobb att söka?",
     "fi": "Työmarkkinat: mitkä työt ovat olennaisia, ja mistä haettavia töitä löytyy?",
     "en": "The labour market: which jobs are relevant, and where can the mentee find jobs to apply for?"},
    {"nb": "Kompetanse og utdanning: hvilken kompetanse kreves i yrket, hva mangler, og hvordan kan det skaffes?",
     "sv": "Kompetens och utbildning: vilken kompetens krävs i yrket, vad saknas, och hur kan det skaffas?",
     "fi": "Osaaminen ja koulutus: mitä osaamista ammatissa vaaditaan, mitä puuttuu, ja miten sen voi hankkia?",
     "en": "Competence and education: what does the profession require, what is missing, and how can it be gained?"},
    {"nb": "Arbeidsplassforståelse: arbeidskultur, skrevne og uskrevne regler, forventninger til leder og ansatte",
     "sv": "Arbetsplatskultur: skrivna och oskrivna regler, förväntningar på chefer och medarbetare",
     "fi": "Työpaikkakulttuuri: kirjoitetut ja kirjoittamattomat säännöt, odotukset esihenkilöille ja työntekijöille",
     "en": "Workplace culture: written and unwritten rules, what is expected of managers and staff"},
    {"nb": "Avslutning og veien videre: hva har dere oppnådd, hva gjenstår, skal dere fortsatt ha kontakt?",
     "sv": "Avslutning och vägen framåt: vad har ni uppnått, vad återstår, ska ni hålla kontakten?",
     "fi": "Lopetus ja jatko: mitä saavutitte, mitä on vielä jäljellä, pidättekö yhteyttä jatkossa?",
     "en": "Closing and the road ahead: what have you achieved, what remains, will you stay in touch?"},
]

MEETING_PLAN = [{"title": topic, "checklist": MEETING_CHECKLIST} for topic in _TOPICS]

# Weights of the named matching criteria (matching turns them into scores).
MATCHING_WEIGHTS = DEFAULT_WEIGHTS  # the criteria matching scores with, and their default weights

# Outcome surveys: the questions behind the figures programmes report (share who got qualified
# work, whether the mentor helped, whether mentoring was meaningful).
SURVEY_QUESTIONS = [
    {"id": "qualified_job", "kind": "yes_no", "roles": ["mentee"], "text": {
        "sv": "Har du fått ett kvalificerat jobb under eller efter programmet?",
        "fi": "Oletko saanut koulutustasi vastaavaa työtä ohjelman aikana tai sen jälkeen?",
        "nb": "Har du fått en jobb som matcher kompetansen din under eller etter programmet?",
        "en": "Have you got a qualified job during or after the programme?"}},
    {"id": "job_when", "kind": "choice", "roles": ["mentee"], "choices": ["during", "after", "not_yet"], "text": {
        "sv": "När fick du jobbet?", "fi": "Milloin sait työn?", "nb": "Når fikk du jobben?", "en": "When did you get the job?"}},
    {"id": "mentor_contributed", "kind": "yes_no", "roles": ["mentee"], "text": {
        "sv": "Bidrog din mentor till att du fick jobbet?", "fi": "Auttoiko mentorisi sinua saamaan työn?",
        "nb": "Bidro mentoren din til at du fikk jobben?", "en": "Did your mentor help you get the job?"}},
    {"id": "labour_market", "kind": "yes_no", "roles": ["mentee"], "text": {
        "sv": "Förstår du arbetsmarknaden bättre nu än före programmet?",
        "fi": "Ymmärrätkö työmarkkinoita nyt paremmin kuin ennen ohjelmaa?",
        "nb": "Forstår du arbeidsmarkedet bedre nå enn før programmet?",
        "en": "Do you understand the labour market better now than before the programme?"}},
    {"id": "meaningful", "kind": "yes_no", "roles": ["mentor", "mentee"], "text": {
        "sv": "Har mentorskapet varit meningsfullt för dig?", "fi": "Onko mentorointi ollut sinulle merkityksellistä?",
        "nb": "Har mentorordningen vært meningsfull for deg?", "en": "Has the mentoring been meaningful to you?"}},
    {"id": "would_recommend", "kind": "yes_no", "roles": ["mentor", "mentee"], "text": {
        "sv": "Skulle du rekommendera programmet till andra?", "fi": "Suosittelisitko ohjelmaa muille?",
        "nb": "Vil du anbefale programmet til andre?", "en": "Would you recommend the programme to others?"}},
    {"id": "comments", "kind": "text", "roles": ["mentor", "mentee"], "text": {
        "sv": "Något mer du vill berätta?", "fi": "Haluatko kertoa vielä jotain?",
        "nb": "Er det noe mer du vil fortelle?", "en": "Anything else you would like to tell us?"}},
]

SURVEYS = {"midpoint": [q for q in SURVEY_QUESTIONS if q["id"] in ("labour_market", "meaningful", "comments")],
           "closing": SURVEY_QUESTIONS}

MIN_REPORT_GROUP = 5
