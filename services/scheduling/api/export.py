"""What scheduling holds about a person, as one JSON document: the person's own, through their
personal link, and a coordinator's copy for a request received by post or e-mail (audited). The
blueprint is the one every service answers (``services.shared.personal_data``); scheduling gives
its use cases."""

from services.shared import personal_data

from ..usecases import export

blp = personal_data.blueprint(
    "scheduling", export.mine, export.of_person,
    "participants, pairs, agreements (each version with the partner's name), meetings (with their notes and "
    "checklist), attendance, calendar_feeds (not their secret) and due_work: rows of the tenant, dates as ISO 8601")
