"""Settings that hold for a unit's subtree (warning thresholds, report tiers): a unit's own value,
else its nearest ancestor's, else the default. A province sets them for every city; a city that
sets its own changes its subtree's and never the province's (its admin sees only its subtree).

The stored values are read once per request (a handful). A unit's ancestors are walked only for
keys some unit has set, and every unit's parent is read only where settings differ below the
roots (the warning rules then need the thresholds of every unit a list may show): a country has
5,000 units, which a project page read in 8 ms.
"""
import sqlalchemy as sa
from flask import g, has_request_context

from app.auth.scope import unit_ids_above
from app.extensions import db
from app.models import OrgUnit, UnitSetting


def _cached(name: str, read):
    if not has_request_context():
        return read()
    if name not in g:
        setattr(g, name, read())
    return getattr(g, name)


def parents() -> dict[int, int | None]:
    """Every unit's parent."""
    return _cached("unit_parents", lambda: dict(db.session.execute(sa.select(OrgUnit.id, OrgUnit.parent_id)).all()))


def _stored() -> dict[int, dict[str, str]]:
    def read():
        found: dict[int, dict[str, str]] = {}
        for unit_id, key, value in db.session.execute(sa.select(UnitSetting.unit_id, UnitSetting.key, UnitSetting.value)):
            found.setdefault(unit_id, {})[key] = value
        return found

    return _cached("unit_settings", read)


def own(unit_id: int, keys) -> dict[str, str]:
    """The values this unit set itself."""
    mine = _stored().get(unit_id, {})
    return {key: mine[key] for key in keys if key in mine}


def rows(unit_id: int, keys) -> list[UnitSetting]:
    """This unit's own rows of these keys (their versions make the settings page's version)."""
    return list(db.session.scalars(sa.select(UnitSetting).where(UnitSetting.unit_id == unit_id,
                                                                  UnitSetting.key.in_(list(keys)))))


def inherited(unit: OrgUnit, keys) -> dict[str, tuple[str, int]]:
    """What the unit would follow without its own values: its parent's in force."""
    return in_force(unit.parent_id, keys) if unit.parent_id is not None else {}


def in_force(unit_id: int, keys) -> dict[str, tuple[str, int]]:
    """For each key set at this unit or above: the value and the unit that set it. A key set
    nowhere is left out (the caller's default holds)."""
    stored, found = _stored(), {}
    if unit_id is None or not any(key in values for values in stored.values() for key in keys):
        return found  # set nowhere (the usual case): no need to walk up a country's tree
    for unit in [unit_id, *unit_ids_above(unit_id)]:
        for key, value in stored.get(unit, {}).items():
            if key in keys and key not in found:
                found[key] = (value, unit)
    return found


def number(unit_id: int, key: str, default: int) -> int:
    """A whole-number setting in force at this unit (its own, else the nearest above), else ``default``."""
    found = in_force(unit_id, [key]).get(key)
    return int(found[0]) if found else default


def overridden_below_root(keys) -> bool:
    """Whether any unit but a root sets one of these keys (else one value holds everywhere)."""
    return any(set(values) & set(keys) and db.session.get(OrgUnit, unit).parent_id is not None
               for unit, values in _stored().items())


def save(unit_id: int, values: dict[str, str | None]) -> None:
    """Set this unit's values; None takes its own value away (it inherits again). Audited."""
    for key, value in values.items():
        setting = db.session.get(UnitSetting, (unit_id, key))
        if value is None:
            if setting is not None:
                db.session.delete(setting)
        elif setting is None:
            db.session.add(UnitSetting(unit_id=unit_id, key=key, value=value))
        elif setting.value != value:
            setting.value = value
    db.session.flush()
    if has_request_context():
        g.pop("unit_settings", None)
