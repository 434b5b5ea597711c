"""大救助 pages: intake, the resident's online application (一证一书), lists per role (overdue, 先救助后说明),
the application file with the actions the user's role may take at the current step, approval with the computed
amounts, refusal with its notice letter, the public 公示 page (no login, masked data only), 复核 tasks and the
enrolled case with its month-by-month history and exit, and the 低保调标测算 (what-if).

Thin: reads through assistance.selectors (scoped), writes through assistance.services (checked, atomic, audited).
A user of another area gets 404, a role without the capability 403 (both from web.pages.page); a service's
DomainError is shown next to the field it names, a Conflict (wrong step) above the file with status 409.
"""

from .application import (  # noqa: F401
    ACTIONS,
    FORMS,
    _detail,
    _do_attach,
    _do_investigate,
    _do_objection,
    _do_record_verification,
    _verifications,
    application_action,
    application_detail,
    objection_decide,
)
from .approval import (  # noqa: F401
    _approval_initial,
    _members,
    _report_initial,
    application_approve,
    attachment_download,
    authorisation_form,
    refusal_letter,
)
from .base import COMPONENTS, S, _save  # noqa: F401
from .cases import _case_page, _component_rows, _latest_report, case_detail, case_exit, recheck_list, recheck_task  # noqa: F401
from .intake import _find_applicant, application_new, apply_online  # noqa: F401
from .lists import _filters, application_list, overdue_list, paid_first_list  # noqa: F401
from .public import public_notice, public_notices  # noqa: F401
from .what_if import what_if, what_if_areas  # noqa: F401
