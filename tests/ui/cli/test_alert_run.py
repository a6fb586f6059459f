"""`brandpulse run` records its alerts and delivers each once: two cycles over a store with a volume spike
post one message to a real HTTP receiver (apprise's json://), and the history shows one alert seen twice.
Real processes, a real forum crawled over HTTP and the bundled model."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from store.db import session_scope
from store.models import AlertRecord
from tests.distributed.forum import serve_forum
from tests.factories import seed_mention_series
from tests.procutil import brandpulse_cmd
from tests.store.test_alert_delivery import alert_receiver
from tests.ui.cli.crawl_setup import cli_env

STEADY = [(4, 0), (5, 0), (4, 0), (5, 0), (4, 0), (5, 0), (4, 0)]


def test_two_run_cycles_deliver_the_alert_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'run.db'}"
    seed_mention_series(url, brand="Spiky", platform="ptt", now=datetime.now(UTC), daily=[(20, 0), *STEADY])
    with alert_receiver(monkeypatch) as receiver, serve_forum(pages=1) as forum:
        args = ", ".join(f"{k} = {json.dumps(v)}" for k, v in forum.generic_args().items())
        (tmp_path / "brandpulse.toml").write_text(
            '[[brands]]\nname = "Spiky"\nquery = \'"Spiky"\'\n\n'
            f'[[sources]]\nspider = "generic"\nargs = {{ {args} }}\n\n'
            f'[alerts]\nnotify = ["json://{receiver.base}/hook/s3cret"]\n',
            encoding="utf-8",
        )
        outputs = []
        for _ in range(2):
            done = subprocess.run(
                [*brandpulse_cmd(), "run"],
                cwd=tmp_path,
                env=cli_env(url),
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert done.returncode == 0, done.stdout + done.stderr
            outputs.append(done.stdout + done.stderr)
        received = list(receiver.received)

    assert len(received) == 1, outputs
    payload = received[0].json()
    assert payload["title"] == "brandpulse: 1 new alert"
    assert payload["message"].startswith("Volume spike: Spiky, all sources\n20 mentions in the last 24 h")
    first, second = outputs
    assert "Volume spike: Spiky, all sources (#1, new)" in first
    assert f"delivered 1 alert to json://{receiver.base}/***" in first
    assert "Volume spike: Spiky, all sources (#1, announced before)" in second and "delivered" not in second
    for out in outputs:
        assert "Traceback" not in out and "s3cret" not in out
    with session_scope(url) as session:
        (row,) = session.execute(select(AlertRecord)).scalars()
    assert (row.status, row.times_seen, row.delivery_status, row.delivery_attempts) == ("fired", 2, "sent", 1)
