"""Django's locale formats for 'sv': those of ``config.formats.base``."""

from config.formats.base import locale_formats

globals().update(locale_formats("sv"))
