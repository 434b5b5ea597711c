"""Shared bounds for numbers a client sends in a query string (page, offset, limit, year).

An unbounded int reaches the database as an OFFSET or a date range: 2**70 overflows SQLite's 64-bit integers, a
negative offset breaks queryset slicing, year 0 or 100000 cannot be a date. Annotating the parameter with one of
these types turns each of those into the API's usual 422 naming the parameter, and documents the range in
/api/docs. Values written to a model are guarded separately, against the column itself (core/fields_guard.py).
"""

import datetime as dt
from typing import Annotated

from pydantic import Field

# Far beyond any real list (100 per page × 100,000 pages = 10 million rows) and far inside a 64-bit OFFSET.
MAX_PAGE = 100_000
MAX_OFFSET = 10_000_000
# The calendar years a record of the bureau can carry: the plans reach back to 2016 and look ahead to 2035.
MIN_YEAR, MAX_YEAR = 1900, 2100

PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE, description=f"页码，从1开始（最大{MAX_PAGE}）")]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="跳过的条数")]
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR, description=f"年度（{MIN_YEAR}–{MAX_YEAR}）")]

Limit = Annotated[int, Field(ge=1, le=5000, description="返回条数（1–5000）")]

# A row id a client filters by: beyond a 64-bit key it can match nothing, and SQLite cannot even bind it.
RecordId = Annotated[int, Field(ge=1, le=2**63 - 1, description="记录编号")]

# A date a client names in a query (a day "on" which to read, a month): outside these years no record of the bureau
# exists, and a date near year 1 overflows the date arithmetic behind validity windows (a 500, not an answer).
BureauDate = Annotated[dt.date, Field(ge=dt.date(MIN_YEAR, 1, 1), le=dt.date(MAX_YEAR, 12, 31),
                                      description=f"日期（{MIN_YEAR}–{MAX_YEAR}年）")]
