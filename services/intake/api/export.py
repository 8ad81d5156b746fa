"""A person's own data in intake, as JSON: from their personal link, or produced by a coordinator
for a request received by post or e-mail (that read is on the audit log). The blueprint is the
one every service answers (``services.shared.personal_data``); intake gives its use cases."""

from services.shared import personal_data

from ..usecases import export

SECTIONS = ", ".join(sorted({section for sections in export.SECTIONS.values() for section in sections}))

blp = personal_data.blueprint("intake", export.mine, export.of_person,
                              f"per section, the person's rows as plain JSON (dates ISO 8601): {SECTIONS}")
