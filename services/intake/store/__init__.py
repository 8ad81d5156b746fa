"""Intake's store: its tables (``tables``) and every query the service runs, each naming its
tenant unless it is a public or cross-tenant read that says so. The use cases are its callers."""

from services.shared.db import one, rows, update

from .applications import (
    accepted_and_waitlisted,
    applications_page,
    awaiting_arrival,
    cohort_and_programme,
    count_applications,
    existing_application,
    first_waitlisted,
    insert_application,
    insert_survey_response,
    lock_admission,
    open_cohorts,
    programme_any_tenant,
    public_cohort,
    survey_answered,
    survey_responses_of,
    take_arrivals,
    waitlist_position,
    waitlist_positions,
    write_arrivals,
)
from .cohorts import (
    applications_by_role_and_status,
    claim_cohort,
    cohorts_of_programme,
    cohorts_under_way,
    group_event_ids,
    group_events_of,
    insert_cohort,
    write_group_events,
)
from .erasure import (
    applications_of_person,
    forget_link_requests,
    forget_sign_in_codes,
    insert_erasure,
    nominations_of_person,
    overwrite_applications,
    overwrite_nominations,
    scrub_outbox,
    set_survey_answers,
    survey_answers_of,
)
from .export import (
    applications_of_email,
    erasures_of_hash,
    link_requests_of_hash,
    nominations_of_email,
    sign_in_codes_of_staff,
    staff_of_email,
    survey_responses_of_applications,
)
from .links import applications_of_address, claim_link_request, mentor_forms_of_address
from .nominations import cohorts_of_programmes, insert_nomination, nominations_of, rank_taken
from .outbox import publish
from .programmes import cohorts_past_draft, insert_programme, member_organisations
from .retention import retention_rows, retention_rows_of_person, unerased_count
from .staff import (
    active_staff_of_code,
    active_staff_with_email,
    codes_sent_since,
    insert_sign_in_code,
    insert_staff,
    revive_staff,
    staff_page,
    use_sign_in_code,
)
from .tenants import all_tenants, insert_tenant, tenant_exists, tenant_name

# isort: split
# The tables are imported last, after every query module: importing a submodule binds its name in
# this package, so a query module named like its table (applications, cohorts, nominations,
# programmes, staff, tenants) imported after them would leave ``store.cohorts`` the module.
from .tables import (
    INBOX,
    OUTBOX,
    applications,
    audit_log,
    cohorts,
    erasures,
    group_events,
    link_requests,
    metadata,
    nominations,
    programmes,
    sign_in_codes,
    staff,
    survey_responses,
    tenants,
)

__all__ = [
    "INBOX", "OUTBOX", "accepted_and_waitlisted", "all_tenants", "member_organisations", "staff_page",
    "tenant_exists", "tenant_name", "applications", "applications_page", "cohort_and_programme", "cohorts",
    "count_applications", "erasures", "existing_application", "group_events", "insert_survey_response",
    "link_requests", "metadata", "nominations", "one", "open_cohorts", "programme_any_tenant", "programmes",
    "public_cohort", "publish", "rows", "sign_in_codes", "staff", "survey_answered", "survey_responses",
    "survey_responses_of", "tenants", "update", "waitlist_position", "waitlist_positions",
    "awaiting_arrival", "first_waitlisted", "insert_application", "lock_admission", "take_arrivals", "write_arrivals",
    "cohorts_past_draft", "insert_programme",
    "insert_tenant",
    "active_staff_of_code", "active_staff_with_email", "codes_sent_since", "insert_sign_in_code",
    "insert_staff", "revive_staff", "use_sign_in_code",
    "applications_of_person", "forget_link_requests", "forget_sign_in_codes", "insert_erasure",
    "nominations_of_person", "overwrite_applications", "overwrite_nominations", "scrub_outbox", "set_survey_answers",
    "survey_answers_of", "retention_rows", "retention_rows_of_person", "unerased_count",
    "cohorts_of_programmes", "insert_nomination", "nominations_of", "rank_taken",
    "audit_log", "applications_of_email", "erasures_of_hash", "link_requests_of_hash", "nominations_of_email",
    "sign_in_codes_of_staff", "staff_of_email", "survey_responses_of_applications",
    "applications_of_address", "claim_link_request", "mentor_forms_of_address",
    "applications_by_role_and_status", "claim_cohort", "cohorts_of_programme", "cohorts_under_way",
    "group_event_ids", "group_events_of", "insert_cohort", "write_group_events",
]
