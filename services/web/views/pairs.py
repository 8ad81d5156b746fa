"""The pair's workspace, opened from the mentor's or the mentee's own link: the pair's page, the
agreement (changed by either, signed by each, its signed versions kept as they were) and the
meeting plan (propose or set a time, accept the other's proposal or withdraw one's own, call a set
meeting off, log a meeting as held or missed).

Every rule stays in scheduling: these pages send what was typed and show its refusals beside the
fields. Another person's pair answers 404 there, and "this link is not yours" here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from services.shared.contract.events import LOCALES

from .. import forms, i18n
from ..backends import ApiError, backends, scheduling

blp = Blueprint("pairs", __name__)

GOAL_ROWS, SUB_GOAL_ROWS, MAX_GOALS, MAX_SUB_GOALS = 2, 2, 10, 10
ACTION_ROWS, MAX_ACTIONS = 2, 20
SUPPORT_ROWS, MAX_SUPPORT = 2, 4  # the API takes up to four support languages
MAX_DATES = 24  # and up to 24 planned meeting dates
MODES = ("in_person", "online")
WHO = ("mentee", "mentor", "both")


class NotYours(Exception):
    """The link works, but the pair or meeting is someone else's (the API's 404)."""


class BadLink(Exception):
    """The link does not work at all: expired, changed, or not copied in full."""


@blp.before_request
def _their_language():
    """Without a chosen language, the person's own (their application's): one call to intake, made
    only then."""
    if (request.args.get("lang") in LOCALES or request.cookies.get(i18n.COOKIE) in LOCALES
            or not request.args.get("token")):
        return
    try:
        g.person_locale = backends().intake.my_application(request.args["token"]).get("locale")
    except ApiError:
        pass  # the page itself says what is wrong with the link


@blp.errorhandler(NotYours)
def _not_yours(_exc):
    return render_template("pair_not_yours.html"), 404


@blp.errorhandler(BadLink)
def _bad_link(_exc):
    return render_template("error.html", reason="bad_link"), 404


def token() -> str:
    found = request.args.get("token", "")
    if not found:
        raise BadLink()
    return found


def link_problem(refused: ApiError) -> ApiError:
    """A refusal that is about the link, not about what was typed, becomes its own page."""
    if refused.status == 401:
        return BadLink()
    if refused.status in (403, 404):
        return NotYours()
    return refused


ERASED = "erased"  # scheduling's name for a person whose data was erased (on request, or their retention ran out)


def load(call, *args):
    try:
        found = call(token(), *args)
    except ApiError as refused:
        raise link_problem(refused) from None
    for held in (found, found.get("pair") if isinstance(found, dict) else None):
        if isinstance(held, dict):
            _former_participants(held)
    return found


def _former_participants(pair: dict) -> None:
    """A partner whose data was erased is shown as "a former participant"."""
    for role in ("mentor", "mentee"):
        person = pair.get(role)
        if isinstance(person, dict) and person.get("name") == ERASED:
            pair[role] = {**person, "name": _("a former participant")}


def partner(pair: dict) -> dict:
    return pair["mentor"] if pair["my_role"] == "mentee" else pair["mentee"]


# --- the pair's page ------------------------------------------------------------------------------


@blp.get("/pairs/<pair_id>")
def pair(pair_id):
    return _pair_page(pair_id, feed=None)


@blp.post("/pairs/<pair_id>/calendar")
def calendar(pair_id):
    """Issue the person's calendar URL (an earlier one stops working) and show it, once."""
    issued = load(scheduling().issue_calendar)
    url = issued["url"]
    return _pair_page(pair_id, feed={"url": url, "webcal": "webcal://" + url.split("://", 1)[-1]})


def _pair_page(pair_id: str, feed: dict | None):
    found = load(scheduling().pair, pair_id)
    events = [e for e in load(scheduling().mine)["events"] if e["cohort_id"] == found["cohort_id"]]
    upcoming = [m for m in found["meetings"] if m["status"] in ("planned", "proposed", "scheduled")]
    return render_template("pair.html", pair=found, partner=partner(found), events=events, feed=feed,
                           next_meeting=upcoming[0] if upcoming else None, token=token())


