"""Django's locale formats for 'en': those of ``config.formats.base``."""

from config.formats.base import locale_formats

globals().update(locale_formats("en"))
