"""Each setting the account controls read from the environment is in .env.example and
docs/configuration.md."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
ACCOUNT_SETTINGS = [
    "CAREHUB_TRUSTED_PROXY_COUNT",
    "SIGN_IN_FAILURE_LIMIT",
    "SIGN_IN_LOCKOUT_MINUTES",
    "SESSION_IDLE_MINUTES",
    "SESSION_MAX_HOURS",
]


@pytest.mark.parametrize("name", ACCOUNT_SETTINGS)
def test_the_setting_is_read_from_the_environment_and_documented(name):
    assert f'env_int("{name}"' in (ROOT / "carehub" / "settings.py").read_text()
    assert f"\n{name}=" in (ROOT / ".env.example").read_text()
    assert f"| `{name}` |" in (ROOT / "docs" / "configuration.md").read_text()


def test_every_test_named_in_the_security_doc_exists():
    """docs/security.md says which test proves each control: those tests exist."""
    doc = (ROOT / "docs" / "security.md").read_text()
    named, current = [], None
    for path, name in re.findall(r"`(tests/[\w/]+\.py)?::(test_\w+)`", doc):
        current = path or current
        named.append((current, name))
    assert len(named) > 40
    missing = [
        f"{path}::{name}"
        for path, name in named
        if not re.search(rf"^def {name}\(", (ROOT / path).read_text(), re.MULTILINE)
    ]
    assert not missing
