from wtforms import BooleanField, SelectField, StringField

from app.forms import Form
from app.reports.monthly import AMOUNT_UNITS


class MonthlyReportForm(Form):
    """What the month's report covers; in the URL (a download, nothing is written)."""

    class Meta:
        csrf = False

    month = StringField("月份")
    unit = SelectField("单位（含下级）")
    pending = BooleanField("计入待审核记录")
    big = BooleanField("只计亿元以上项目")
    amount_unit = SelectField("汇总金额单位", choices=[(u, u) for u in AMOUNT_UNITS], default="万元")