# --- the agreement --------------------------------------------------------------------------------


@dataclass
class AgreementForm:
    """The agreement as typed; goal and sub-goal rows kept as they were, so a refused form comes
    back filled in. Field ids are the API's names: ``goals-0-sub_goals-1-due_on``."""

    role: str
    version: int
    values: dict = field(default_factory=dict)
    goals: list[dict] = field(default_factory=list)
    support_languages: list[str] = field(default_factory=list)
    planned_dates: list[str] = field(default_factory=list)
    lists_shown: bool = True  # a form from before these lists were on the page leaves them as they are

    @classmethod
    def of(cls, agreement: dict, role: str) -> AgreementForm:
        goals = [{"title": g.get("title", ""), "sub_goals": [{"title": s.get("title", ""), "due_on": s.get("due_on") or ""}
                                                             for s in g.get("sub_goals") or []]}
                 for g in agreement.get("goals") or []]
        while len(goals) < GOAL_ROWS:
            goals.append({"title": "", "sub_goals": []})
        for goal in goals:
            while len(goal["sub_goals"]) < SUB_GOAL_ROWS:
                goal["sub_goals"].append({"title": "", "due_on": ""})
        expectations = agreement.get("expectations") or {}
        support = list(agreement.get("support_languages") or [])[:MAX_SUPPORT]
        support += [""] * (min(MAX_SUPPORT, max(SUPPORT_ROWS, len(support) + 1)) - len(support))
        dates = list(agreement.get("planned_dates") or [])[:MAX_DATES]
        if len(dates) < MAX_DATES:
            dates.append("")  # one more to fill in
        return cls(role=role, version=agreement["version"], goals=goals, support_languages=support, planned_dates=dates, values={
            "language": agreement.get("language") or "", "keep_in_touch": agreement.get("keep_in_touch") or "",
            "meeting_every_months": str(agreement.get("meeting_every_months") or ""),
            "meeting_minutes": str(agreement.get("meeting_minutes") or ""),
            f"expectations-{role}": expectations.get(role, "")})

    @classmethod
    def typed(cls, form: MultiDict, role: str) -> AgreementForm:
        goals = []
        for i in range(min(_int(form.get("goal_rows"), GOAL_ROWS), MAX_GOALS)):
            rows = min(_int(form.get(f"goals-{i}-sub_goal_rows"), SUB_GOAL_ROWS), MAX_SUB_GOALS)
            goals.append({"title": form.get(f"goals-{i}-title", "").strip(),
                          "sub_goals": [{"title": form.get(f"goals-{i}-sub_goals-{j}-title", "").strip(),
                                         "due_on": form.get(f"goals-{i}-sub_goals-{j}-due_on", "").strip()}
                                        for j in range(rows)]})
        names = ("language", "keep_in_touch", "meeting_every_months", "meeting_minutes", f"expectations-{role}")
        support = [form.get(f"support_languages-{i}", "").strip()
                   for i in range(min(_int(form.get("support_rows"), SUPPORT_ROWS), MAX_SUPPORT))]
        dates = [form.get(f"planned_dates-{i}", "").strip() for i in range(min(_int(form.get("date_rows"), 1), MAX_DATES))]
        return cls(role=role, version=_int(form.get("version"), 1), goals=goals, support_languages=support,
                   planned_dates=dates, lists_shown="date_rows" in form and "support_rows" in form,
                   values={name: form.get(name, "").strip() for name in names})

    def add(self, action: str) -> str | None:
        """Add the row the button asked for; answer the id of the field that takes the focus."""
        if action == "add_date" and len(self.planned_dates) < MAX_DATES:
            self.planned_dates.append("")
            return f"planned_dates-{len(self.planned_dates) - 1}"
        if action == "add_goal" and len(self.goals) < MAX_GOALS:
            self.goals.append({"title": "", "sub_goals": [{"title": "", "due_on": ""}]})
            return f"goals-{len(self.goals) - 1}-title"
        found = re.fullmatch(r"add_sub_goal-(\d+)", action)
        if found and int(found.group(1)) < len(self.goals):
            i = int(found.group(1))
            subs = self.goals[i]["sub_goals"]
            if len(subs) < MAX_SUB_GOALS:
                subs.append({"title": "", "due_on": ""})
                return f"goals-{i}-sub_goals-{len(subs) - 1}-title"
        return None

    def body(self) -> tuple[dict, dict]:
        """The API's change, and for each goal, sub-goal, support language and planned date it
        receives, the form row it came from."""
        body: dict = {"based_on_version": self.version, "keep_in_touch": self.values["keep_in_touch"]}
        if self.values["language"]:
            body["language"] = self.values["language"]
        for name in ("meeting_every_months", "meeting_minutes"):
            if self.values[name]:
                body[name] = _int(self.values[name], self.values[name])
        body["expectations"] = {self.role: self.values[f"expectations-{self.role}"]}
        goal_rows = [i for i, g in enumerate(self.goals) if g["title"] or any(s["title"] or s["due_on"] for s in g["sub_goals"])]
        sub_rows = {i: [j for j, s in enumerate(self.goals[i]["sub_goals"]) if s["title"] or s["due_on"]] for i in goal_rows}
        body["goals"] = [{"title": self.goals[i]["title"],
                          "sub_goals": [{"title": self.goals[i]["sub_goals"][j]["title"],
                                         "due_on": self.goals[i]["sub_goals"][j]["due_on"] or None} for j in sub_rows[i]]}
                         for i in goal_rows]
        support_rows = [i for i, code in enumerate(self.support_languages)
                        if code and code not in self.support_languages[:i]]  # each language once
        date_rows = [i for i, day in enumerate(self.planned_dates) if day]
        if self.lists_shown:
            body["support_languages"] = [self.support_languages[i] for i in support_rows]
            body["planned_dates"] = [self.planned_dates[i] for i in date_rows]
        return body, {"goals": goal_rows, "sub_goals": sub_rows, "support_languages": support_rows,
                      "planned_dates": date_rows, "values": {"support_languages": self.support_languages,
                                                             "planned_dates": self.planned_dates}}


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def agreement_errors(api_errors: dict, rows: dict, role: str) -> dict[str, str]:
    """The API's field errors as {html id: message}: ``goals.0.sub_goals.1.due_on`` (or marshmallow's
    nesting of the same) becomes the field it names in the form's own rows."""
    found: dict[str, str] = {}
    for name in ("support_languages", "planned_dates"):
        for target, message in _row_errors(name, api_errors.get(name), rows[name], rows["values"][name]):
            found.setdefault(target, _agreement_message(target, message))
    goal_rows, sub_rows = rows["goals"], rows["sub_goals"]
    for path, message in forms.flatten({k: v for k, v in api_errors.items() if k not in ("support_languages", "planned_dates")}):
        parts = [p for part in path for p in part.split(".")]
        target = _agreement_field(parts, goal_rows, sub_rows, role)
        if target and target not in found:
            found[target] = _agreement_message(target, message)
    return found


