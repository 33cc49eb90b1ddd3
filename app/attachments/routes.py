from flask import send_file
from flask_login import current_user

from app.attachments import bp
from app.attachments.services import path_of
from app.auth.decorators import roles_required
from app.auth.scope import get_scoped_or_404
from app.extensions import db
from app.models import Activity, Attachment

# The records attachments may belong to; the file is visible exactly where its record is.
OWNERS = {"Activity": Activity}


@bp.route("/<int:attachment_id>")
@roles_required()
def download(attachment_id: int):
    attachment = db.get_or_404(Attachment, attachment_id)
    get_scoped_or_404(OWNERS[attachment.owner_type], attachment.owner_id, current_user)
    return send_file(path_of(attachment), mimetype=attachment.content_type, as_attachment=True,
                     download_name=attachment.name)
