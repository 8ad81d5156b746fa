"""Operators create tenants and issue their coordinators' and representatives' tokens."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared.api import service
from services.shared.tenancy import require

from ..schemas import TenantIn, TenantOut, TokenIn, TokenOut
from ..usecases import tenants

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
            return tenants.create_tenant(conn, body["slug"], body["name"])

    @require("operator")
    @blp.response(200, TenantOut(many=True))
    @blp.doc(security=[{"bearer": []}])
    def get(self):
        """List every tenant."""
        with service().engine.connect() as conn:
            return tenants.all_tenants(conn)


@blp.route("/<slug>/tokens")
class TenantTokens(MethodView):
    @require("operator")
    @blp.arguments(TokenIn)
    @blp.response(201, TokenOut)
    @blp.doc(security=[{"bearer": []}])
    def post(self, body, slug):
        """Issue a coordinator's or a representative's token for this tenant."""
        with service().engine.connect() as conn:
            return tenants.token(conn, slug, body, service().settings.signing_key)