def _row_errors(name: str, errors, sent: list[int], typed: list[str]):
    """A list field's errors on its rows: marshmallow's by position in what was sent, scheduling's
    by the value they quote ("2028-01-01 is outside the cohort's period", "'xx' is not ...")."""
    if not errors or not sent:
        return
    if isinstance(errors, dict):
        for index, messages in errors.items():
            i = sent[int(index)] if str(index).isdigit() and int(index) < len(sent) else sent[0]
            yield f"{name}-{i}", messages[0] if isinstance(messages, list) and messages else str(messages)
        return
    for message in errors if isinstance(errors, list) else [str(errors)]:
        quoted = [i for i in sent if typed[i] and re.search(rf"(^|')({re.escape(typed[i])})('|\s|$)", str(message))]
        for i in quoted or sent[:1]:
            yield f"{name}-{i}", str(message)


def _agreement_field(parts: list[str], goal_rows, sub_rows, role: str) -> str | None:
    if not parts:
        return None
    if parts[0] == "expectations":
        return f"expectations-{role}"
    if parts[0] != "goals":
        return parts[0]
    if len(parts) < 2 or not parts[1].isdigit() or int(parts[1]) >= len(goal_rows):
        return "goals-0-title"
    i = goal_rows[int(parts[1])]
    if len(parts) < 3 or parts[2] == "title":
        return f"goals-{i}-title"
    subs = sub_rows.get(i) or [0]
    j = subs[int(parts[3])] if len(parts) > 3 and parts[3].isdigit() and int(parts[3]) < len(subs) else subs[0]
    return f"goals-{i}-sub_goals-{j}-{parts[4] if len(parts) > 4 and parts[4] in ('title', 'due_on') else 'due_on'}"


