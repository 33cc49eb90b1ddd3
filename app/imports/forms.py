from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField

from app.forms import Form


class UploadForm(Form):
    file = FileField("Excel 文件（.xlsx、.xls 或 .csv，不超过 20 MB、50,000 行）", validators=[FileRequired("请选择文件")])


class CommitForm(Form):
    skip_errors = BooleanField("跳过错误行，只导入无误的行")
    confirm_unmapped = BooleanField("我已确认上述列不导入")
