"""The Campaigns page's before / during / after section and the A/B comparison page, run by Streamlit's
AppTest on the campaign_quarter fixture (tests/fixtures/campaign_quarter/) imported through the real commands.
The numbers are those worked out by hand in tests/ui/cli/test_campaign_quarter.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from typer.testing import CliRunner

from tests.ui.dashboard.apptest import open_app
from ui.cli.app import app
from ui.dashboard.campaign_charts import PHASE_TITLE

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "campaign_quarter"


@pytest.fixture
def quarter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The quarter in a SQLite file; its configuration as ./brandpulse.toml (the dashboard reads it)."""
    url = f"sqlite:///{tmp_path / 'quarter.db'}"
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    shutil.copy(FIXTURE / "campaign_quarter.toml", tmp_path / "brandpulse.toml")
    runner = CliRunner()
    for kind, name in [
        ("posts", "posts.csv"),
        ("mentions", "comments.csv"),
        ("campaigns", "campaigns.csv"),
        ("traffic", "traffic.csv"),
        ("codes", "codes.csv"),
    ]:
        result = runner.invoke(app, ["import", kind, str(FIXTURE / name)])
        assert result.exit_code == 0, result.output
    return url


def _all_time(page: str):  # type: ignore[no-untyped-def]
    at = open_app()
    at.session_state["period"] = "all-time"  # the fixture is January-March 2026
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_phase_chart_marks_the_three_windows(quarter: str) -> None:
    """Spring Glow runs 1-14 Feb: the chart's bands are 18-31 Jan, 1-14 Feb and 15-28 Feb (each band ends
    the day after its last day), over one bar per day of 18 Jan - 28 Feb (42 days); the table holds the hand
    figures: mentions 4 / 10 / 6, changes +6 and +2."""
    at = _all_time("views/campaigns.py")
    charts = [c for c in at.get("vega_lite_chart") if json.loads(c.proto.spec).get("title") == PHASE_TITLE]
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    # Streamlit sends the data beside the spec, as Arrow; the layers in order: bands, then bars.
    frames = {d.name: convert_arrow_bytes_to_pandas_df(d.data.data) for d in charts[0].proto.datasets}
    bands, bars = (frames[layer["data"]["name"]] for layer in spec["layer"])
    windows = zip(bands["phase"], bands["start"], bands["end"], strict=True)
    assert [(p, str(s)[:10], str(e)[:10]) for p, s, e in windows] == [
        ("before", "2026-01-18", "2026-02-01"),
        ("during", "2026-02-01", "2026-02-15"),
        ("after", "2026-02-15", "2026-03-01"),
    ]
    assert len(bars) == 42 and bars["mentions"].sum() == 4 + 10 + 6
    table = next(df for df in at.dataframe if "during_change" in df.value.columns).value
    mentions = table[table["figure"] == "Mentions"].iloc[0]
    assert (mentions["before"], mentions["during"], mentions["after"]) == (4, 10, 6)
    assert (mentions["during_change"], mentions["after_change"]) == (6, 2)
    net = table[table["figure"] == "Net sentiment"].iloc[0]
    assert (net["before"], net["during"]) == pytest.approx((-25.0, 50.0))
    # The campaign table takes ROI from the attributed traffic and codes: @minji −22 %, @hana −27.9 %.
    campaigns = next(df for df in at.dataframe if "roi" in df.value.columns).value
    assert sorted(campaigns["roi"].dropna().round(1)) == [-27.9, -22.0]
    # The google/cpc traffic tags Spring Glow only: a campaign-level row, revenue 40, no ROI.
    level = campaigns[campaigns["influencer"] == "— (campaign-level traffic)"]
    assert list(level["revenue"]) == [40.0] and level["roi"].isna().all()


def test_ab_page_verdicts(quarter: str) -> None:
    """Influencers @hana (baseline, first in name order) and @minji: @hana's QW-ER is higher, but 2 posts a
    side are too few for a bootstrap verdict (8 per group); its CTR higher, significant (Wilson/Newcombe)."""
    at = _all_time("views/compare.py")
    verdicts = [t.value for t in at.text]
    assert (
        "@hana's QW-ER is higher; too few posts to tell whether the difference is significant at 95 % "
        "(@hana 2, @minji 2; 8 per group needed)."
    ) in verdicts
    assert "@hana's CTR is higher; the difference is significant at 95 %." in verdicts
    assert len(at.get("vega_lite_chart")) == 5
