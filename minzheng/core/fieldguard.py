"""Every save is checked against the column it writes, the same way on SQLite and on PostgreSQL.

PostgreSQL refuses text longer than a varchar, a NUL character, a number beyond its integer type or a decimal beyond
its precision with a database error (a 500, and on SQLite the value is silently kept, or read back as garbage).
One pre_save check on every model of the project names the field in Chinese (its verbose_name) and the limit
instead, as a DomainError: the service's transaction rolls back and the API/page shows the message like any other
validation error. bulk_create() and update() bypass signals; their callers validate their own rows.
"""

from decimal import Decimal, InvalidOperation

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models.signals import pre_save

from .errors import DomainError

_TEXT = (models.CharField, models.TextField)
# PostgreSQL's ranges (Django's defaults), applied on SQLite too so both databases accept the same values.
_INT_RANGES = BaseDatabaseOperations.integer_field_ranges


def check_value(field, value) -> None:
    """Raise a DomainError naming the field if value cannot be stored in its column."""
    if value is None:
        return
    if isinstance(field, _TEXT) and isinstance(value, str):
        if "\x00" in value:
            raise DomainError(f"{_label(field)}含有不可见的空字符，请删除后重试", field=_label(field))
        if field.max_length and len(value) > field.max_length:
            raise DomainError(f"{_label(field)}最多{field.max_length}个字，现为{len(value)}个字", field=_label(field))
    elif isinstance(field, models.DecimalField) and isinstance(value, (Decimal, int, float, str)):
        try:
            d = Decimal(str(value))
        except InvalidOperation:
            return  # not a number: the field's own conversion reports it
        if not d.is_finite():
            raise DomainError(f"{_label(field)}应为有限的数值", field=_label(field))
        whole_digits = field.max_digits - field.decimal_places
        if d != 0 and d.adjusted() >= whole_digits:
            raise DomainError(f"{_label(field)}超出允许范围（整数部分最多{whole_digits}位）", field=_label(field))
    elif isinstance(value, int) and not isinstance(value, bool) and field.get_internal_type() in _INT_RANGES:
        low, high = _INT_RANGES[field.get_internal_type()]
        if not low <= value <= high:
            raise DomainError(f"{_label(field)}超出允许范围", field=_label(field))


def _label(field) -> str:
    # Only on refusal: a verbose_name is a lazy translation, costly to render on every save.
    return str(field.verbose_name or field.name)


def _guard(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or not sender.__module__.startswith("minzheng."):  # loaddata writes what was dumped
        return
    for field in sender._meta.concrete_fields:
        if update_fields is not None and field.name not in update_fields and field.attname not in update_fields:
            continue
        check_value(field, getattr(instance, field.attname, None))


def connect() -> None:
    """Guard every model of the project (not Django's or third parties', which validate their own input)."""
    pre_save.connect(_guard, dispatch_uid="minzheng.core.fieldguard")

