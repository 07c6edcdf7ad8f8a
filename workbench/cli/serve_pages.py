"""What a browser shows around the served app: a tab title per seat, the keyboard in the
terminal, and a page for a link that is not a seat.

textual-serve's page has no `<title>`: the tab read "127.0.0.1:8765/edit/QAdAUs_…", so a
facilitator with both seats open could not tell which one edits, and sharing the screen
showed the editing token. A wrong or cut-off link got aiohttp's bare "404: Not Found" on a
white page, with nothing saying where the room is. aiohttp is imported by the caller, only
when serving (`serve`), so `workbench --help` stays fast.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Iterable

    from aiohttp import web
    from aiohttp.typedefs import Handler, Middleware

TITLE = "MQL workbench"


def seat_title(path: str, edit_prefix: str) -> str:
    """The tab's title for a page at `path`: which seat it is, never the token."""
    editing = path == edit_prefix or path.startswith(edit_prefix + "/")
    return f"{TITLE} · {'facilitator (edits)' if editing else 'following (read-only)'}"


# textual-serve's page never puts the keyboard in its terminal: keys typed before anyone
# clicked the page went nowhere, after every load, reload or dropped connection, while the
# app showed a field with the cursor in it. The terminal takes the keyboard once drawn, and
# again whenever the window comes back to the front.
KEYBOARD = """<script>
  (function () {
    function toTerminal() {
      var box = document.querySelector("textarea.xterm-helper-textarea");
      if (box && document.activeElement !== box) { box.focus(); }
      return Boolean(box);
    }
    var tries = 0;
    var timer = setInterval(function () {
      if (toTerminal() || ++tries > 300) { clearInterval(timer); }
    }, 100);
    window.addEventListener("focus", toTerminal);
  })();
</script>"""


# textual-serve's page asks Google for its terminal's font, with a stylesheet link that holds
# the page back until it loads or fails: every seat's browser told a third party of the room,
# and on a network without the internet the page waited for that request to time out. The
# same font ships in textual-serve's own static folder, served beside the page.
_GOOGLE_FONT = re.compile(r'<link\s[^>]*href="https://fonts\.googleapis\.com/[^"]*"[^>]*>\s*')
_STATIC = re.compile(r'href="([^"]*/)css/xterm\.css"')
_FACES = (
    ("normal", "RobotoMono-VariableFont_wght.ttf"),
    ("italic", "RobotoMono-Italic-VariableFont_wght.ttf"),
)


def own_font(page: str) -> str:
    """`page` with the terminal's font read from the server, not from Google."""
    static = _STATIC.search(page)
    if static is None:
        return page
    faces = "\n".join(
        f'      @font-face {{ font-family: "Roboto Mono"; font-style: {style}; '
        f'font-weight: 100 700; src: url("{static.group(1)}fonts/{name}") format("truetype"); }}'
        for style, name in _FACES
    )
    return _GOOGLE_FONT.sub(lambda _: f"<style>\n{faces}\n    </style>\n    ", page, count=1)


def titled(page: str, title: str) -> str:
    """The page with `title` as its tab title (textual-serve's page has none), its terminal
    taking the keyboard as soon as it is drawn (`KEYBOARD`) and its font from this server."""
    page = own_font(page)
    if "<head>" in page and "<title>" not in page:
        page = page.replace("<head>", f"<head>\n    <title>{html.escape(title)}</title>", 1)
    if "</body>" in page and KEYBOARD not in page:
        page = page.replace("</body>", KEYBOARD + "\n</body>", 1)
    return page


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


def foreign_origin(origin: str | None, hosts: Iterable[str | None], public_url: str) -> bool:
    """A browser's `Origin` that is neither an address it asked (`Host`, or a proxy's
    `X-Forwarded-Host`: a page cannot set either on a websocket) nor the one serve printed:
    a page of some other site opening a seat. Browsers send `Origin` on every websocket and
    let any page open one to any address, this machine's included, and each connection
    starts an app process. A client that sends no `Origin` is no web page."""
    if origin is None:
        return False
    seen = urlsplit(origin)
    if seen.scheme not in ("http", "https") or not seen.netloc:
        return True  # "null" (a file or sandboxed page), or no address at all
    ours = {urlsplit(public_url).netloc.lower()}
    ours |= {h.strip().lower() for given in hosts if given for h in given.split(",")}
    return seen.netloc.lower() not in ours


def _listing(path: str, edit_prefix: str) -> bool:
    """A folder of textual-serve's own scripts and fonts, which it lists as a page."""
    inside = path.removeprefix(edit_prefix)
    return inside.startswith("/static") and (inside.endswith("/") or inside == "/static")


def pages_middleware(edit_prefix: str, follow_url: str, public_url: str = "") -> Middleware:
    """aiohttp middleware: the seat's title on its page, `not_a_seat` for any unknown path,
    a seat opened from another site's page refused, and no listing of the page's files."""
    from aiohttp import web

    @web.middleware
    async def pages(request: web.Request, handler: Handler) -> web.StreamResponse:
        hosts = (request.host, request.headers.get("X-Forwarded-Host"))
        if foreign_origin(request.headers.get("Origin"), hosts, public_url or follow_url):
            return web.Response(
                status=403, text="A page of another site cannot open a seat of this workshop.\n"
            )
        if _listing(request.path, edit_prefix):
            return web.Response(status=404, text=not_a_seat(follow_url), content_type="text/html")
        if request.path == edit_prefix:
            # The facilitator's link without its last "/" is still that link, not "not a
            # seat ... copy it again whole".
            query = f"?{request.query_string}" if request.query_string else ""
            raise web.HTTPFound(edit_prefix + "/" + query)  # ?fontsize=22 kept
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
