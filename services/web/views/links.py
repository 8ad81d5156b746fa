"""Send me my link again: the same answer whether the address is known or not."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from .. import i18n
from ..backends import ApiError, backends

blp = Blueprint("links", __name__)


@blp.route("/links", methods=["GET", "POST"])
def links():
    if request.method == "GET":
        return render_template("links.html", email="", error=None, sent=False)
    email = request.form.get("email", "").strip()
    if "@" not in email or len(email) > 320:
        return render_template("links.html", email=email, sent=False,
                               error=_("Enter an e-mail address like name@example.com.")), 422
    try:
        backends().intake.send_links(email, i18n.locale())
    except ApiError as refused:
        # 404/405: intake does not take these requests yet; answer as if it had (this branch can
        # go once POST /intake/public/links is served everywhere)
        if refused.status == 422:
            return render_template("links.html", email=email, sent=False,
                                   error=_("Enter an e-mail address like name@example.com.")), 422
        if refused.status not in (404, 405):
            raise
    return render_template("links.html", email=email, sent=True, error=None)
