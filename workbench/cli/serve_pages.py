"""What a browser shows around the served app: a tab title per seat, and a page for a link
that is not a seat.

textual-serve's page has no `<title>`: the tab read "127.0.0.1:8765/edit/QAdAUs_…", so a
facilitator with both seats open could not tell which one edits, and sharing the screen
showed the editing token. A wrong or cut-off link got aiohttp's bare "404: Not Found" on a
white page, with nothing saying where the room is. aiohttp is imported by the caller, only
when serving (`serve`), so `workbench --help` stays fast.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web
    from aiohttp.typedefs import Handler, Middleware

TITLE = "MQL workbench"


def seat_title(path: str, edit_prefix: str) -> str:
    """The tab's title for a page at `path`: which seat it is, never the token."""
    editing = path == edit_prefix or path.startswith(edit_prefix + "/")
    return f"{TITLE} · {'facilitator (edits)' if editing else 'following (read-only)'}"


def titled(page: str, title: str) -> str:
    """The page with `title` as its tab title (textual-serve's page has none)."""
    if "<title>" in page or "<head>" not in page:
        return page
    return page.replace("<head>", f"<head>\n    <title>{html.escape(title)}</title>", 1)


def not_a_seat(follow_url: str) -> str:
    """The page for an address that is neither seat: where the room is, in words."""
    room = html.escape(follow_url)
    return f"""<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8">
    <title>{TITLE} · not a seat</title>
    <style>
      body {{ background: #0c181f; color: #e0e0e0; font: 20px/1.5 "Roboto Mono", monospace;
             max-width: 46em; margin: 4em auto; padding: 0 1em; }}
      a {{ color: #ffb454; }}
    </style>
  </head>
  <body>
    <h1>This link is not a seat of the workshop</h1>
    <p>To follow the room (read-only), open <a href="{room}">{room}</a>.</p>
    <p>The facilitator's link is the one <code>workbench serve</code> printed. It ends with a
    long code: copy it again whole.</p>
  </body>
</html>
"""


def pages_middleware(edit_prefix: str, follow_url: str) -> Middleware:
    """aiohttp middleware: the seat's title on its page, `not_a_seat` for any unknown path."""
    from aiohttp import web

    @web.middleware
    async def pages(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPNotFound:
            response = web.Response(status=404)
        if response.status == 404:
            return web.Response(status=404, text=not_a_seat(follow_url), content_type="text/html")
        page = isinstance(response, web.Response) and response.content_type == "text/html"
        if page and isinstance(response, web.Response) and response.text is not None:
            response.text = titled(response.text, seat_title(request.path, edit_prefix))
        return response

    return pages
