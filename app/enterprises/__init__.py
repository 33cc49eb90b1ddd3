from flask import Blueprint

bp = Blueprint("enterprises", __name__, url_prefix="/enterprises")

from app.enterprises import importer, routes, services  # noqa: E402,F401

bp.add_app_template_global(services.verified_exceptions, "verified_uscc")
