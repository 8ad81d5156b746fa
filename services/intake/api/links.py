"""'Send me my links again': a person who lost the e-mail with their personal link asks for it
by address. Public and rate-limited; the answer is the same whether the address is known or not,
and so is the time it takes: the links are looked up and sent once the answer has gone out."""

import logging

from flask import after_this_request, current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared.api import service

from ..domain.links import RESEND_AFTER
from ..schemas import LinksRequestIn, LinksRequestOut
from ..usecases.links import request_links
from .public import limiter

log = logging.getLogger(__name__)
blp = Blueprint("links", __name__, url_prefix="/public/links", description="Send a person their personal links again.")
ANSWER = ("If this address has applied or been nominated, its personal links are on their way to it. "
          f"Asking again within {RESEND_AFTER.seconds // 60} minutes sends nothing new.")


def _rate() -> str:
    return current_app.config["TANDEM_SETTINGS"].public_rate_limit


@blp.route("")
class LinksRequest(MethodView):
    decorators = [limiter.limit(_rate)]

    @blp.arguments(LinksRequestIn)
    @blp.response(202, LinksRequestOut)
    def post(self, body):
        """E-mail the person a fresh link to each of their applications and mentor forms, one
        message per organisation (tenant), in their language. Answers 202 whether the address is
        known or not, so it tells nobody who has applied."""
        engine, settings = service().engine, service().settings

        def send_links() -> None:
            try:
                with engine.begin() as conn:
                    request_links(conn, body["email"], body["locale"], settings)
            except Exception:  # the answer has gone: the person asks again, the log says why
                log.exception("sending personal links again failed")

        @after_this_request
        def after_answering(response):
            # a known address costs a look-up, a token per link and an event; doing that after
            # the answer is sent keeps its timing from telling a known address from an unknown one
            response.call_on_close(send_links)
            return response

        return {"message": ANSWER}
