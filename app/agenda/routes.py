"""我的工作台, the notification centre, the calendar and its feed."""
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlencode

import sqlalchemy as sa
from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from app.agenda import bp, services
from app.agenda import calendar as calendars
from app.auth.decorators import public, roles_required
from app.auth.scope import get_scoped_or_404
from app.extensions import db
from app.models import Activity, Notification, SavedView, utcnow
from app.models.enums import Role
from app.web import back_to, is_local_url, paginate, saved

followers = roles_required(Role.ADMIN, Role.MANAGER, Role.OFFICER)


@bp.route("/")
@roles_required()
def index():
    today = date.today()
    scope = services.whole_scope(current_user, request.args.get("view"))
    return render_template("agenda/index.html", agenda=services.agenda(current_user, scope, today), scope=scope,
                           today=today, colleagues=services.colleagues(current_user),
                           may_act=lambda activity: services.may_act(current_user, activity))


@bp.route("/follow-ups/<int:activity_id>/<any(done, snooze, reassign):action>", methods=["POST"])
@followers
def follow_up(activity_id: int, action: str):
    """A follow-up done, put off (?days), or handed to a colleague (user_id), from the agenda."""
    activity = get_scoped_or_404(Activity, activity_id, current_user)
    if action == "done":
        saved(lambda: services.done(current_user, activity), "已标记跟进完成。", edits=activity)
    elif action == "snooze":
        days = request.form.get("days", "")
        saved(lambda: services.snooze(current_user, activity, int(days) if days.isdigit() else 0, date.today()),
              lambda _: f"已顺延至 {activity.next_follow_up_on}。", edits=activity)
    else:
        user_id = request.form.get("user_id", "")
        saved(lambda: services.reassign(current_user, activity, int(user_id) if user_id.isdigit() else None),
              lambda colleague: f"已转交{colleague.display_name}跟进。", edits=activity)
    return back_to("agenda.index")


@bp.route("/notifications")
@roles_required()
def notifications():
    stmt = sa.select(Notification).where(Notification.user_id == current_user.id).order_by(Notification.id.desc())
    return render_template("agenda/notifications.html", pagination=paginate(stmt))


@bp.route("/notifications/<int:notification_id>")
@roles_required()
def open_notification(notification_id: int):
    """Follow a notification's link; it is read from then on."""
    note = db.session.scalar(sa.select(Notification).where(Notification.id == notification_id,
                                                            Notification.user_id == current_user.id)) or abort(404)
    if note.read_at is None:
        note.read_at = utcnow()
        db.session.commit()
    return redirect(note.url if is_local_url(note.url) else url_for("agenda.index"))


@bp.route("/notifications/read", methods=["POST"])
@roles_required()
def read_all():
    db.session.execute(sa.update(Notification).where(Notification.user_id == current_user.id,
                                                     Notification.read_at.is_(None)).values(read_at=utcnow()))
    db.session.commit()
    return redirect(url_for("agenda.notifications"))


@bp.route("/calendar")
@roles_required()
def calendar():
    """日历: a month (?month=YYYY-MM) or a week (?week=YYYY-MM-DD, any day of it) of follow-ups,
    visits and events."""
    today = date.today()
    scope = services.whole_scope(current_user, request.args.get("view"))
    if "week" in request.args:
        try:
            day = date.fromisoformat(request.args["week"])
        except ValueError:
            day = today
        monday = day - timedelta(days=day.weekday())
        return render_template("agenda/week.html", days=calendars.week(current_user, scope, monday), monday=monday,
                               before=monday - timedelta(days=7), after=monday + timedelta(days=7), scope=scope, today=today)
    raw = request.args.get("month", "")
    try:
        first = date.fromisoformat(raw + "-01") if raw else today.replace(day=1)
    except ValueError:
        first = today.replace(day=1)
    before, after = (first - timedelta(days=1)).replace(day=1), (first + timedelta(days=32)).replace(day=1)
    return render_template("agenda/calendar.html", weeks=calendars.month(current_user, scope, first), first=first,
                           before=before, after=after, scope=scope, today=today)


@bp.route("/feed", methods=["GET", "POST"])
@roles_required()
def feed_settings():
    """订阅日历: make (or remake) the secret feed URL, shown once; or revoke it."""
    user = current_user._get_current_object()
    url = None
    if request.method == "POST":
        if request.form.get("action") == "revoke":
            saved(lambda: calendars.revoke_feed(user), "已停用日历订阅地址。")
        else:
            token = {}
            if saved(lambda: token.setdefault("value", calendars.new_feed(user)), "已生成新的订阅地址，原地址已失效。"):
                url = url_for("agenda.feed", token=token["value"], _external=True)
    return render_template("agenda/feed.html", url=url, active=user.calendar_token_hash is not None)


@bp.route("/feed/<token>.ics")
@public
def feed(token: str):
    """The subscribed calendar: the secret in the URL is the only credential (revocable)."""
    user = calendars.feed_owner(token) or abort(404)
    return Response(calendars.feed(user, request.host_url), mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="zhaoshang.ics"'})


@bp.route("/views", methods=["POST"])
@roles_required()
def save_view():
    """我的视图: the list's filters as they are now, saved under a name."""
    endpoint = request.form.get("endpoint", "")
    query = urlencode([(k, v) for k, v in parse_qsl(request.form.get("query", "").lstrip("?")) if k != "page"])
    if saved(lambda: services.save_view(current_user, endpoint, request.form.get("name", ""), query),
             lambda view: f"已保存视图“{view.name}”。") and endpoint in services.VIEW_LISTS:
        return redirect(url_for(endpoint) + (f"?{query}" if query else ""))
    return back_to("agenda.index")


@bp.route("/views/<int:view_id>/delete", methods=["POST"])
@roles_required()
def delete_view(view_id: int):
    view = db.session.scalar(sa.select(SavedView).where(SavedView.id == view_id,
                                                        SavedView.user_id == current_user.id)) or abort(404)
    saved(lambda: db.session.delete(view), f"已删除视图“{view.name}”。")
    return back_to("agenda.index")
