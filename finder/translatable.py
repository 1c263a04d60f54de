"""`N_`: marks a French label for the public site's catalogues (`make translations`
extracts it) without translating it here: nothing below finder/web/ imports Flask, so
the views translate these labels for the request's language (web/i18n.py)."""


def N_(text: str) -> str:
    return text


def french(text: str, **params) -> str:
    """gettext's shape for French, the reference: the msgid itself, with its parameters."""
    return text % params if params else text


class Said(str):
    """A French message (a str, read as before by the import, the CLI and the admin) that
    keeps its msgid and parameters, so that a public view can say it in the page's
    language (web/i18n.say). Parameters may be Said themselves (a reason inside a
    message). `Said(N_("texte %(x)s"), x=…)`: N_ marks it for the catalogues."""

    def __new__(cls, msgid: str, **params):
        self = super().__new__(cls, french(msgid, **params))
        self.msgid, self.params = msgid, params
        return self

    def __reduce__(self):
        return (_said, (self.msgid, self.params))


def _said(msgid: str, params: dict) -> "Said":
    return Said(msgid, **params)
