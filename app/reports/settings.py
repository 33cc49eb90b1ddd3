"""How reports count and lay out, as an admin sets them: the 协议投资 tiers that signed projects are
counted by (亿元以上 is one), and whether 合计 stands first or last."""
from decimal import Decimal, InvalidOperation

from app.extensions import db
from app.models import Setting

TIERS, TOTAL_FIRST = "report_tiers_wan", "report_total_first"
DEFAULT_TIERS = [Decimal(5000), Decimal(10000), Decimal(50000), Decimal(100000)]  # 0.5, 1, 5, 10 亿元


def tiers() -> list[Decimal]:
    """The tiers in 万元, ascending."""
    stored = db.session.get(Setting, TIERS)
    return [Decimal(v) for v in stored.value.split(",")] if stored else list(DEFAULT_TIERS)


def total_first() -> bool:
    stored = db.session.get(Setting, TOTAL_FIRST)
    return bool(stored and stored.value == "1")


def parse_tiers(text: str) -> list[Decimal]:
    """Tiers typed in 亿元 (0.5, 1, 5, 10; any of ，、; as separators) → 万元, ascending, no repeats."""
    parts = [p for p in text.replace("，", ",").replace("、", ",").replace(";", ",").split(",") if p.strip()]
    try:
        values = sorted({Decimal(p.strip()) * 10000 for p in parts})
    except InvalidOperation:
        raise ValueError("分档应为以逗号分隔的亿元数，如 0.5, 1, 5, 10。") from None
    if not 1 <= len(values) <= 6 or values[0] <= 0 or any(v != v.quantize(Decimal(1)) for v in values):
        raise ValueError("分档应为 1–6 个大于 0 的亿元数（最多 4 位小数），如 0.5, 1, 5, 10。")
    return [v.quantize(Decimal(1)) for v in values]


def save(tier_text: str, first: bool) -> None:
    values = parse_tiers(tier_text)
    for key, value in ((TIERS, ",".join(str(v) for v in values)), (TOTAL_FIRST, "1" if first else "0")):
        setting = db.session.get(Setting, key) or Setting(key=key)
        setting.value = value
        db.session.add(setting)
    db.session.flush()


def yi(wan: Decimal) -> str:
    """万元 as 亿元 written short: 5000 → 0.5, 10000 → 1."""
    return f"{(wan / 10000).normalize():f}"
