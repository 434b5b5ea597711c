"""统一社会信用代码 (GB 32100-2015): 18 characters — 登记管理部门代码 (1), 机构类别代码 (1), 登记管理机关行政区划码
(6), 主体标识码 (9, itself an 组织机构代码 with its GB 11714 check character) and the check character (1).

The alphabet has 31 characters (no I, O, S, V, Z); the check character is 31 − (Σ wᵢ·cᵢ mod 31) with
wᵢ = 3^(i−1) mod 31. Because 31 is prime and no weight is 0 mod 31, any single changed character changes the
sum, so a single typo is always caught (tested exhaustively in core/tests/test_creditcode.py).
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]  # GB 11714 组织机构代码
# 登记管理部门代码 5 = 民政; 机构类别 1 社会团体, 2 民办非企业单位（社会服务机构）, 3 基金会, 9 其他
CIVIL_AFFAIRS = "5"


def check_char(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_check_char(first8: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    r = (11 - total % 11) % 11
    return "X" if r == 10 else str(r)


def credit_code_problem(code: str) -> str | None:
    """None when `code` is a well-formed 统一社会信用代码, else the reason in Chinese."""
    if not isinstance(code, str) or len(code) != 18:
        return "统一社会信用代码应为18位"
    bad = [c for c in code if c not in _VALUE]
    if bad:
        return f"统一社会信用代码含有不允许的字符“{bad[0]}”（不使用I、O、S、V、Z及小写字母）"
    if not code[2:8].isdigit():
        return "统一社会信用代码第3至8位应为登记管理机关行政区划码"
    if check_char(code[:17]) != code[17]:
        return "统一社会信用代码校验位不符，请核对是否录入有误"
    return None


def make_credit_code(*, category: str, area_code: str, serial: int) -> str:
    """A 民政-registered organisation's code: 5 + category + the registrar's 6-digit area code + an 8-digit serial
    with its GB 11714 check character + the GB 32100 check character."""
    body = f"{serial:08d}"
    body += org_check_char(body)
    first17 = CIVIL_AFFAIRS + category + area_code[:6] + body
    return first17 + check_char(first17)
