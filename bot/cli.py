"""`booking-bot` command line: run, chat, parse, test, texts.

Kept light at import time: `parse` must start fast and never load the channel SDKs.
"""

from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="booking-bot", description="Conversational booking assistant.")
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="start every configured channel (or the operator console when none is)")
    run.set_defaults(func=_cmd_run)

    chat = sub.add_parser("chat", help="operator console: talk to the bot as one customer")
    chat.add_argument("--user", default=None, help="customer as CHANNEL:ID (default telegram:1001; with --live "
                                                   "console:operator, so that no real customer's chat is used)")
    chat.add_argument("--lang", default=None, choices=["en", "de"], help="customer's language (default: detect)")
    chat.add_argument("--clock", default=None, help="start the virtual clock at this ISO datetime")
    chat.add_argument("--live", action="store_true",
                      help="the real database, for operator work (default: a sandbox); no reminders, no /clock")
    chat.set_defaults(func=_cmd_chat)

    texts = sub.add_parser("texts", help="list every text the bot says, with its placeholders, per language")
    texts.add_argument("--lang", default=None, help="only this language")
    texts.add_argument("--markdown", action="store_true", help="one table of every key (the README's list)")
    texts.set_defaults(func=_cmd_texts)

    parse = sub.add_parser("parse", help="show how the extractor reads text")
    parse.add_argument("text", nargs="*", help="text to read (omit with --jsonl)")
    parse.add_argument("--jsonl", action="store_true", help="read JSON lines on stdin, write JSON lines")
    parse.add_argument("--now", default=None, help="local wall time YYYY-MM-DDTHH:MM:SS (default: now)")
    parse.add_argument("--tz", default=None, help="IANA zone (default: the business's)")
    parse.add_argument("--lang", default=None, choices=["en", "de"])
    parse.set_defaults(func=_cmd_parse)

    test = sub.add_parser("test", help="run scripted conversations (YAML)")
    test.add_argument("paths", nargs="+", help="YAML files or folders of them")
    test.add_argument("-v", "--verbose", action="store_true", help="print every turn")
    test.set_defaults(func=_cmd_test)
    return p


def _cmd_parse(args: argparse.Namespace) -> int:
    from intents import cli as parse_cli

    try:
        timezone, vocabulary, reader = _parse_setup()
    except SystemExit as exc:
        return int(exc.code or 2)
    if args.jsonl:
        return parse_cli.run_jsonl(sys.stdin, sys.stdout, vocabulary, default_tz=timezone, reader=reader)
    if not args.text:
        print("booking-bot parse: give some text, or --jsonl to read JSON lines on stdin", file=sys.stderr)
        return 2
    out = parse_cli.run_text(" ".join(args.text), now=args.now, tz=args.tz or timezone, lang=args.lang,
                             vocabulary=vocabulary, reader=reader)
    print(out)
    return 0


def _parse_setup():
    """The business's time zone and vocabulary, and the reader the settings name.

    With the rules (the default) they come straight from the environment, `.env` and the business file,
    without pydantic, which would about double `parse`'s start-up; anything else is loaded in full.
    """
    import intents

    from . import parse_setup

    if parse_setup.reads_with_rules():
        try:
            timezone, vocabulary = parse_setup.business_words(parse_setup.raw_setting("business_file") or "")
            return timezone, vocabulary, intents.read
        except parse_setup.NeedsFullLoad:
            pass  # the full loaders read it, or name what is wrong
    from .vocabulary import business_vocabulary

    settings, business = _load_business_quietly()
    reader = _reader_quietly(settings)
    return business.timezone, business_vocabulary(business), reader


def _load_business_quietly():
    from booking_client.business import BusinessFileError, load_business

    from .settings import SettingsError, load_settings

    try:
        settings = load_settings()
        return settings, load_business(settings.business_file)
    except (SettingsError, BusinessFileError) as exc:
        print(f"booking-bot: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def _reader_quietly(settings):
    """The reader INTENT_EXTRACTOR names, so `parse` measures the same reader the bot runs."""
    from .readers import build_reader
    from .settings import SettingsError

    try:
        return build_reader(settings)
    except SettingsError as exc:
        print(f"booking-bot: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def _cmd_run(args: argparse.Namespace) -> int:
    from .main import run_main

    return run_main()


def _cmd_chat(args: argparse.Namespace) -> int:
    from .main import chat_main

    return chat_main(user=args.user, lang=args.lang, clock=args.clock, live=args.live)


def _cmd_texts(args: argparse.Namespace) -> int:
    """The keys a business file may override under [texts.xx], and the placeholders each may use."""
    from .catalog import LANGS, TEXTS
    from .replies import placeholders

    if args.lang is not None and args.lang not in LANGS:
        print(f"booking-bot texts: --lang must be one of {', '.join(LANGS)}", file=sys.stderr)
        return 2
    if args.markdown:
        print(texts_table())
        return 0
    for lang in [args.lang] if args.lang else LANGS:
        print(f"[texts.{lang}]")
        for key, text in TEXTS[lang].items():
            names = " ".join(f"{{{name}}}" for name in sorted(placeholders(text)))
            print(f"  {key:<24} {names}".rstrip())
    return 0


def _cmd_test(args: argparse.Namespace) -> int:
    from .main import script_main

    return script_main(args.paths, verbose=args.verbose)


def texts_table() -> str:
    """Every key of the catalog with its placeholders and English text, as a Markdown table."""
    from .catalog import TEXTS
    from .replies import placeholders

    rows = ["| key | placeholders | English |", "| --- | --- | --- |"]
    for key, text in TEXTS["en"].items():
        names = " ".join(f"`{{{name}}}`" for name in sorted(placeholders(text)))
        english = text.replace("\n", " ").replace("|", "\\|")
        rows.append(f"| `{key}` | {names} | {english[:70] + '…' if len(english) > 70 else english} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
