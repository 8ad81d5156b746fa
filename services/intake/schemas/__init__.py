"""Intake's request and response schemas (marshmallow), with field-level validation, one module per
resource. Everything is importable from here, as ``from ..schemas import CohortIn``."""

from __future__ import annotations

from .applications import (  # noqa: F401
    ApplicationIn,
    ApplicationOut,
    ApplicationQuery,
    ConsentIn,
    DecisionIn,
    MentorFormIn,
    OutcomeReportOut,
    SubmittedOut,
    SurveyAnswersIn,
    SurveyOut,
)
from .cohorts import (  # noqa: F401
    CohortFields,
    CohortIn,
    CohortOut,
    GroupEventIn,
    GroupEventOut,
    PublicCohortOut,
    changed_past_dates,
    past_dates,
)
from .common import (  # noqa: F401
    COUNTRIES,
    EDUCATION_LEVELS,
    GROUP_EVENT_KINDS,
    LANGUAGES,
    ORGANISATION_ID,
    REFERRALS,
    RETENTION_REASONS,
    SECTORS,
    TIME_ZONES,
    ProfessionIn,
    ProfessionOut,
)
from .nominations import (  # noqa: F401
    MentorFormOut,
    NominationDecisionIn,
    NominationIn,
    NominationOut,
)
from .people import (  # noqa: F401
    RedeemIn,
    SignedInOut,
    SignInIn,
    SignInOut,
    StaffIn,
    StaffOut,
    TenantIn,
    TenantOut,
    TokenIn,
    TokenOut,
)
from .privacy import (  # noqa: F401
    ConsentExtensionIn,
    ErasureIn,
    ErasureOut,
    LinksRequestIn,
    LinksRequestOut,
    RetentionApplicationOut,
    RetentionOut,
    RetentionQuery,
)
from .programmes import (  # noqa: F401
    MemberOrganisation,
    PauseIn,
    ProgrammeFields,
    ProgrammeIn,
    ProgrammeOut,
    PublicProgrammeOut,
    SurveyQuestion,
    Surveys,
)
