"""A person's own data in notify, as JSON: through their personal link (``/export/mine``), or
produced by a coordinator for a request received by post or e-mail (``/export/person``, on the
audit log). The blueprint is the one every service answers (``services.shared.personal_data``);
notify gives its use cases."""

from services.shared import personal_data

from ..usecases import export

blp = personal_data.blueprint(
    "notify", export.mine, export.of_person,
    "deliveries (their messages), recipients (what notify knows of them in each cohort), preferences (their "
    "choices): rows of the tenant only")
