"""The base of every form: WTForms' own messages in Chinese."""
from flask_wtf import FlaskForm


class Form(FlaskForm):
    class Meta:
        locales = ("zh",)  # WTForms ships these translations; WTF_I18N_ENABLED is off (no Babel)

    def valid_data(self) -> dict:
        """Each field's data, leaving out the fields that failed validation: a list ignores a
        malformed filter in its URL rather than failing."""
        return {name: field.data for name, field in self._fields.items() if not field.errors}
