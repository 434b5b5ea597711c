"""近亲属备案: filing that an applicant is a close relative of a staff member (full review follows).

There is one register, payroll's StaffRelative (its page is 近亲属备案 under 资金发放): a filing here and one made
there feed both the full review of applications and the 资金监管 flag on payments."""


from django.db import transaction
from django.db.models import Q

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.core import audit
from minzheng.core.scope import ensure_can
from minzheng.payroll.models import StaffRelative
from minzheng.payroll.services import staff_relative_register
from minzheng.registry.models import Membership, Person

from ..models import OPEN_STATUSES, Application
from .base import _text

# --- 近亲属备案 -------------------------------------------------------------------------------------

def relative_filing_create(*, actor: User, person: Person, staff_name: str, staff_position: str, relation: str,
                           area: Area, staff: User | None = None) -> StaffRelative:
    """Record that `person` is a close relative of a staff member or village cadre (named, or `staff` when they
    have an account); that person's open and future applications are flagged for a full review and their payments
    for the 资金监管 check."""
    ensure_can(actor, area, Cap.ASSIST_RELATIVE_FILING)
    staff_name = _text(staff_name, "工作人员姓名")
    staff_position = _text(staff_position, "工作单位及职务")
    relation = _text(relation, "关系")
    with transaction.atomic():
        rf = staff_relative_register(actor=actor, staff=staff, person=person, relation=relation,
                                     staff_name=staff_name, staff_position=staff_position)
        household_ids = Membership.objects.filter(person=person, end_date__isnull=True).values("household_id")
        flagged = list(Application.objects.select_for_update()
                       .filter(status__in=OPEN_STATUSES, related_to_staff=False)
                       .filter(Q(applicant=person) | Q(household_id__in=household_ids)).values_list("pk", flat=True))
        Application.objects.filter(pk__in=flagged).update(related_to_staff=True)
        audit.record(actor=actor, action="assistance.relative_filing", object_type="StaffRelative",
                     object_id=rf.pk, object_repr=f"{person.name}（{staff_name}之{relation}）", area_code=area.code,
                     after={"person": person.masked_id, "staff_name": staff_name, "staff_position": staff_position,
                            "relation": relation, "flagged_applications": flagged})
    return rf
