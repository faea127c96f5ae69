"""The pull-request comment of agreements.yml: what changed in the agreements, kept in one comment.

Copy it to `.github/scripts/diff_comment.py` in the repository of agreements; it needs Python
3.9 or later and, for `post`, the GitHub CLI (`gh`, on every GitHub-hosted runner).

    python diff_comment.py body agreement-diff.md --link RUN_URL > comment.md
    python diff_comment.py post comment.md --repo OWNER/NAME --pr NUMBER

`body` prints the Markdown of `agreementgen diff --format markdown` after a hidden marker line,
`<!-- agreementgen-diff -->`. GitHub refuses a comment of more than 65,536 characters and a
job summary of more than 1 MiB, and one change to a term used throughout an agreement already
gives some 46 KB: past `--limit` bytes of UTF-8 (a byte count is never below the character
count GitHub takes) the text is cut after the last whole line that fits, and a note says so
and links the workflow run, whose artifacts hold the whole diff.

`post` keeps one comment per pull request: it looks with `gh api` for a comment of `--author`
(the workflow token's bot by default) that starts with the marker, and updates it in place,
or posts a new one if there is none. Other people's and other bots' comments are never edited.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

MARKER = "<!-- agreementgen-diff -->"
# Well under GitHub's 65,536 characters for a comment, with room for the note.
COMMENT_LIMIT = 60_000
BOT = "github-actions[bot]"


def comment_body(diff: str, link: str, limit: int = COMMENT_LIMIT) -> str:
    """The marker and `diff`, cut at a line boundary to at most `limit` bytes of UTF-8."""
    head = MARKER + "\n"
    whole = head + diff
    if _size(whole) <= limit:
        return whole
    lines = diff.splitlines(keepends=True)
    # The note is sized for its longest wording (as many lines shown as there are), so the
    # lines kept never push the body past the limit.
    room = limit - _size(head) - _size(_note(len(lines), len(lines), link))
    kept: list[str] = []
    for line in lines:
        room -= _size(line)
        if room < 0:
            break
        kept.append(line)
    return head + "".join(kept) + _note(len(kept), len(lines), link)


def _note(shown: int, total: int, link: str) -> str:
    # In Danish, as the diff it follows.
    return (
        f"\n---\n**Forkortet:** her vises de første {shown} af {total} linjer. Hele listen og"
        f" Word-filerne med ændringerne som sporede ændringer ligger som artefakter på"
        f" [kørslen]({link}).\n"
    )


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def find_comment(lines: Iterable[str], author: str = BOT) -> int | None:
    """The id of the first comment by `author` that starts with the marker, if any.

    `lines` are the comments as `gh api --jq` prints them for `_COMMENTS`: one JSON array of
    id, login and body per line.
    """
    for line in lines:
        if not line.strip():
            continue
        ident, login, body = json.loads(line)
        if login == author and body.startswith(MARKER):
            return int(ident)
    return None


# Each comment on one line, whatever its body holds: @json escapes newlines.
_COMMENTS = ".[] | [.id, .user.login, .body] | @json"


def post(body: str, repo: str, pr: int, author: str = BOT) -> str:
    """Update the pull request's comment with `body`, or post it; return what was done."""
    listed = _gh("api", "--paginate", f"repos/{repo}/issues/{pr}/comments", "--jq", _COMMENTS)
    ident = find_comment(listed.splitlines(), author)
    if ident is None:
        method, path, done = "POST", f"repos/{repo}/issues/{pr}/comments", "posted a comment"
    else:
        method, path, done = (
            "PATCH",
            f"repos/{repo}/issues/comments/{ident}",
            f"updated comment {ident}",
        )
    _gh("api", "--method", method, path, "--input", "-", stdin=json.dumps({"body": body}))
    return f"{done} on pull request {pr}"


def _gh(*args: str, stdin: str | None = None) -> str:
    """Run the GitHub CLI; its own message, and exit status 1, if it fails."""
    result = subprocess.run(
        ["gh", *args], input=stdin, capture_output=True, text=True, encoding="utf-8"
    )
    if result.returncode != 0:
        sys.exit(f"gh {args[0]} {' '.join(args[1:3])} failed: {result.stderr.strip()}")
    return result.stdout


def parser() -> argparse.ArgumentParser:
    """The command line: `body` and `post`."""
    parsed = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parsed.add_subparsers(dest="command", required=True)
    body = commands.add_parser("body", help="print the comment for a Markdown diff")
    body.add_argument("diff", type=Path, help="output of agreementgen diff --format markdown")
    body.add_argument("--link", required=True, help="the workflow run, whose artifacts it names")
    body.add_argument(
        "--limit", type=int, default=COMMENT_LIMIT, help=f"bytes at most (default {COMMENT_LIMIT})"
    )
    send = commands.add_parser("post", help="update the pull request's comment, or post it")
    send.add_argument("comment", type=Path, help="output of the body command")
    send.add_argument("--repo", required=True, help="OWNER/NAME")
    send.add_argument("--pr", type=int, required=True, help="pull request number")
    send.add_argument("--author", default=BOT, help=f"login that posts it (default {BOT})")
    return parsed


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line."""
    args = parser().parse_args(argv)
    if args.command == "body":
        text = args.diff.read_text("utf-8")
        # UTF-8 whatever the locale: the limit is counted in UTF-8 bytes.
        sys.stdout.buffer.write(comment_body(text, args.link, args.limit).encode("utf-8"))
    else:
        body = args.comment.read_text("utf-8")
        sys.stderr.write(post(body, args.repo, args.pr, args.author) + "\n")


if __name__ == "__main__":
    main()
