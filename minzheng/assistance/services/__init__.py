"""The 大救助 application workflow: one function per state change.

申请 → 受理 → 核对 → 入户调查 → 审核 (县级, 抽查 / 近亲属全面审核) → 公示 (异议 → 回到入户调查) → 审批 / 不予批准.

Every function here is keyword-only and atomic; it checks the actor's area and capability (core.scope.ensure_can:
out of area → NotFound, no capability → Forbidden), locks the application row (select_for_update; SQLite runs
IMMEDIATE transactions, so two approvers acting at once serialise and the second sees the new status), checks
the current status (wrong step → Conflict naming the current status), writes, records one ApplicationStep and
one audit entry with before → after.
"""

from .acceptance import (  # noqa: F401
    NO_DEPARTMENT_RECORDS,
    _department_data_exists,
    _record,
    _run_verification,
    application_accept,
    application_record_verification,
    application_start_verification,
)
from .approval import _mark_category, application_approve, application_refuse  # noqa: F401
from .base import (  # noqa: F401
    _SIGNATURES,
    MAX_UPLOAD,
    VERIFICATION_REQUEST_HANDLERS,
    S,
    _actor_name,
    _amount,
    _discard_files,
    _due,
    _expect,
    _has_relative_filing,
    _household_person_ids,
    _label,
    _lock,
    _move,
    _read_upload,
    _store,
    _text,
    _today,
    mask_name,
)
from .intake import application_attach, application_submit  # noqa: F401
from .investigation import _NAME_SPLIT, investigation_record  # noqa: F401
from .pay_first import application_complete_file, application_pay_first  # noqa: F401
from .publicity import application_close_publicity, objection_file  # noqa: F401
from .relatives import relative_filing_create  # noqa: F401
from .review import _county_of, _draw_sample, application_review, application_submit_review  # noqa: F401
