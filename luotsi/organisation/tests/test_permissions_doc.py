from pathlib import Path

from django.conf import settings

from luotsi.organisation.permissions import markdown_table


def test_permissions_doc__matches_the_role_action_table():
    text = (Path(settings.BASE_DIR) / "docs" / "permissions.md").read_text(encoding="utf-8")
    start = text.index("<!-- permissions-table -->") + len("<!-- permissions-table -->")
    end = text.index("<!-- /permissions-table -->")
    assert text[start:end].strip() == markdown_table().strip()
