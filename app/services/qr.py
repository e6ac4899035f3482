"""QR codes for public survey links (segno): PNG for download, SVG for download and for the printed poster."""

import io

import segno

ERROR_LEVEL = "m"  # 15 % of the code may be damaged or dirty and still read (a poster on a wall)


def _code(url: str) -> segno.QRCode:
    return segno.make_qr(url, error=ERROR_LEVEL)


def png_bytes(url: str, *, scale: int = 10, border: int = 4) -> bytes:
    """A PNG image of the code: `scale` pixels per module, a quiet zone of `border` modules."""
    out = io.BytesIO()
    _code(url).save(out, kind="png", scale=scale, border=border)
    return out.getvalue()


def svg_text(url: str, *, title: str | None = None, inline: bool = False, scale: int = 10, border: int = 4) -> str:
    """An SVG document of the code, black on white; `inline=True` gives an element to embed in HTML
    (no XML declaration, no fixed size: it scales with its container)."""
    out = io.BytesIO()
    _code(url).save(
        out,
        kind="svg",
        scale=scale,
        border=border,
        dark="#000",
        light="#fff",
        xmldecl=not inline,
        omitsize=inline,
        title=title,
        svgclass="qr-code" if inline else "segno",
        nl=False,
    )
    return out.getvalue().decode("utf-8")
