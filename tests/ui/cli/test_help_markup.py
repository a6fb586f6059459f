"""Help texts keep their config section names: Rich reads an unescaped ``[campaigns]`` as markup and drops it
("through [] prefixes"), so every ``[section]`` in a command's or option's help is written ``\\[section]``."""

from __future__ import annotations

import re
from typing import Any

import typer.main

from ui.cli.app import app

# "[name]", "[name.sub]" or "[[name.sub]]" not preceded by a backslash; "[x>=1]"-style ranges are typer's own.
UNESCAPED = re.compile(r"(?<!\\)\[\[?[a-z_]+(\.[a-z_]+)?\]")


def _commands(group: Any, prefix: str = "") -> dict[str, Any]:
    """Every command under ``group`` by its full name ("import codes")."""
    found: dict[str, Any] = {}
    for name, cmd in group.commands.items():
        found[prefix + name] = cmd
        if getattr(cmd, "commands", None):
            found |= _commands(cmd, f"{prefix}{name} ")
    return found


def test_no_help_text_loses_a_section_name_to_markup() -> None:
    commands = _commands(typer.main.get_command(app))
    assert {"influencers", "phases", "compare", "import traffic", "import codes", "run"} <= set(commands)
    bad = []
    for name, cmd in commands.items():
        texts = [cmd.help or ""] + [getattr(p, "help", None) or "" for p in cmd.params]
        bad += [f"{name}: {m.group(0)}" for text in texts for m in UNESCAPED.finditer(text)]
    assert not bad, f"escape these as \\[…] so Rich keeps them: {bad}"


def test_no_command_declares_a_short_option_twice() -> None:
    """``phases`` had ``-c`` for --campaign and for --config: click takes one and the other is unreachable by
    it. Every option's short (and long) names are checked, for every command and group."""
    root = typer.main.get_command(app)
    commands = {"brandpulse": root} | _commands(root)
    clashes = []
    for name, cmd in commands.items():
        seen: dict[str, str] = {}
        for param in cmd.params:
            for opt in [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]:
                if opt in seen and seen[opt] != param.name:
                    clashes.append(f"{name}: {opt} is --{seen[opt]} and --{param.name}")
                seen.setdefault(opt, param.name or "")
    assert not clashes, clashes
