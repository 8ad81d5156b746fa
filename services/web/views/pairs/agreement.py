"""The agreement: changed by either of the pair, signed by each, its signed versions kept as they were."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ... import forms, i18n
from ...backends import ApiError, scheduling
from .link import as_int, blp, empty_answer, link_problem, load, partner, token

GOAL_ROWS, SUB_GOAL_ROWS, MAX_GOALS, MAX_SUB_GOALS = 2, 2, 10, 10
SUPPORT_ROWS, MAX_SUPPORT = 2, 4  # the API takes up to four support languages
MAX_DATES = 24  # and up to 24 planned meeting dates


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
        for i in range(min(as_int(form.get("goal_rows"), GOAL_ROWS), MAX_GOALS)):
            rows = min(as_int(form.get(f"goals-{i}-sub_goal_rows"), SUB_GOAL_ROWS), MAX_SUB_GOALS)
            goals.append({"title": form.get(f"goals-{i}-title", "").strip(),
                          "sub_goals": [{"title": form.get(f"goals-{i}-sub_goals-{j}-title", "").strip(),
                                         "due_on": form.get(f"goals-{i}-sub_goals-{j}-due_on", "").strip()}
                                        for j in range(rows)]})
        names = ("language", "keep_in_touch", "meeting_every_months", "meeting_minutes", f"expectations-{role}")
        support = [form.get(f"support_languages-{i}", "").strip()
                   for i in range(min(as_int(form.get("support_rows"), SUPPORT_ROWS), MAX_SUPPORT))]
        dates = [form.get(f"planned_dates-{i}", "").strip() for i in range(min(as_int(form.get("date_rows"), 1), MAX_DATES))]
        return cls(role=role, version=as_int(form.get("version"), 1), goals=goals, support_languages=support,
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
                body[name] = as_int(self.values[name], self.values[name])
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


def _agreement_message(field_id: str, message: str) -> str:
    if empty_answer(message) and field_id.endswith("-title") and "sub_goals" in field_id:
        return _("Write the sub-goal, or leave its date empty too.")
    if empty_answer(message) and field_id.endswith("-title"):
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
        scheduling().sign_agreement(token(), pair_id, as_int(request.form.get("version"), 0))
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
