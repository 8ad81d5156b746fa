"""The staff directory and passwordless sign-in. Coordinators invite and deactivate their
tenant's staff; operators invite a tenant's first coordinator; anyone may ask for a sign-in link
(the answer is the same for any address) and redeem one for a bearer token."""

import logging

from flask import after_this_request, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from services.shared.api import service
from services.shared.fields import NAME, Text
from services.shared.tenancy import current_principal, current_tenant, require

from ..domain.staff import CODE_LIFETIME, STAFF_ROLES
from ..schemas import ORGANISATION_ID, RedeemIn, SignedInOut, SignInIn, SignInOut, StaffIn, StaffOut
from ..usecases import staff
from . import audited
from .public import limiter

log = logging.getLogger(__name__)
blp = Blueprint("staff", __name__, url_prefix="/", description="Staff: who runs a tenant's programmes, and their sign-in.")
SECURITY = [{"bearer": []}]
ANSWER = ("If this address belongs to a coordinator or representative, a sign-in link is on its way to it. "
          f"The link works once, for {CODE_LIFETIME.seconds // 60} minutes.")


def _rate() -> str:
    return current_app.config["TANDEM_SETTINGS"].public_rate_limit


@blp.route("/staff")
class Staff(MethodView):
    @require("coordinator")
    @blp.response(200, StaffOut(many=True))
    @blp.paginate(page_size=1000, max_page_size=1000)
    @blp.doc(security=SECURITY)
    def get(self, pagination_parameters):
        """The tenant's staff, active and deactivated, by name, a page at a time (``page``,
        ``page_size``; the total is in the X-Pagination header)."""
        with service().engine.connect() as conn:
            total, page = staff.page(conn, current_tenant(), pagination_parameters.page_size,
                                     pagination_parameters.first_item)
        pagination_parameters.item_count = total
        return audited.read_many("staff", page)

    @require("coordinator")
    @blp.arguments(StaffIn)
    @blp.response(201, StaffOut)
    @blp.alt_response(409, description="The address is active staff of the tenant already.")
    @blp.doc(security=SECURITY)
    def post(self, body):
        """Invite a coordinator or a representative of a member organisation: they get an e-mail
        with a sign-in link, in their language."""
        with service().engine.begin() as conn:
            return audited.changed("staff", staff.invite(conn, current_tenant(), body, current_principal().sub, service().settings))


class StaffChangeIn(Schema):
    role = fields.String(validate=validate.OneOf(STAFF_ROLES))
    organisation = fields.String(allow_none=True, validate=validate.Regexp(ORGANISATION_ID, error="a member organisation's id"),
                                 metadata={"description": "the member organisation a representative speaks for"})
    name = Text(min_length=1, max_length=NAME)


@blp.route("/staff/<staff_id>")
class StaffMember(MethodView):
    @require("coordinator")
    @blp.response(200, StaffOut)
    @blp.doc(security=SECURITY)
    def delete(self, staff_id):
        """Deactivate a staff member: they can no longer sign in (tokens already issued run out
        within their 8 hours)."""
        with service().engine.begin() as conn:
            return audited.changed("staff", staff.deactivate(conn, current_tenant(), staff_id))

    @require("coordinator")
    @blp.arguments(StaffChangeIn)
    @blp.response(200, StaffOut)
    @blp.doc(security=SECURITY)
    def patch(self, body, staff_id):
        """Change a staff member's role (with the member organisation a representative speaks
        for) or name. Tokens already issued keep the old role until they run out (8 hours)."""
        with service().engine.begin() as conn:
            return audited.changed("staff", staff.change(conn, current_tenant(), staff_id, body))


@blp.route("/tenants/<slug>/staff")
class TenantStaff(MethodView):
    @require("operator")
    @blp.arguments(StaffIn)
    @blp.response(201, StaffOut)
    @blp.alt_response(409, description="The address is active staff of the tenant already.")
    @blp.doc(security=SECURITY)
    def post(self, body, slug):
        """Invite a tenant's first coordinator (operators only)."""
        with service().engine.begin() as conn:
            return audited.changed("staff", staff.invite_first(conn, slug, body, current_principal().sub, service().settings))


@blp.route("/public/sign-in")
class SignIn(MethodView):
    decorators = [limiter.limit(_rate)]

    @blp.arguments(SignInIn)
    @blp.response(202, SignInOut)
    def post(self, body):
        """E-mail a single-use sign-in link to the address, once for each organisation (tenant)
        where it is active staff. Answers 202 the same whether the address is known or not."""
        engine, settings = service().engine, service().settings

        def send_links() -> None:
            try:
                with engine.begin() as conn:
                    staff.request_sign_in(conn, body["email"], body["locale"], settings)
            except Exception as exc:  # the answer has gone: the person asks again
                # the kind of failure only: a database error's text may quote the event, link and all
                log.error("sending sign-in links failed: %s", type(exc).__name__)

        @after_this_request
        def after_answering(response):
            # looking up and writing codes after the answer keeps its timing from telling
            # a staff member's address from a stranger's
            response.call_on_close(send_links)
            return response

        return {"message": ANSWER}


@blp.route("/public/sign-in/redeem")
class Redeem(MethodView):
    decorators = [limiter.limit(_rate)]

    @blp.arguments(RedeemIn)
    @blp.response(200, SignedInOut)
    @blp.alt_response(404, description="An unknown, used or expired code: the same answer for each.")
    def post(self, body):
        """Use a sign-in code, once: a bearer token for the staff member (8 hours)."""
        return staff.redeem(service().engine.begin, body["code"], service().settings)
