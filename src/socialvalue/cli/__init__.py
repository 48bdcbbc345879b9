"""The `socialvalue` command line: one click group, each area's commands in its own module."""

import click

from socialvalue import __version__


@click.group()
@click.version_option(__version__, prog_name="socialvalue")
def main() -> None:
    """Plan, measure, evidence and report social value."""


def _register() -> None:
    # Each area keeps its commands in its own module; a module missing while it is being
    # written must not break the others.
    import importlib

    for name in ("demo", "sroi", "tender", "measures", "report"):
        try:
            module = importlib.import_module(f"socialvalue.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"socialvalue.cli.{name}":
                raise
            continue
        for command in getattr(module, "COMMANDS", ()):
            main.add_command(command)


_register()
