"""江海区's 城乡社区治理 objects for the every-endpoint scope test: a 议事协商 of 英南村 (recorded by 陈小玲, a
follow-up pending, not yet published) and 英南村's 村民委员会 with 陈父 as its 主任."""

import datetime as dt

from minzheng.community import services


def jianghai_community(w) -> dict:
    c = services.consultation_record(actor=w.chen, area=w.yingnan, topic="村道路灯安装", held_on=dt.date(2025, 3, 12),
                                     participants={"villager_reps": 12}, outcome="同意安装40盏",
                                     follow_up="三个月内完成")
    body = services.body_create(actor=w.chen, area=w.yingnan, kind="village_committee",
                                term_start=dt.date(2021, 4, 1), term_end=dt.date(2026, 3, 31),
                                members=[(w.dad, "主任", True)])
    return {"cm_consultation": c.pk, "cm_body": body.pk}