def _empty(message: str) -> bool:
    """The API's words for a required answer left out (or a list left empty)."""
    return message in ("Missing data for required field.", "Field may not be null.", "Shorter than minimum length 1.") \
        or message.startswith("Length must be between 1 and")


def _agreement_message(field_id: str, message: str) -> str:
    if _empty(message) and field_id.endswith("-title") and "sub_goals" in field_id:
        return _("Write the sub-goal, or leave its date empty too.")
    if _empty(message) and field_id.endswith("-title"):
        return _("Write the goal its sub-goals belong to.")
    if "outside the cohort's period" in message:
        return _("Choose a date within the cohort's period.")
    if message.startswith("the programme asks for a meeting at least every"):
        return _("The programme asks you to meet more often. Choose a shorter time between meetings.")
    if message in ("Not a valid date.", "Not a valid datetime."):
        return _("Enter a real date.")
    return forms.translated(field_id, message)


@blp.route("/pairs/<pair_id>/agreement", methods=["GET", "POST"])
def agreement(pair_id):
    found = load(scheduling().pair, pair_id)
    current = load(scheduling().agreement, pair_id)
    role = found["my_role"]
    if request.method == "GET":
        return _agreement_page(found, current, AgreementForm.of(current, role),
                               saved=request.args.get("saved") == "1", signed=request.args.get("signed") == "1")
    typed = AgreementForm.typed(request.form, role)
    action = request.form.get("action", "save")
    if action != "save":
        return _agreement_page(found, current, typed, focus=typed.add(action))
    body, rows = typed.body()
    try:
        scheduling().change_agreement(token(), pair_id, body)
    except ApiError as refused:
        if refused.status == 422:
            return _agreement_page(found, current, typed, agreement_errors(refused.field_errors, rows, role)), 422
        if refused.status == 409:
            stale = "based_on_version" in (refused.errors or {})
            return _agreement_page(found, current, typed, problem=_(
                "The agreement was changed meanwhile. Check the latest version below, then send your change again.")
                if stale else _("The pair has ended, so the agreement no longer changes.")), 409
        raise link_problem(refused) from None
    return redirect(url_for("pairs.agreement", pair_id=pair_id, token=token(), saved=1))


def _agreement_page(pair, current, form: AgreementForm, errors=None, problem=None, focus=None, saved=False, signed=False):
    return render_template("agreement.html", pair=pair, partner=partner(pair), agreement=current, form=form,
                           errors=errors or {}, problem=problem, focus=focus, saved=saved, signed=signed, token=token(),
                           language_choices=i18n.language_choices())


@blp.route("/pairs/<pair_id>/agreement/sign", methods=["GET", "POST"])
def sign(pair_id):
    found = load(scheduling().pair, pair_id)
    current = load(scheduling().agreement, pair_id)
    if request.method == "GET":
        return render_template("agreement_sign.html", pair=found, partner=partner(found), agreement=current, token=token())
    try:
        scheduling().sign_agreement(token(), pair_id, _int(request.form.get("version"), 0))
    except ApiError as refused:
        if refused.status != 409:
            raise link_problem(refused) from None
        errors = refused.errors or {}
        problem = (_("Agree at least one goal before you sign.") if "goals" in errors
                   else _("The agreement was changed meanwhile. Read the latest version, then sign it.") if "version" in errors
                   else _("You have signed this version already, or it can no longer be signed."))
        return render_template("agreement_sign.html", pair=found, partner=partner(found), agreement=current,
                               token=token(), problem=problem), 409
    return redirect(url_for("pairs.agreement", pair_id=pair_id, token=token(), signed=1))


