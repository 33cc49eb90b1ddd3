"""How a unit's reports count and lay out, as an admin sets them for its subtree: the 协议投资 tiers
that signed projects are counted by (亿元以上 is one), and whether 合计 stands first or last."""
from decimal import Decimal, InvalidOperation

from app import unit_settings

TIERS, TOTAL_FIRST = "report_tiers_wan", "report_total_first"
FORM_FIELDS = {TIERS: "tiers", TOTAL_FIRST: "total_first"}  # the settings page's fields
DEFAULT_TIERS = [Decimal(5000), Decimal(10000), Decimal(50000), Decimal(100000)]  # 0.5, 1, 5, 10 亿元


def tiers(unit_id: int) -> list[Decimal]:
    """The tiers in 万元, ascending, in force for the unit."""
    stored = unit_settings.in_force(unit_id, [TIERS]).get(TIERS)
    return [Decimal(v) for v in stored[0].split(",")] if stored else list(DEFAULT_TIERS)


def total_first(unit_id: int) -> bool:
    stored = unit_settings.in_force(unit_id, [TOTAL_FIRST]).get(TOTAL_FIRST)
    return bool(stored and stored[0] == "1")


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


def save(unit_id: int, tier_text: str | None, first: str | None) -> None:
    """Set the unit's own tiers and 合计's place ("1" first, "0" last); either left empty: the unit
    follows the units above it again."""
    tier_value = ",".join(str(v) for v in parse_tiers(tier_text)) if tier_text and tier_text.strip() else None
    if first not in (None, "", "0", "1"):
        raise ValueError("合计行位置无效。")
    unit_settings.save(unit_id, {TIERS: tier_value, TOTAL_FIRST: first or None})


def yi(wan: Decimal) -> str:
    """万元 as 亿元 written short: 5000 → 0.5, 10000 → 1."""
    return f"{(wan / 10000).normalize():f}"


def shown(stored: str) -> str:
    """A stored value in the words of the settings page."""
    if stored in ("0", "1"):
        return "首行" if stored == "1" else "末行"
    return ", ".join(yi(Decimal(v)) for v in stored.split(",")) + " 亿元"


def form_data(unit_id: int) -> dict[str, str]:
    """The unit's own values as the settings page shows them (blank: it follows the units above)."""
    own = unit_settings.own(unit_id, FORM_FIELDS)
    return {"tiers": ", ".join(yi(Decimal(v)) for v in own[TIERS].split(",")) if TIERS in own else "",
            "total_first": own.get(TOTAL_FIRST, "")}
