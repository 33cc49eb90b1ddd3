"""招商引资项目管理平台."""
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import config as app_config


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(app_config.Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("CRM")
    else:
        app.config.update(test_config)
    app_config.finish(app.config, app.instance_path)
    if app.config["PROXY_COUNT"]:
        # The real client address, for the login lock-out, comes from the proxy's header.
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    from app import audit_trail, cli, jobs, personal, revision, storage, tally, web
    from app.enterprises import search
    from app.extensions import csrf, db, limiter, login_manager, migrate, openapi

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    audit_trail.install(app)
    tally.install(app)  # before revision's: its writes belong to a commit that changed records
    revision.install(app)
    search.install()
    web.init_app(app)
    personal.init_app(app)
    cli.init_app(app)
    jobs.init_app(app)
    storage.init_app(app)

    from app import (
        activities,
        admin,
        agenda,
        api,
        assessment,
        attachments,
        audit,
        auth,
        chains,
        dashboard,
        enterprises,
        errors,
        events,
        imports,
        leaders,
        parks,
        problems,
        projects,
        reports,
        search,
        security,
        supervision,
        webhooks,
        weekly,
    )

    app.json.ensure_ascii = False  # JSON in UTF-8 as it is read: 汾酒, not \u6c7e\u9152
    openapi.ERROR_SCHEMA = api.schemas.Problem
    openapi.init_app(app)  # before the error pages: their handler of every HTTP error is the one that holds
    openapi.register_field(api.schemas.Amount, "string", "decimal")
    openapi.register_blueprint(api.bp)
    api.docs.init_app(app)
    for module in (auth, agenda, dashboard, enterprises, projects, problems, supervision, leaders, assessment, activities,
                   events, parks, chains, reports, imports, attachments, search, admin, webhooks, security, audit, weekly,
                   errors):
        app.register_blueprint(module.bp)
    imports.jobs.init_app(app)
    webhooks.services.init_app(app)
    return app