@blp.get("/pairs/<pair_id>/agreement/versions/<int:number>")
def version(pair_id, number):
    found = load(scheduling().pair, pair_id)
    shown = load(scheduling().agreement, pair_id, number)
    return render_template("agreement_version.html", pair=found, partner=partner(found), agreement=shown, token=token())


# --- the meeting plan -----------------------------------------------------------------------------


@blp.get("/pairs/<pair_id>/meetings")
def meetings(pair_id):
    found = load(scheduling().pair, pair_id)
    return render_template("meetings.html", pair=found, partner=partner(found), token=token())


def _meeting_and_pair(meeting_id: str) -> tuple[dict, dict]:
    meeting = load(scheduling().meeting, meeting_id)
    return meeting, load(scheduling().pair, meeting["pair_id"])


def _when_typed(form: MultiDict) -> dict:
    return {name: form.get(name, "").strip() for name in ("starts_at", "starts_at-time", "mode", "place")}


def _when_body(typed: dict) -> dict:
    starts_at = typed["starts_at"] + ("T" + typed["starts_at-time"] if typed["starts_at-time"] else "")
    return {"starts_at": starts_at, "mode": typed["mode"] or "in_person", "place": typed["place"]}


def meeting_message(field_id: str, message: str) -> str:
    if message.startswith("the time has passed"):
        return _("This time has passed. If you met, log the meeting as held.")
    if "outside the cohort's period" in message:
        return _("Choose a date within the cohort's period.")
    if message.startswith("say where you meet"):
        return _("Say where you meet, or choose online.")
    if message in ("Not a valid datetime.", "Not a valid date.") or "does not exist" in message:
        return _("Enter a real date and time, like 2027-03-15 and 17:30.")
    if message == "in the future":
        return _("The meeting has not happened yet. Log it once you have met.")
    if _empty(message):
        return {"since_last_time": _("Write what has happened since last time."),
                "next_steps": _("Write what is needed to move on."),
                "actions-0-what": _("Write at least one thing to do before the next meeting.")}.get(
            field_id, _("Write what is to be done.") if field_id.endswith("-what") else forms.missing(field_id))
    return forms.translated(field_id, message)


def meeting_errors(api_errors: dict, rows: list[int] | None = None) -> dict[str, str]:
    found: dict[str, str] = {}
    for path, message in forms.flatten(api_errors):
        if not path:
            continue
        target = path[0]
        if target == "actions":
            rows = rows or [0]
            i = rows[int(path[1])] if len(path) > 1 and path[1].isdigit() and int(path[1]) < len(rows) else rows[0]
            target = f"actions-{i}-{path[2] if len(path) > 2 and path[2] in ('who', 'what', 'by') else 'what'}"
        if target not in found:
            found[target] = meeting_message(target, message)
    return found


def _meeting_page(meeting, pair, when=None, errors=None, problem=None):
    when = when or {"starts_at": "", "starts_at-time": "", "mode": meeting.get("mode") or "in_person",
                    "place": meeting.get("place") or ""}
    return render_template("meeting.html", meeting=meeting, pair=pair, partner=partner(pair), when=when,
                           errors=errors or {}, problem=problem, token=token(), modes=MODES,
                           cancelled=request.args.get("cancelled") == "1", withdrawn=request.args.get("withdrawn") == "1")


def _state_problem(refused: ApiError) -> str:
    if "role" in (refused.errors or {}):
        return _("You made this proposal. The other one of you accepts it, or proposes another time.")
    if "starts_at" in (refused.errors or {}):
        return _("The proposed time has passed. Propose another time.")
    return _("This cannot be done now: the meeting has changed meanwhile. Here it is as it stands.")


@blp.get("/meetings/<meeting_id>")
def meeting(meeting_id):
    found, pair = _meeting_and_pair(meeting_id)
    return _meeting_page(found, pair)


