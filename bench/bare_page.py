"""The baseline page of bench/throughput.py: 20 rows of the enterprise table in a Jinja table,
through SQLAlchemy Core and nothing else of the app (no login, no layout), served by the same
gunicorn settings: ``gunicorn bench.bare_page:app`` with CRM_DATABASE_URL set."""
import os

import sqlalchemy as sa
from flask import Flask, render_template_string

app = Flask(__name__)
engine = sa.create_engine(os.environ["CRM_DATABASE_URL"])

TABLE = """<!doctype html><title>企业</title><table>
{% for row in rows %}<tr><td>{{ row.id }}</td><td>{{ row.name }}</td><td>{{ row.uscc }}</td>
<td>{{ row.industry_code }}</td><td>{{ row.city }}</td></tr>{% endfor %}</table>"""


@app.route("/")
def page():
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT id, name, uscc, industry_code, city FROM enterprise "
                                          "ORDER BY id DESC LIMIT 20")).all()
    return render_template_string(TABLE, rows=rows)
