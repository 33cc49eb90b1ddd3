import re
from pathlib import Path

from flask import abort, redirect, send_file, url_for
from flask_login import current_user

from app.attachments import bp
from app.attachments.services import VIEWABLE, source_of
from app.auth.decorators import roles_required
from app.auth.scope import get_scoped_or_404
from app.extensions import db
from app.models import Activity, Attachment, FundEntry, Project, ProjectProblem, StageEvent, Supervision
from app.web import send_download

# The records attachments may belong to; the file is visible exactly where its record is. Stage
# events and fund entries are seen through their project.
OWNERS = {"Activity": Activity, "StageEvent": StageEvent, "FundEntry": FundEntry, "ProjectProblem": ProjectProblem,
          "Supervision": Supervision}


def _visible(attachment_id: int) -> Attachment:
    """The attachment if the user may see its record; 404 otherwise."""
    attachment = db.get_or_404(Attachment, attachment_id)
    owner_model = OWNERS[attachment.owner_type]
    if hasattr(owner_model, "unit_id"):
        get_scoped_or_404(owner_model, attachment.owner_id, current_user)
    else:
        owner = db.session.get(owner_model, attachment.owner_id) or abort(404)
        get_scoped_or_404(Project, owner.project_id, current_user)
    return attachment


@bp.route("/<int:attachment_id>/view")
@roles_required()
def view(attachment_id: int):
    """Evidence looked at in the browser (a reviewer's thumbnails, a PDF in its viewer); other
    kinds are downloaded as usual. The file gets a policy of its own: it runs nothing."""
    attachment = _visible(attachment_id)
    if attachment.content_type not in VIEWABLE:
        return redirect(url_for("attachments.download", attachment_id=attachment.id))
    response = send_file(source_of(attachment), mimetype=attachment.content_type, download_name=attachment.name)
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; object-src 'self'"
    return response


@bp.route("/<int:attachment_id>")
@roles_required()
def download(attachment_id: int):
    attachment = _visible(attachment_id)
    suffix = re.sub(r"[^0-9A-Za-z.]", "", Path(attachment.name).suffix)
    return send_download(source_of(attachment), attachment.content_type, attachment.name, f"attachment-{attachment.id}{suffix}")