@blp.post("/meetings/<meeting_id>/when")
def when(meeting_id):
    """Propose a time to the other, or set the time the two agreed."""
    found, pair = _meeting_and_pair(meeting_id)
    typed = _when_typed(request.form)
    call = scheduling().schedule if request.form.get("action") == "schedule" else scheduling().propose
    try:
        call(token(), meeting_id, _when_body(typed))
    except ApiError as refused:
        if refused.status == 422:
            return _meeting_page(found, pair, typed, meeting_errors(refused.field_errors)), 422
        if refused.status == 409:
            return _meeting_page(load(scheduling().meeting, meeting_id), pair, typed, problem=_state_problem(refused)), 409
        raise link_problem(refused) from None
    return redirect(url_for("pairs.meeting", meeting_id=meeting_id, token=token()))


@blp.post("/meetings/<meeting_id>/accept")
def accept(meeting_id):
    found, pair = _meeting_and_pair(meeting_id)
    try:
        scheduling().accept(token(), meeting_id)
    except ApiError as refused:
        if refused.status != 409:
            raise link_problem(refused) from None
        return _meeting_page(found, pair, problem=_state_problem(refused)), 409
    return redirect(url_for("pairs.meeting", meeting_id=meeting_id, token=token()))


@dataclass
class Checklist:
    """The meeting's checklist as typed, with its rows of who does what."""

    values: dict = field(default_factory=dict)
    actions: list[dict] = field(default_factory=list)

    @classmethod
    def empty(cls, meeting: dict) -> Checklist:
        return cls(values={"topic": meeting.get("topic_text") or ""},
                   actions=[{"who": "", "what": "", "by": ""} for _ in range(ACTION_ROWS)])

    @classmethod
    def typed(cls, form: MultiDict) -> Checklist:
        rows = min(_int(form.get("action_rows"), ACTION_ROWS), MAX_ACTIONS)
        names = ("since_last_time", "topic", "discussion", "next_steps", "held_at", "held_at-time")
        return cls(values={name: form.get(name, "").strip() for name in names},
                   actions=[{part: form.get(f"actions-{i}-{part}", "").strip() for part in ("who", "what", "by")}
                            for i in range(rows)])

    def body(self) -> tuple[dict, list[int]]:
        rows = [i for i, a in enumerate(self.actions) if a["what"] or a["by"] or a["who"]]
        held_at = None
        if self.values["held_at"]:
            held_at = self.values["held_at"] + "T" + (self.values["held_at-time"] or "12:00")
        return {"since_last_time": self.values["since_last_time"], "topic": self.values["topic"] or None,
                "discussion": self.values["discussion"], "next_steps": self.values["next_steps"], "held_at": held_at,
                "actions": [{"who": self.actions[i]["who"] or "both", "what": self.actions[i]["what"],
                             "by": self.actions[i]["by"] or None} for i in rows]}, rows


@blp.route("/meetings/<meeting_id>/held", methods=["GET", "POST"])
def held(meeting_id):
    found, pair = _meeting_and_pair(meeting_id)
    if request.method == "GET":
        return _held_page(found, pair, Checklist.empty(found))
    typed = Checklist.typed(request.form)
    if request.form.get("action") == "add_action":
        if len(typed.actions) < MAX_ACTIONS:
            typed.actions.append({"who": "", "what": "", "by": ""})
        return _held_page(found, pair, typed, focus=f"actions-{len(typed.actions) - 1}-who")
    body, rows = typed.body()
    try:
        scheduling().held(token(), meeting_id, body)
    except ApiError as refused:
        if refused.status == 422:
            return _held_page(found, pair, typed, meeting_errors(refused.field_errors, rows)), 422
        if refused.status == 409:
            errors = refused.errors or {}
            if "held_at" in errors:
                return _held_page(found, pair, typed, {"held_at": meeting_message("held_at", "in the future")}), 409
            return _held_page(found, pair, typed, problem=_state_problem(refused)), 409
        raise link_problem(refused) from None
    return redirect(url_for("pairs.meeting", meeting_id=meeting_id, token=token()))


def _held_page(meeting, pair, checklist: Checklist, errors=None, problem=None, focus=None):
    return render_template("meeting_held.html", meeting=meeting, pair=pair, partner=partner(pair), form=checklist,
                           errors=errors or {}, problem=problem, focus=focus, who=WHO, token=token())


