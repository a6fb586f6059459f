"""The configuration of alerts and display time: ``[alerts] notify`` (apprise URLs, checked at start and never
echoed with their secrets), ``reach_threshold``, ``cooldown_hours`` and ``[ui] timezone``."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from store.alerts import AlertSettings
from ui.cli.app import app
from ui.config import EXAMPLE_CONFIG, ConfigError, parse_config

runner = CliRunner()


def test_the_alert_keys_reach_the_rules() -> None:
    cfg = parse_config(
        {
            "alerts": {
                "reach_threshold": 50,
                "cooldown_hours": 0,
                "notify": ["json://127.0.0.1:8000/hook", "mailto://ana:app-pass@gmail.com"],
            },
            "ui": {"timezone": "Asia/Ho_Chi_Minh"},
        }
    )
    assert cfg.alerts.settings() == AlertSettings(reach_threshold=50, cooldown_hours=0.0)
    assert cfg.alerts.notify == ["json://127.0.0.1:8000/hook", "mailto://ana:app-pass@gmail.com"]
    assert cfg.ui.timezone == "Asia/Ho_Chi_Minh"
    example = parse_config(tomllib.loads(EXAMPLE_CONFIG))
    assert (example.ui.timezone, example.alerts.notify, example.alerts.settings()) == (
        "UTC",
        [],
        AlertSettings(),
    )


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            '[alerts]\nnotify = ["json://127.0.0.1/ok", "nosuch://user:s3cret@host/x"]\n',
            "alerts.notify: entry 2: ",
        ),
        ('[alerts]\nnotify = ["slack://only-0ne-t0ken"]\n', "alerts.notify: entry 1: slack://*** is not a"),
        (
            "[alerts]\ncooldown_hours = -1\n",
            "alerts.cooldown_hours: Input should be greater than or equal to 0",
        ),
        (
            "[alerts]\nreach_threshold = 0\n",
            "alerts.reach_threshold: Input should be greater than or equal to 1",
        ),
        ('[ui]\ntimezone = "Mars/Olympus_Mons"\n', "ui.timezone: unknown time zone 'Mars/Olympus_Mons'"),
        ('[ui]\ntimezone = "KST"\n', "ui.timezone: unknown time zone 'KST': use an IANA name"),
    ],
)
def test_bad_alert_and_ui_keys_stop_every_command_naming_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, section: str, message: str
) -> None:
    config = tmp_path / "brandpulse.toml"
    config.write_text(section, encoding="utf-8")
    monkeypatch.setenv("BRANDPULSE_CONFIG", str(config))
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    result = runner.invoke(app, ["alerts"])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    for secret in ("s3cret", "t0ken", "user:"):
        assert secret not in result.output
    with pytest.raises(ConfigError):
        parse_config(tomllib.loads(section))
