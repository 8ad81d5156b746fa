"""A person's own data in matching: from their personal link, or for a coordinator who received
the request by post or e-mail (that read is on the audit log). The blueprint is the one every
service answers (``services.shared.personal_data``); matching gives its use cases."""

from services.shared import personal_data

from ..usecases import export

blp = personal_data.blueprint(
    "matching", export.mine, export.of_person,
    "applications, proposals (with the breakdown of scores shown for them), overrides (pins and forbids), pairs "
    "(the partner by application id) and unmatched records: every row of the tenant that names one of the "
    "person's applications")
