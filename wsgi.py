"""WSGI entry point: ``gunicorn wsgi:app`` and ``flask --app wsgi``."""
import gc

import sqlalchemy.orm

from app import create_app

app = create_app()
# What the app keeps for its lifetime (modules, mappers) leaves the cyclic garbage collector's
# scans: a full collection over it paused a request for about 60 ms, one request in thirty.
sqlalchemy.orm.configure_mappers()
gc.freeze()
