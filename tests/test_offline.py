"""An intranet has no internet: no page may load anything from another host."""
import re
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"
EXTERNAL = re.compile(r"""(?:src|href|url)\s*[=(]\s*["']?(?:https?:)?//""", re.I)
IMPORTS = re.compile(r"""@import\s+(?:url\()?["']?(?:https?:)?//""", re.I)
# Matches that load nothing: Swagger UI's link matcher puts a scheme before a URL a user typed.
NOT_LOADS = {("static/vendor/swagger-ui/swagger-ui-bundle.js", 'this.url="http://"+s')}


def files():
    yield from (APP / "templates").rglob("*.html")
    for pattern in ("*.css", "*.js"):
        yield from (APP / "static").rglob(pattern)


def test_no_template_or_asset_references_another_host():
    offenders = []
    for path in files():
        text = path.read_text(encoding="utf-8", errors="replace")
        # Licence headers and source comments may name a site; only loads matter.
        for match in list(EXTERNAL.finditer(text)) + list(IMPORTS.finditer(text)):
            context = text[max(match.start() - 20, 0):match.end() + 40]
            name = str(path.relative_to(APP))
            if "www.w3.org/2000/svg" not in context and not any(
                    name == file and snippet in context for file, snippet in NOT_LOADS):
                offenders.append((name, context))
    assert offenders == []


def test_the_check_catches_a_cdn_link(tmp_path):
    assert EXTERNAL.search('<script src="https://cdn.example.com/x.js"></script>')
    assert EXTERNAL.search("<link href='//cdn.example.com/x.css'>")
    assert IMPORTS.search('@import url("https://fonts.example.com/css")')


def test_pages_use_the_vendored_assets(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert "/static/vendor/bootstrap/bootstrap.min.css" in page
    assert client.get("/static/vendor/bootstrap/bootstrap.min.css").status_code == 200


def test_icons_are_vendored_svg_not_emoji_and_there_is_a_favicon(client):
    emoji = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]")
    assert [str(p.relative_to(APP)) for p in (APP / "templates").rglob("*.html") if emoji.search(p.read_text())] == []
    assert client.get("/static/vendor/bootstrap-icons/icons.svg").status_code == 200
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"  # an .ico, no login needed
    assert 'rel="icon"' in client.get("/auth/login").get_data(as_text=True)
