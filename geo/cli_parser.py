"""A Dutch :class:`argparse.ArgumentParser` for ``python -m geo``.

argparse writes its usage line, the help option, group titles and its errors through
``gettext``; the standard library ships no Dutch catalogue. :class:`DutchArgumentParser`
swaps argparse's ``_``/``ngettext`` for a small Dutch catalogue (:data:`MESSAGES`) while it
builds, formats or parses, so every text it writes is Dutch. Errors go to stderr as the
usage line, then ``Fout: …`` on a line of its own and a pointer to ``--help``; exit code 2
(argparse's convention for bad command lines).

Numbers on the command line may use a decimal comma (``--buffer 2,5``): ``type=int`` and
``type=float`` are replaced by :func:`whole_number` and :func:`number`.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

__all__ = ["MESSAGES", "DutchArgumentParser", "number", "whole_number"]

#: argparse's message ids (Python 3.10–3.13) and their Dutch text; ids not listed stay English
#: (they are programming errors, never shown to a user of a correct parser).
MESSAGES: dict[str, str] = {
    "usage: ": "gebruik: ",
    "options": "opties",
    "optional arguments": "opties",
    "positional arguments": "argumenten",
    "show this help message and exit": "deze hulptekst tonen en stoppen",
    "%(prog)s: error: %(message)s\n": "Fout: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "ongeldige waarde %(value)r: verwacht %(type)s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "ongeldige keuze %(value)r (kies uit %(choices)s)",
    "the following arguments are required: %s": "deze argumenten zijn verplicht: %s",
    "unrecognized arguments: %s": "onbekende argumenten: %s",
    "expected one argument": "verwacht één waarde",
    "expected at most one argument": "verwacht hoogstens één waarde",
    "expected at least one argument": "verwacht minstens één waarde",
    "ambiguous option: %(option)s could match %(matches)s":
        "dubbelzinnige optie %(option)s: kan %(matches)s zijn",
    "not allowed with argument %s": "niet samen met %s",
    "one of the arguments %s is required": "een van deze argumenten is verplicht: %s",
    "ignored explicit argument %r": "waarde %r genegeerd",
    "can't open '%(filename)s': %(error)s": "kan '%(filename)s' niet openen: %(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "onbekende opdracht %(parser_name)r (kies uit %(choices)s)",
}
#: Plural messages: English singular → (Dutch singular, Dutch plural).
PLURALS: dict[str, tuple[str, str]] = {
    "expected %s argument": ("verwacht %s waarde", "verwacht %s waarden"),
}


def _gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    dutch = PLURALS.get(singular)
    if dutch is None:
        return singular if n == 1 else plural
    return dutch[0] if n == 1 else dutch[1]


@contextlib.contextmanager
def _dutch() -> Iterator[None]:
    """Let argparse speak Dutch inside the block (reentrant; restores the old functions)."""
    saved = argparse._, getattr(argparse, "ngettext", None)  # type: ignore[attr-defined]
    argparse._ = _gettext  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = saved[0]  # type: ignore[attr-defined]
        if saved[1] is not None:
            argparse.ngettext = saved[1]  # type: ignore[attr-defined]


def whole_number(text: str) -> int:
    """A whole number from the command line (``2030``, ``-1``).

    Raises
    ------
    ValueError
        ``text`` is not a whole number; argparse reports it in Dutch.
    """
    return int(text.strip())


whole_number.__name__ = "een geheel getal"


def number(text: str) -> float:
    """A number from the command line, with a decimal point or comma (``2.5``, ``2,5``).

    Raises
    ------
    ValueError
        ``text`` is not a number; argparse reports it in Dutch.
    """
    cleaned = text.strip()
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    return float(cleaned)


number.__name__ = "een getal"

_TYPES: dict[Any, Callable[[str], Any]] = {int: whole_number, float: number}


class DutchArgumentParser(argparse.ArgumentParser):
    """:class:`argparse.ArgumentParser` with Dutch usage, help texts and errors.

    Subparsers made with :meth:`add_subparsers` are of this class too.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with _dutch():
            super().__init__(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        """As :meth:`argparse.ArgumentParser.add_argument`; ``int``/``float`` accept Dutch."""
        if kwargs.get("type") in _TYPES:
            kwargs["type"] = _TYPES[kwargs["type"]]
        return super().add_argument(*args, **kwargs)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        """As :meth:`argparse.ArgumentParser.parse_known_args`, in Dutch."""
        with _dutch():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        """The usage line, in Dutch."""
        with _dutch():
            return super().format_usage()

    def format_help(self) -> str:
        """The help text, in Dutch."""
        with _dutch():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        """Print the usage, ``Fout: <message>`` on its own line and a hint; exit 2."""
        from geo.cli_progress import end_progress_line

        end_progress_line()
        self.print_usage(sys.stderr)
        self.exit(2, f"Fout: {message}\nMeer uitleg: {self.prog} --help\n")
