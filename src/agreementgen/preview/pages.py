"""The preview's pages: the index, each document as the build renders it, and the live script.

A document page is the build's HTML of the document with one script added to its head; when
the reading has errors, a panel with the diagnostics as the CLI prints them is added at the top
of its body. The script listens to the event stream, whose every event holds a token per page,
and when its page's token changed it fetches the page again and swaps in the new body, keeping
the scroll position: the page is never reloaded.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path
from urllib.parse import quote

from agreementgen.errors import display_path
from agreementgen.preview.state import HTML, Rendered, Snapshot

SCRIPT_ID = "agreementgen-preview"
PANEL_CLASS = "agreementgen-problems"
EVENTS = "/_/events"
INDEX = ""  # the index page's name in the events

_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)

# Listens to the event stream; swaps in the page's new body when its token changed. Kept in
# the head, so that swapping the body leaves it running. `window.agreementgenPreview.updates`
# counts the swaps (the browser test reads it).
LIVE_SCRIPT = """
(() => {
  const me = document.currentScript;
  const page = me.dataset.page;
  let files = JSON.parse(me.dataset.files || "[]");
  const state = (window.agreementgenPreview = { updates: 0, token: me.dataset.token });
  let wanted = state.token;
  let busy = false;

  function toolbar() {
    if (!document.body || page === "") return;
    const old = document.getElementById("agreementgen-toolbar");
    if (old) old.remove();
    const bar = document.createElement("nav");
    bar.id = "agreementgen-toolbar";
    const style = document.createElement("style");
    style.textContent =
      "#agreementgen-toolbar{position:fixed;top:8px;right:8px;z-index:2147483647;" +
      "font:13px/1.4 system-ui,sans-serif;background:#fff;border:1px solid #bbb;" +
      "border-radius:4px;padding:3px 8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}" +
      "#agreementgen-toolbar a{margin:0 4px;color:#0645ad}" +
      "@media print{#agreementgen-toolbar{display:none}}";
    bar.appendChild(style);
    const links = [["All documents", "./"]];
    const stem = page.slice(0, page.lastIndexOf("."));
    for (const name of files) {
      const dot = name.lastIndexOf(".");
      const own = name.slice(0, dot) === stem;
      links.push([own ? name.slice(dot + 1).toUpperCase() : name, name]);
    }
    for (const [label, href] of links) {
      const a = document.createElement("a");
      a.textContent = label;
      a.href = href === "./" ? href : encodeURIComponent(href);
      a.title = href === "./" ? "" : href;
      bar.appendChild(a);
    }
    document.body.appendChild(bar);
  }

  function styles(of) {
    return Array.from(of.head.querySelectorAll("style"), (s) => s.textContent).join("\\n");
  }

  async function update() {
    if (busy) return;
    busy = true;
    try {
      while (wanted !== state.token) {
        const target = wanted;
        const response = await fetch(location.pathname + location.search, { cache: "no-store" });
        const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
        const script = fresh.getElementById("agreementgen-preview");
        const x = window.scrollX, y = window.scrollY;
        if (styles(fresh) !== styles(document)) {
          document.head.querySelectorAll("style").forEach((s) => s.remove());
          for (const s of fresh.head.querySelectorAll("style")) {
            document.head.appendChild(document.importNode(s, true));
          }
        }
        document.title = fresh.title;
        document.body.replaceWith(document.importNode(fresh.body, true));
        if (script) files = JSON.parse(script.dataset.files || "[]");
        toolbar();
        window.scrollTo(x, y);
        state.token = script ? script.dataset.token : target;
        state.updates += 1;
        if (state.token !== target) wanted = state.token;
      }
    } catch (error) {
      console.error("agreementgen preview:", error);
      setTimeout(update, 1000);
    } finally {
      busy = false;
    }
  }

  // Connected while the page is on view: a browser opens few connections to one server, and
  // a tab in the background would hold one. Each connection starts with the latest event.
  let events = null;
  function connect() {
    if (events || document.hidden) return;
    events = new EventSource("/_/events");
    events.onmessage = (event) => {
      const data = JSON.parse(event.data);
      wanted = page === "" ? data.index : (data.pages[page] ?? data.missing);
      update();
    };
  }
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) connect();
    else if (events) {
      events.close();
      events = null;
    }
  });
  connect();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", toolbar);
  else toolbar();
})();
"""

PANEL_STYLE = """
.agreementgen-problems{position:fixed;left:0;right:0;bottom:0;z-index:2147483646;margin:0;
  max-height:45vh;overflow:auto;background:#fff4f4;border-top:3px solid #c62828;color:#222;
  padding:10px 16px;font:14px/1.45 system-ui,sans-serif;box-shadow:0 -2px 8px rgba(0,0,0,.2)}
