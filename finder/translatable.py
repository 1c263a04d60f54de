"""`N_`: marks a French label for the public site's catalogues (`make translations`
extracts it) without translating it here: nothing below finder/web/ imports Flask, so
the views translate these labels for the request's language (web/i18n.py)."""


def N_(text: str) -> str:
    return text


def french(text: str, **params) -> str:
    """gettext's shape for French, the reference: the msgid itself, with its parameters."""
    return text % params if params else text