@blp.route("/meetings/<meeting_id>/missed", methods=["GET", "POST"])
def missed(meeting_id):
    found, pair = _meeting_and_pair(meeting_id)
    if request.method == "GET":
        return render_template("meeting_missed.html", meeting=found, pair=pair, reason="", errors={}, token=token())
    reason = request.form.get("reason", "").strip()
    try:
        scheduling().missed(token(), meeting_id, reason)
    except ApiError as refused:
        if refused.status not in (409, 422):
            raise link_problem(refused) from None
        status = (refused.errors or {}).get("status") or []
        problem = (_("The meeting is still to come. Move it to another time instead.") if "still to come" in status
                   else _("The meeting's month has not begun yet.") if "window not begun" in status
                   else _state_problem(refused))
        errors = meeting_errors(refused.field_errors) if refused.status == 422 else {}
        return render_template("meeting_missed.html", meeting=found, pair=pair, reason=reason, errors=errors,
                               problem=problem if refused.status == 409 else None, token=token()), refused.status
    return redirect(url_for("pairs.meeting", meeting_id=meeting_id, token=token()))


@blp.route("/meetings/<meeting_id>/cancel", methods=["GET", "POST"])
def cancel(meeting_id):
    """Call a set meeting off, after a confirmation that says who scheduling tells: both get an
    e-mail, and the calendar entry is cancelled. The meeting can be set again later."""
    found, pair = _meeting_and_pair(meeting_id)
    if found["status"] != "scheduled":  # a proposed time is withdrawn instead; nothing else is called off
        if request.method == "GET":
            return redirect(url_for("pairs.meeting", meeting_id=meeting_id, token=token()))
        return _meeting_page(found, pair, problem=_(
            "This meeting can no longer be called off: it has changed meanwhile, or the pair has ended.")), 409
    reason = request.form.get("reason", "").strip()
    if request.method == "GET":
        return _cancel_page(found, pair, reason)
    try:
        scheduling().cancel(token(), meeting_id, reason)
    except ApiError as refused:
        if refused.status == 422:
            return _cancel_page(found, pair, reason, errors=meeting_errors(refused.field_errors)), 422
        if refused.status == 409:
            return _cancel_page(load(scheduling().meeting, meeting_id), pair, reason, problem=_(
                "This meeting can no longer be called off: it has changed meanwhile, or the pair has ended.")), 409
        raise link_problem(refused) from None
    return redirect(url_for("pairs.meeting", meeting_id=meeting_id, token=token(), cancelled=1))


def _cancel_page(meeting, pair, reason: str, errors=None, problem=None):
    return render_template("meeting_cancel.html", meeting=meeting, pair=pair, partner=partner(pair), reason=reason,
                           errors=errors or {}, problem=problem, token=token())


@blp.route("/meetings/<meeting_id>/proposal/withdraw", methods=["GET", "POST"])
def withdraw_proposal(meeting_id):
    """Withdraw one's own proposal, after a confirmation that says scheduling tells nobody."""
    found, pair = _meeting_and_pair(meeting_id)
    proposal = found.get("proposal") or {}
    if proposal.get("by") != pair["my_role"]:
        if request.method == "GET":
            return redirect(url_for("pairs.meeting", meeting_id=meeting_id, token=token()))
        return _meeting_page(found, pair, problem=_(
            "There is no proposal of yours to withdraw: it was accepted or withdrawn meanwhile.")), 409
    if request.method == "GET":
        return render_template("meeting_withdraw.html", meeting=found, pair=pair, partner=partner(pair), token=token())
    try:
        scheduling().withdraw_proposal(token(), meeting_id)
    except ApiError as refused:
        if refused.status != 409:
            raise link_problem(refused) from None
        return _meeting_page(load(scheduling().meeting, meeting_id), pair, problem=_(
            "There is no proposal of yours to withdraw: it was accepted or withdrawn meanwhile.")), 409
    return redirect(url_for("pairs.meeting", meeting_id=meeting_id, token=token(), withdrawn=1))
