"""The base of every form: WTForms' own messages in Chinese."""
from flask_wtf import FlaskForm
from wtforms import DecimalField
from wtforms.validators import NumberRange, Optional


class Form(FlaskForm):
    class Meta:
        locales = ("zh",)  # WTForms ships these translations; WTF_I18N_ENABLED is off (no Babel)

    def valid_data(self) -> dict:
        """Each field's data, leaving out the fields that failed validation: a list ignores a
        malformed filter in its URL rather than failing."""
        return {name: field.data for name, field in self._fields.items() if not field.errors}


def non_negative(label: str) -> DecimalField:
    """An optional amount or quantity (two decimals) that may not be negative."""
    return DecimalField(label, places=2, validators=[
        Optional(), NumberRange(min=0, max=10**12, message=f"{label.split('（')[0]}不能为负数")])
