"""The credit-list grounds and the rules cite 《社会组织信用信息管理办法》（民政部令第60号） consistently: every
活动异常名录 ground is an item of 第十条 and every 严重违法失信名单 ground an item of 第十四条, no item is cited for
two grounds, and where rules.csv cites an item for a threshold it is the item of the ground that threshold decides."""

import csv
import re

from django.conf import settings

DIR = settings.DATA_DIR / "socialorgs"
NUMBER = "[一二三四五六七八九十]+"
ITEM = re.compile(rf"《社会组织信用信息管理办法》（民政部令第60号）(第{NUMBER}条)(第{NUMBER}项)")


def _rows(name):
    with open(DIR / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_each_ground_cites_its_own_item_of_the_right_article():
    article = {"abnormal": "第十条", "serious": "第十四条"}
    seen = {}
    for row in _rows("credit_grounds.csv"):
        m = ITEM.fullmatch(row["citation"])
        assert m, f"{row['code']}的出处格式不对：{row['citation']}"
        assert m.group(1) == article[row["list"]], f"{row['code']}应引{article[row['list']]}"
        assert m.groups() not in seen, f"{row['code']}与{seen.get(m.groups())}引用同一项"
        seen[m.groups()] = row["code"]


def test_the_rules_cite_the_items_of_the_grounds_they_decide():
    grounds = {r["code"]: ITEM.fullmatch(r["citation"]).group(0) for r in _rows("credit_grounds.csv")}
    rules = {r["key"]: r["source"] for r in _rows("rules.csv")}
    decides = {"annual_report_due_month": ["no_annual_report"], "abnormal_to_serious_years": ["abnormal_two_years"],
               "heavy_fine_fen": ["light_penalty", "heavy_fine"], "repeat_penalty_years": ["repeat_light_penalty"]}
    for key, codes in decides.items():
        for code in codes:
            item = grounds[code].split("）", 1)[1]
            assert item in rules[key], f"rules.csv {key} 应引用 {item}（{code}）：{rules[key]}"
