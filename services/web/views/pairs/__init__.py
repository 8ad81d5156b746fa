"""The pair's workspace, opened from the mentor's or the mentee's own link: the pair's page, the
agreement (changed by either, signed by each, its signed versions kept as they were) and the
meeting plan (propose or set a time, accept the other's proposal or withdraw one's own, call a set
meeting off, log a meeting as held or missed).

Every rule stays in scheduling: these pages send what was typed and show its refusals beside the
fields. Another person's pair answers 404 there, and "this link is not yours" here.
"""

from . import agreement, meetings, page  # noqa: F401  (each adds its pages to the blueprint)
from .link import blp  # noqa: F401
