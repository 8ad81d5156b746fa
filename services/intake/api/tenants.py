"""Operators create tenants and issue their coordinators' and representatives' tokens."""

from datetime import UTC, datetime

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.shared.api import service
from services.shared.tenancy import issue_token, require

from .. import store
from ..domain.tenants import create_tenant
from ..schemas import TenantIn, TenantOut, TokenIn, TokenOut

blp = Blueprint("tenants", __name__, url_prefix="/tenants", description="Tenants (operators only).")


@blp.route("")
class Tenants(MethodView):
    @require("operator")
    @blp.arguments(TenantIn)
    @blp.response(201, TenantOut)
    @blp.doc(security=[{"bearer": []}])
    def post(self, body):
        """Create a tenant: an organisation running programmes on Tandem."""
        with service().engine.begin() as conn:
            tenant = create_tenant(conn, body["slug"], body["name"], datetime.now(UTC))
        if tenant is None:
            abort(409, message=f"The tenant {body['slug']} exists already.", errors={"slug": ["already taken"]})
        return tenant

    @require("operator")
    @blp.response(200, TenantOut(many=True))
    @blp.doc(security=[{"bearer": []}])
    def get(self):
        """List every tenant."""
        with service().engine.connect() as conn:
            return store.all_tenants(conn)


@blp.route("/<slug>/tokens")
class TenantTokens(MethodView):
    @require("operator")
    @blp.arguments(TokenIn)
    @blp.response(201, TokenOut)
    @blp.doc(security=[{"bearer": []}])
    def post(self, body, slug):
        """Issue a coordinator's or a representative's token for this tenant."""
        with service().engine.connect() as conn:
            if not store.tenant_exists(conn, slug):
                abort(404, message=f"No tenant {slug}.")
        if body["role"] == "representative" and not body["org"]:
            abort(422, message="A representative's token names their member organisation.", errors={"json": {"org": ["required for a representative"]}})
        token = issue_token(
            service().settings.signing_key, tenant=slug, role=body["role"], sub=body["sub"], ttl=body["ttl"], org=body["org"]
        )
        return {"token": token, "tenant": slug, "role": body["role"], "expires_in": body["ttl"]}
