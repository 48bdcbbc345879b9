"""The `socialvalue` command line: one click group, each area's commands in its own module."""

import click

from socialvalue import __version__
from socialvalue.cli import backup, demo, measures, org, report, sroi, tender, worker


@click.group()
@click.version_option(__version__, prog_name="socialvalue")
def main() -> None:
    """Plan, measure, evidence and report social value."""


for _module in (demo, sroi, tender, measures, org, report, worker, backup):
    for _command in _module.COMMANDS:
        main.add_command(_command)