.agreementgen-problems.inline{position:static;max-height:none;border:1px solid #c62828;
  border-left-width:4px;box-shadow:none;margin:1em 0}
.agreementgen-problems p{margin:0 0 6px}
.agreementgen-problems pre{margin:0;white-space:pre-wrap;font:13px/1.45 ui-monospace,monospace}
@media print{.agreementgen-problems{display:none}}
"""
# On a document page with errors, the document shown is the one before them: dimmed.
STALE_STYLE = "body>:not(.agreementgen-problems):not(#agreementgen-toolbar){opacity:.45}"

INDEX_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;color:#222;margin:2em auto;max-width:60em;padding:0 1em}
h1{font-size:1.5em;margin-bottom:0}
.folder{color:#666;margin-top:.2em}
table{border-collapse:collapse;width:100%;margin:1em 0}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #ddd}
td.files a{margin-right:.8em}
details pre{white-space:pre-wrap;font:13px/1.45 ui-monospace,monospace}
.stale{color:#a33}
"""


def event_data(snapshot: Snapshot) -> str:
    """The event the stream sends for `snapshot`: a token per page, which changes exactly when
    what the page shows changes."""
    problems = _problems_key(snapshot)
    pages = {
        _html_name(doc): _token(doc.digest, problems, _files_key(doc)) for doc in snapshot.documents
    }
    data = {
        "version": snapshot.version,
        "index": index_token(snapshot),
        "pages": pages,
        "missing": _token("missing", problems),
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def index_token(snapshot: Snapshot) -> str:
    """The index page's token: its documents and files, the diagnostics, the title."""
    listing = [(doc.stem, sorted(doc.files())) for doc in snapshot.documents]
    warnings = [d.format() for d in snapshot.warnings]
    return _token(json.dumps([snapshot.title, listing, warnings]), _problems_key(snapshot))


def document_page(snapshot: Snapshot, name: str) -> tuple[int, str]:
    """The page of the document whose HTML file is `name`, with its status code: the build's
    HTML and the live script, and the errors when there are any; 404 for another name."""
    problems = _problems_key(snapshot)
    document = next((doc for doc in snapshot.documents if _html_name(doc) == name), None)
    if document is None:
        token = _token("missing", problems)
        return 404, _missing_page(snapshot, name, token)
    script = live_script(
        name, _token(document.digest, problems, _files_key(document)), _downloads(document)
    )
    html = _into_head(document.html, script)
    if snapshot.stale:
        html = _into_body(html, problem_panel(snapshot))
    return 200, html


def live_script(page: str, token: str, files: Sequence[str] = ()) -> str:
    """The script tag a page gets: its name, its token and its downloads, and LIVE_SCRIPT."""
    return (
        f'<script id="{SCRIPT_ID}" data-page="{escape(page)}" data-token="{escape(token)}" '
        f'data-files="{escape(json.dumps(list(files), ensure_ascii=False))}">'
        f"{LIVE_SCRIPT}</script>\n"
    )


def problem_panel(snapshot: Snapshot, *, inline: bool = False) -> str:
    """The errors of `snapshot` as the CLI prints them, as HTML text; '' when there are none."""
    if not snapshot.stale:
        return ""
    lines = [d.format() for d in snapshot.errors] + list(snapshot.failures)
    count = len(lines)
    showing = (
        "The documents are shown as they were before."
        if snapshot.documents
        else "No document can be shown yet."
    )
    heading = f"{count} error{'s' * (count != 1)} in {display_path(snapshot.folder)}. {showing}"
    return (
        f'<div class="{PANEL_CLASS}{" inline" * inline}" role="alert">'
        f"<style>{PANEL_STYLE}{'' if inline else STALE_STYLE}</style>"
        f"<p><strong>{escape(heading)}</strong></p>"
        f"<pre>{escape(chr(10).join(lines))}</pre></div>\n"
    )


def index_page(snapshot: Snapshot) -> str:
    """The index: every document, linked to its page, with the files the build writes for it."""
    title = snapshot.title or snapshot.folder.resolve().name
    rows = []
    for stem, files in _rows(snapshot.documents):
        page = f"{stem}.{HTML}"
        first = f'<a href="{_href(page)}">{escape(stem)}</a>' if page in files else escape(stem)
        links = " ".join(
            f'<a href="{_href(name)}" title="{escape(name)}">{escape(_label(name))}</a>'
            for name in files
            if name != page
        )
        rows.append(f'<tr><td>{first}</td><td class="files">{links}</td></tr>')
    table = (
        "<table><tr><th>Document</th><th>Files</th></tr>\n" + "\n".join(rows) + "\n</table>"
        if rows
        else ""
    )
    warnings = snapshot.warnings
    details = (
        f"<details><summary>{len(warnings)} warning{'s' * (len(warnings) != 1)}</summary>"
        f"<pre>{escape(chr(10).join(d.format() for d in warnings))}</pre></details>"
        if warnings
        else ""
    )
    script = live_script(INDEX, index_token(snapshot))
    return (
        '<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)} – agreementgen preview</title>\n"
        f"<style>{INDEX_STYLE}</style>\n{script}</head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n"
        f'<p class="folder">{escape(display_path(snapshot.folder))}: a preview that follows '
        "the files as they are saved.</p>\n"
        f"{problem_panel(snapshot, inline=True)}{table}\n{details}\n</body>\n</html>\n"
    )


def _missing_page(snapshot: Snapshot, name: str, token: str) -> str:
    script = live_script(name, token)
    return (
        '<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(name)} – agreementgen preview</title>\n"
        f"<style>{INDEX_STYLE}</style>\n{script}</head>\n<body>\n"
        f"<h1>{escape(name)}</h1>\n<p>The agreement has no document of this name "
        f"{'now' if snapshot.documents else 'yet'}. "
        '<a href="./">All documents</a></p>\n'
        f"{problem_panel(snapshot, inline=True)}</body>\n</html>\n"
    )


def _rows(documents: Iterable[Rendered]) -> list[tuple[str, list[str]]]:
    """The files of the documents grouped by name, as the build names them: a document's own
    formats, and its extra files under their own name (Organisationsdiagram.pdf, .png), or the
    document's when they share it (Budget.xlsx)."""
    rows: dict[str, list[str]] = {}
    for doc in documents:
        for name in doc.files():
            rows.setdefault(Path(name).stem, []).append(name)
    return list(rows.items())


def _downloads(document: Rendered) -> list[str]:
    """The files a document's page links to: its Word file and PDF, and its extra files."""
    return [name for name in document.files() if not name.endswith(f".{HTML}")]


def _label(name: str) -> str:
    return Path(name).suffix.lstrip(".").upper()


def _href(name: str) -> str:
    return escape(quote(name, safe=""))


def _html_name(document: Rendered) -> str:
    return f"{document.stem}.{HTML}"


def _files_key(document: Rendered) -> str:
    return ",".join(_downloads(document))


def _problems_key(snapshot: Snapshot) -> str:
    if not snapshot.stale:
        return ""
    return "\n".join([*(d.format() for d in snapshot.errors), *snapshot.failures])


def _token(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:20]


def _into_head(html: str, script: str) -> str:
    """Add `script` at the end of the page's head (at its start when it has no head)."""
    found = _HEAD_END.search(html)
    if found is None:
        return script + html
    return html[: found.start()] + script + html[found.start() :]


def _into_body(html: str, panel: str) -> str:
    """Add `panel` at the start of the page's body (at its end when it has no body tag)."""
    found = _BODY.search(html)
    if found is None:
        return html + panel
    return html[: found.end()] + "\n" + panel + html[found.end() :]
