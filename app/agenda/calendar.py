"""The calendar: a month or a week of follow-ups, visits and events on the page, and a personal feed of the
user's follow-ups (RFC 5545, icalendar) that Outlook, WPS and phone calendars subscribe to at a
secret URL. Only the secret's SHA-256 is kept; a new secret revokes the old. Never commits."""
import calendar as month_grid
import hashlib
import secrets
from datetime import date, timedelta

import icalendar
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.agenda.services import open_follow_ups
from app.auth.scope import scoped
from app.extensions import db
from app.models import Activity, Event, User, utcnow
from app.notify import link


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed(user: User) -> str:
    """A new secret for the user's feed, returned once; the old one stops working."""
    token = secrets.token_urlsafe(24)
    user.calendar_token_hash = _digest(token)
    db.session.flush()
    return token


def revoke_feed(user: User) -> None:
    user.calendar_token_hash = None
    db.session.flush()


def feed_owner(token: str) -> User | None:
    if not token or len(token) > 64:
        return None
    user = db.session.scalar(sa.select(User).where(User.calendar_token_hash == _digest(token)))
    return user if user is not None and user.is_active and user.role else None


def feed(user: User, base_url: str) -> bytes:
    """The user's open follow-ups as all-day events on their due dates."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//招商引资项目管理平台//跟进日历//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{user.display_name}的跟进")
    stamp = utcnow()
    for a in db.session.scalars(open_follow_ups(user, scope=False).options(selectinload(Activity.enterprises))
                                .order_by(Activity.next_follow_up_on, Activity.id).limit(2000)):
        event = icalendar.Event()
        event.add("uid", f"follow-up-{a.id}@zhaoshang")
        event.add("dtstamp", stamp)
        event.add("dtstart", a.next_follow_up_on)
        event.add("dtend", a.next_follow_up_on + timedelta(days=1))
        event.add("summary", f"跟进：{'、'.join(e.name for e in a.enterprises) or (a.summary or '')[:30]}")
        event.add("description", a.next_step or a.summary or "")
        event.add("url", base_url.rstrip("/") + link("activities.detail", activity_id=a.id))
        cal.add_component(event)
    return cal.to_ical()


def month(user: User, scope: bool, first: date) -> list[list[tuple[date, list[tuple[str, str, str]]]]]:
    """The weeks of the month (Monday first), each day with its items (kind, text, url)."""
    weeks = month_grid.Calendar().monthdatescalendar(first.year, first.month)
    items = _items(user, scope, weeks[0][0], weeks[-1][-1])
    return [[(day, items.get(day, [])) for day in week] for week in weeks]


def week(user: User, scope: bool, monday: date) -> list[tuple[date, list[tuple[str, str, str]]]]:
    """The seven days from ``monday``, each with its items."""
    days = [monday + timedelta(days=n) for n in range(7)]
    items = _items(user, scope, days[0], days[-1])
    return [(day, items.get(day, [])) for day in days]


def _items(user: User, scope: bool, first: date, last: date) -> dict[date, list[tuple[str, str, str]]]:
    """Each day's open follow-ups due, visits made and events held, between the dates."""
    items: dict[date, list] = {}
    for a in db.session.scalars(open_follow_ups(user, scope).where(Activity.next_follow_up_on.between(first, last))
                                .options(selectinload(Activity.enterprises)).limit(1000)):
        items.setdefault(a.next_follow_up_on, []).append(
            ("follow_up", f"跟进 {'、'.join(e.name for e in a.enterprises)}", link("activities.detail", activity_id=a.id)))
    visits = scoped(sa.select(Activity), user, Activity.unit_id) if scope else \
        sa.select(Activity).where(Activity.recorded_by_id == user.id)
    for a in db.session.scalars(visits.where(Activity.occurred_on.between(first, last))
                                .options(selectinload(Activity.enterprises)).limit(1000)):
        items.setdefault(a.occurred_on, []).append(
            ("visit", f"{a.kind_label} {'、'.join(e.name for e in a.enterprises)}", link("activities.detail", activity_id=a.id)))
    for e in db.session.scalars(scoped(sa.select(Event).where(Event.starts_on.between(first, last)), user,
                                       Event.unit_id).limit(500)):
        items.setdefault(e.starts_on, []).append(("event", e.name, link("events.detail", event_id=e.id)))
    return items
