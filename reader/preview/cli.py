"""``reader preview``: fetch and print a readable preview of a URL or of an item's links.

    reader preview URL [--format text|markdown|json] [--allow-private-hosts]
                       [--timeout S] [--no-cache] [--refresh]
    reader preview --item ID [PATH...] [same options]

Exit status 0 on success; otherwise a one-line reason on stderr and 1 (2 for usage
errors). Never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from reader.core.sanitize import clip, sanitize

logger = logging.getLogger("reader.preview")

FORMATS = ("text", "markdown", "json")


class PreviewCLIError(Exception):
    """A one-line error for stderr (exit 1)."""


def urls_for_item(path: str | None, item_id: str) -> list[tuple[str, str]]:
    """The (kind, url) candidates of item ``item_id`` under content root ``path``.

    Hook for the core: replace ``reader.preview.cli.urls_for_item`` (or pass
    ``item_urls=`` to :func:`run`) to change how an item's links are found.
    """
    from reader.core.store import LoadProblem, NotADirectory, check_root, load_item

    if path:
        root = Path(path)
    else:
        from reader.resources import sample_content_dir

        root = sample_content_dir()
    try:
        check_root(root)  # the same checks (and one-line reasons) as every other command
    except NotADirectory as exc:
        raise PreviewCLIError(str(exc)) from None
    item = load_item(root, item_id)
    if isinstance(item, LoadProblem):
        raise PreviewCLIError(f"{clip(item.id)}: {item.reason}")
    return list(item.url_candidates)


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not number > 0 or number != number or number == float("inf"):
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return number


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "preview",
        help="fetch a URL (or an item's links) and print the readable article",
        description="Fetch a page and print its readable text. With --item, try the item's "
        "originalUrl, webUrl, ampWebUrl and cdnAmpWebUrl in that order.",
    )
    p.add_argument("target", nargs="*", metavar="URL|PATH",
                   help="the URL to preview; with --item, the content directory (several: one "
                   "collection; default: roots in config.toml, else the bundled sample content)")
    p.add_argument("--item", metavar="ID", help="preview the links of this item (its ID as "
                   "`reader list` shows it, or an unambiguous prefix)")
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="text (the default), markdown, or json with the URL, title and text")
    p.add_argument("--allow-private-hosts", action="store_true",
                   help="allow loopback, private and link-local addresses")
    p.add_argument("--timeout", type=_positive, metavar="S",
                   help="give up after S seconds (whole fetch, redirects included)")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the preview cache")
    p.add_argument("--refresh", action="store_true", help="fetch again even if cached")
    return p


def _load_config():
    try:
        from reader.core.config import load_config
    except ImportError:  # pragma: no cover
        return None
    config = load_config()
    for warning in config.warnings:
        print(f"reader: {sanitize(warning)}", file=sys.stderr)
    return config


def format_preview(preview, fmt: str) -> str:
    article = preview.article
    title = sanitize(article.title) if article.title else ""
    if fmt == "json":
        return json.dumps({
            "url": sanitize(preview.url),
            "final_url": sanitize(preview.final_url),
            "title": title or None,
            "text": sanitize(article.text, multiline=True),
            "fetched_at": preview.fetched_at.isoformat(),
            "source_url_kind": preview.source_url_kind,
        }, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        text = sanitize(article.to_markdown(), multiline=True)
        return text if text.endswith("\n") else text + "\n"
    body = sanitize(article.text, multiline=True).strip("\n")
    parts = [title] if title else []
    parts.append(body)
    return "\n\n".join(parts) + "\n"


def run(args: argparse.Namespace, *, item_urls: Callable[[str | None, str], list[tuple[str, str]]]
        | None = None, service=None) -> int:
    """Run ``reader preview``; returns the exit status.

    A failed preview is one line on stderr and status 1. ^C and errors writing the
    output (a closed pipe, a full disk) go up to :func:`reader.cli.main`, which answers
    them as it does for every command.
    """
    try:
        if args.item is not None:
            finder = item_urls or urls_for_item
            urls = finder(args.target, args.item)
            if not urls:
                raise PreviewCLIError(f"item {clip(args.item)} has no link to preview")
        else:
            if not args.target:
                raise PreviewCLIError("give a URL to preview, or --item ID [PATH]")
            urls = [("url", args.target)]
        if service is None:
            from reader.preview.setup import make_service

            config = _load_config()
            service = make_service(
                config.preview if config is not None else None,
                use_cache=not args.no_cache,
                allow_private_hosts=args.allow_private_hosts,
                timeout=args.timeout,
            )
        result = asyncio.run(service.preview(urls, refresh=bool(getattr(args, "refresh", False))))
        from reader.preview.service import PreviewFailed

        if isinstance(result, PreviewFailed):
            raise PreviewCLIError(f"preview failed: {result.reason}")
        output = format_preview(result, args.format)
    except PreviewCLIError as exc:
        print(f"reader: {sanitize(str(exc))}", file=sys.stderr)
        return 1
    except Exception as exc:
        logger.debug("reader preview failed", exc_info=True)
        print(f"reader: preview failed: {sanitize(type(exc).__name__)}: {clip(exc)}",
              file=sys.stderr)
        return 1
    sys.stdout.write(output)
    sys.stdout.flush()
    return 0
