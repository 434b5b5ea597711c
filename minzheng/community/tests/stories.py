"""江海区's 城乡社区治理 objects for the every-endpoint scope test: a 议事协商 of 英南村 (recorded by 陈小玲, a
follow-up pending, not yet published), 英南村's 村民委员会 with 陈父 as its 主任 and the 换届选举 that may start its
next term, and 陈母 serving on the 社区工作者 roster."""

import datetime as dt

from minzheng.community import services


def jianghai_community(w) -> dict:
    c = services.consultation_record(actor=w.chen, area=w.yingnan, topic="村道路灯安装", held_on=dt.date(2025, 3, 12),
                                     participants={"villager_reps": 12}, outcome="同意安装40盏",
                                     follow_up="三个月内完成")
    body = services.body_create(actor=w.chen, area=w.yingnan, kind="village_committee",
                                term_start=dt.date(2021, 4, 1), term_end=dt.date(2026, 3, 31),
                                members=[(w.dad, "主任", True)])
    election = services.election_record(actor=w.chen, area=w.yingnan, held_on=dt.date(2026, 4, 15), voters=1200,
                                        votes=1104)
    worker = services.worker_add(actor=w.chen, person=w.mum, area=w.yingnan, grade="3-1", since=dt.date(2022, 1, 1))
    return {"cm_consultation": c.pk, "cm_body": body.pk, "cm_election": election.pk, "cm_worker": worker.pk}
