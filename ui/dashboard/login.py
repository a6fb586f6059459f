"""The dashboard's password gate.

A dashboard reachable from other machines shows triage and label corrections to whoever finds the port, so
``brandpulse ui --host`` anything but a loopback address refuses to start without a password, and the app
then shows a password form and nothing else until it is given. The password comes from
``BRANDPULSE_UI_PASSWORD`` or ``ui_password`` in Streamlit's secrets (``.streamlit/secrets.toml``); once
one is set, the dashboard asks for it on any address.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time

PASSWORD_ENV = "BRANDPULSE_UI_PASSWORD"
SECRET_KEY = "ui_password"
_SESSION_KEY = "brandpulse_logged_in"
# A wrong password costs this long: guessing over the network stays slow.
_WRONG_PASSWORD_DELAY = 1.0


def is_loopback(host: str | None) -> bool:
    """Whether binding to ``host`` keeps the dashboard on this machine.

    >>> [is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "127.0.1.1", "0.0.0.0", "", "10.0.0.5")]
    [True, True, True, True, False, False, False]
    """
    if not host:
        return False  # no address: every interface
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def configured_password() -> str | None:
    """The dashboard password: ``BRANDPULSE_UI_PASSWORD``, else Streamlit's ``ui_password`` secret."""
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    try:
        import streamlit as st

        secret = st.secrets.get(SECRET_KEY)
    except Exception:  # noqa: BLE001 - no secrets file, or one that does not parse: no password from there
        return None
    return str(secret) if secret else None


def password_matches(given: str, expected: str) -> bool:
    """Compared in constant time, so the time an answer takes says nothing about the password."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def login_gate(bind_address: str | None) -> None:
    """Stop the script (``st.stop``) until the session has given the password, when one is configured or the
    dashboard is bound to a non-loopback ``bind_address``; without a password in the latter case, stop with
    an error and show nothing else."""
    import streamlit as st

    password = configured_password()
    if password is None:
        if bind_address and not is_loopback(bind_address):
            st.error(
                f"This dashboard is reachable from other machines ({bind_address}) and has no password: set "
                f"{PASSWORD_ENV} or `{SECRET_KEY}` in .streamlit/secrets.toml, or bind it to 127.0.0.1."
            )
            st.stop()
        return
    if st.session_state.get(_SESSION_KEY):
        with st.sidebar:
            if st.button("Log out", key="brandpulse_logout"):
                st.session_state[_SESSION_KEY] = False
                st.rerun()
        return
    st.title("brandpulse")
    with st.form("brandpulse_login", clear_on_submit=True):
        given = st.text_input("Password", type="password", key="brandpulse_password")
        submitted = st.form_submit_button("Log in")
    if submitted:
        if password_matches(given or "", password):
            st.session_state[_SESSION_KEY] = True
            st.rerun()
        time.sleep(_WRONG_PASSWORD_DELAY)
        st.error("Wrong password.")
    st.stop()
