"""Export of a scoped person list to Excel. The file is written row by row (openpyxl write-only) to a temporary
file, so memory stays flat however long the list; the export itself is audited as "person.export"."""

import tempfile

from django.db import transaction
from django.db.models import Prefetch
from openpyxl import Workbook

from minzheng.accounts.roles import Cap
from minzheng.areas.selectors import top_areas
from minzheng.core import audit
from minzheng.core.errors import DomainError, Forbidden
from minzheng.core.idcard import mask
from minzheng.core.tabular import safe_row

from .models import Category, PersonCategory
from .selectors import is_id_query, person_search
from .services import mask_account, mask_phone

HEADERS = ["姓名", "性别", "出生日期", "身份证号", "居住地", "户籍地", "居住地址", "联系电话", "残疾类别", "残疾等级",
           "开户银行", "银行账号", "当前类别", "死亡日期"]
CATEGORY_LABELS = dict(Category.choices)


PURPOSE_MIN = 4  # characters: enough to say what the list is for (e.g. 入户核查)


def persons_export(*, actor, query: str = "", area=None, category: str | None = None, full: bool = False,
                   purpose: str = ""):
    """Write the list the user is looking at to .xlsx; returns (open temporary file, row count).
    身份证号, phone and bank account are masked unless the user asks for full numbers, states the purpose and has a
    role that works cases; the purpose is kept in the audit entry of the export."""
    if not actor.can(Cap.REGISTRY_EXPORT):
        raise Forbidden("您的角色无权导出名单")
    purpose = (purpose or "").strip()
    if full:
        if not actor.can(Cap.REGISTRY_EXPORT_FULL):
            raise Forbidden("您的角色无权导出含完整身份证号、电话和银行账号的名单，可导出脱敏名单")
        if len(purpose) < PURPOSE_MIN:
            raise DomainError(f"导出完整信息须填写用途（至少{PURPOSE_MIN}个字），用途将记入审计日志",
                              code="purpose_required", field="用途")
    open_categories = Prefetch("categories", queryset=PersonCategory.objects.filter(valid_to__isnull=True),
                               to_attr="open_categories")
    qs = (person_search(actor, query, area=area, category=category)
          .select_related("hukou_area").prefetch_related(open_categories))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("人员名单")
    ws.append(safe_row(HEADERS))
    rows = 0
    for p in qs.iterator(chunk_size=2000):
        ws.append(safe_row([
            p.name, p.get_sex_display(), p.birth_date, p.id_number if full else p.masked_id,
            p.residence_area.name, p.hukou_area.name, p.address, p.phone if full else mask_phone(p.phone),
            p.get_disability_category_display(), p.disability_grade, p.bank_name,
            p.bank_account if full else mask_account(p.bank_account),
            "、".join(CATEGORY_LABELS.get(c.category, c.category) for c in p.open_categories), p.death_date,
        ]))
        rows += 1
    out = tempfile.TemporaryFile(suffix=".xlsx")
    wb.save(out)
    out.seek(0)
    tops = top_areas(actor)
    area_code = area.code if area is not None else (tops[0].code if tops else "")
    with transaction.atomic():
        audit.record(actor=actor, action="person.export", object_type="person_list", object_id="-",
                     object_repr=f"人员名单（{rows}人）", area_code=area_code,
                     # the audit trail never keeps a full ID number, not even one searched for
                     after={"query": mask(query) if is_id_query(query) else query,
                            "area": area.code if area is not None else None, "category": category,
                            "rows": rows, "full_id_numbers": full, "purpose": purpose})
    return out, rows
