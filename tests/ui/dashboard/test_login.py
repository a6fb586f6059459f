"""The dashboard's password gate, run by Streamlit's AppTest against the seeded store: nothing but the form
before the password, the dashboard after it; and no dashboard at all on a public address without one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from tests.ui.dashboard.apptest import APP, TIMEOUT
from ui.dashboard.login import PASSWORD_ENV, is_loopback, password_matches

PASSWORD = "correct horse battery"


def _everything_shown(at: AppTest) -> str:
    """Every text element's value and every widget's label, main area and sidebar."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "error", "info", "warning"):
        parts += [str(e.value) for e in at.get(kind)]
    for kind in ("text_input", "selectbox", "button", "metric", "radio", "multiselect"):
        parts += [str(e.label) for e in at.get(kind)]
    parts += [str(e.value) for e in at.sidebar.get("caption")]
    return "\n".join(parts)


def _data_elements(at: AppTest) -> int:
    return sum(len(at.get(k)) for k in ("metric", "dataframe", "vega_lite_chart", "selectbox", "table"))


@pytest.fixture
def bind_address() -> Iterator[Any]:
    """Set Streamlit's server.address for one test (AppTest runs the script in this process)."""
    before = st_config.get_option("server.address")

    def set_to(value: str | None) -> None:
        st_config.set_option("server.address", value)

    yield set_to
    st_config.set_option("server.address", before)


def test_nothing_but_the_form_until_the_password_is_given(
    seeded: dict[str, Any], monkeypatch: pytest.MonkeyPatch, bind_address: Any
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    bind_address("0.0.0.0")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.label for t in at.text_input] == ["Password"]
    assert at.text_input[0].proto.type == at.text_input[0].proto.PASSWORD
    assert _data_elements(at) == 0
    shown = _everything_shown(at)
    for secret in [*seeded["brands"], seeded["negative_text"], "ui.db", "Database", "Period", "Overview"]:
        assert secret not in shown, secret

    at.text_input[0].input("wrong password")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["Wrong password."]
    assert _data_elements(at) == 0
    assert "Glow Lab" not in _everything_shown(at)

    at.text_input[0].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.text_input, "the form is gone"
    assert at.selectbox(key="overview_brand").value == "Glow Lab"
    assert {m.label: m.value for m in at.metric}["Mentions"] == "6"
    assert "Log out" in [b.label for b in at.sidebar.button]

    # Still logged in on the next page, until logging out.
    at.switch_page("views/negative_feed.py").run()
    assert not at.exception and [t.value for t in at.title] == ["Negative feed"]
    at.sidebar.button(key="brandpulse_logout").click().run()
    assert [t.label for t in at.text_input] == ["Password"]
    assert _data_elements(at) == 0


def test_a_public_address_without_a_password_shows_only_an_error(
    seeded: dict[str, Any], monkeypatch: pytest.MonkeyPatch, bind_address: Any
) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    bind_address("0.0.0.0")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert len(at.error) == 1 and PASSWORD_ENV in at.error[0].value
    assert _data_elements(at) == 0 and not at.text_input
    assert "Glow Lab" not in _everything_shown(at)


def test_localhost_without_a_password_opens_directly(
    seeded: dict[str, Any], monkeypatch: pytest.MonkeyPatch, bind_address: Any
) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    bind_address("127.0.0.1")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception and not at.error
    assert at.selectbox(key="overview_brand").value == "Glow Lab"


def test_loopback_addresses_and_password_comparison() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "LOCALHOST", "::1", "[::1]", "127.0.0.2"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "", None, "192.168.1.4", "example.com"))
    assert password_matches("pässword", "pässword")
    assert not password_matches("password", "pässword")
    assert not password_matches("", "x")
