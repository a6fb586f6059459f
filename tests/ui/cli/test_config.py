"""Configuration: the example parses, bad keys fail at start naming the key, env overrides the URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ui.cli.app import app
from ui.config import EXAMPLE_CONFIG, ConfigError, load_config

runner = CliRunner()


def test_init_writes_an_example_that_validates(tmp_path: Path) -> None:
    path = tmp_path / "brandpulse.toml"
    result = runner.invoke(app, ["init", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == EXAMPLE_CONFIG
    cfg = load_config(path)
    assert [b.name for b in cfg.brands] == ["Glow Lab", "Aqua Veil"]
    assert cfg.sources[0].spider_args() == {"boards": "MakeUp", "max_pages": "3"}
    assert runner.invoke(app, ["init", str(path)]).exit_code != 0  # no silent overwrite


def test_the_examples_commented_campaigns_section_loads_when_uncommented(tmp_path: Path) -> None:
    """The [campaigns] block of the example, uncommented as a user would, is valid and maps as it says."""
    lines = EXAMPLE_CONFIG.splitlines()
    start = lines.index("# [campaigns]")
    block = []
    for line in lines[start:]:
        if not line.startswith("#"):
            break
        block.append(line[2:] if line.startswith("# ") else "")
    path = tmp_path / "campaigns.toml"
    path.write_text("\n".join(block) + "\n", encoding="utf-8")
    cfg = load_config(path)
    assert (cfg.campaigns.before_days, cfg.campaigns.after_days) == (14, 14)
    rules = cfg.campaigns.rules()
    assert rules.utm_campaign == (("glow_spring_26", "Spring Glow"),)
    assert rules.utm_content == (("minji_reel", "@minji"),)
    assert [(r.prefix, r.influencer, r.campaign) for r in rules.codes] == [("MINJI", "@minji", "Spring Glow")]
    # Commented out, the example runs on the defaults: windows as long as the campaign, no mapping.
    example = tmp_path / "example.toml"
    example.write_text(EXAMPLE_CONFIG, encoding="utf-8")
    assert load_config(example).campaigns.rules().codes == ()
    assert "markets = [" in EXAMPLE_CONFIG and "regions = [" in EXAMPLE_CONFIG


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('[[brands]]\nname = "X"\nquery = \'"glow lab" OR\'\n', "brands.0.query: invalid boolean query"),
        ('[[brands]]\nname = "X"\n', "brands.0.query: Field required"),
        ("[model]\nspam_threshold = 2\n", "model.spam_threshold"),
        ('[[sources]]\nspider = "reddit"\n', "sources.0.spider: unknown spider 'reddit'"),
        ('[databse]\nurl = "x"\n', "databse: unknown key"),
        ('[[brands]]\nname = "A"\nquery = "a"\n[[brands]]\nname = "a"\nquery = "b"\n', "listed twice"),
        ("[model\n", "TOML syntax error"),
        ("[alerts]\nmax_quarantine_share = 20\n", "alerts.max_quarantine_share"),  # a share, not a percent
    ],
)
def test_invalid_configuration_names_the_key(tmp_path: Path, toml: str, expected: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid configuration") as info:
        load_config(path)
    assert expected in str(info.value)
    result = runner.invoke(app, ["label", "--config", str(path)])
    assert result.exit_code == 2
    assert expected in result.output


def test_environment_overrides_database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[database]\nurl = "sqlite:///from-config.db"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    # A relative SQLite path is resolved once, so every process of brandpulse opens the same file.
    assert load_config(path).database_url == f"sqlite:///{tmp_path / 'from-config.db'}"
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert load_config(path).database_url == "postgresql+psycopg://u@h/db"


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")


BRANDS_TOML = (
    '[[brands]]\nname = "Glow Lab"\nquery = "glow"\n[[brands]]\nname = "Aqua Veil"\nquery = "aqua"\n'
)


def test_home_brand_names_a_configured_brand(tmp_path: Path) -> None:
    path = tmp_path / "home.toml"
    path.write_text('home_brand = "glow lab"\n' + BRANDS_TOML, encoding="utf-8")
    assert load_config(path).home_brand == "Glow Lab"  # spelled as in [[brands]]
    path.write_text(BRANDS_TOML, encoding="utf-8")
    assert load_config(path).home_brand is None  # absent: the dashboard opens on the busiest brand


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        (
            'home_brand = "Petal Theory"\n' + BRANDS_TOML,
            "home_brand: 'Petal Theory' is not a configured brand (brands: 'Glow Lab', 'Aqua Veil')",
        ),
        (
            'home_brand = "Glow Lab"\n',
            "home_brand: 'Glow Lab' is not a configured brand (brands: none configured)",
        ),
        ('home_brand = "Glow\\nLab"\n' + BRANDS_TOML, "home_brand: contains control characters"),
        ("home_brand = 3\n" + BRANDS_TOML, "home_brand: Input should be a valid string"),
    ],
)
def test_home_brand_that_is_not_a_brand_stops_at_start(tmp_path: Path, toml: str, expected: str) -> None:
    path = tmp_path / "bad-home.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert expected in str(info.value)
