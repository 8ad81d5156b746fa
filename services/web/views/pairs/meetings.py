"""The meeting plan: propose or set a time, accept the other's proposal or withdraw one's own,
call a set meeting off, log a meeting as held or missed."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ... import forms
from ...backends import ApiError, scheduling
from .link import as_int, blp, empty_answer, link_problem, load, partner, token

ACTION_ROWS, MAX_ACTIONS = 2, 20
MODES = ("in_person", "online")
WHO = ("mentee", "mentor", "both")


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
    if empty_answer(message):
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
        rows = min(as_int(form.get("action_rows"), ACTION_ROWS), MAX_ACTIONS)
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
