"""Image files made on the spot for the avatar tests: good ones, odd ones and hostile ones."""

import functools
import io
import struct
import zlib

from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo

RED, BLUE = (220, 30, 30), (30, 30, 220)
HTML = b"<html><body><script>alert('owned')</script></body></html>"


def encode(image: Image.Image, format: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format, **options)
    return out.getvalue()


def jpeg(size: tuple[int, int] = (300, 200), color=RED, **options) -> bytes:
    return encode(Image.new("RGB", size, color), "JPEG", **options)


def png(size: tuple[int, int] = (300, 200), color=RED, mode: str = "RGB", **options) -> bytes:
    return encode(Image.new(mode, size, color), "PNG", **options)


def halves(size: int = 300) -> Image.Image:
    """A square image, red on top and blue below: its orientation shows in any crop."""
    image = Image.new("RGB", (size, size), BLUE)
    image.paste(RED, (0, 0, size, size // 2))
    return image


def rotated_jpeg_with_gps() -> bytes:
    """The halves image stored as a camera would, with EXIF asking for a 90° clockwise turn."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Signal Lab Camera"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 26.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 39.0)
    return encode(halves(), "JPEG", exif=exif)


def cmyk_jpeg() -> bytes:
    return encode(Image.new("CMYK", (300, 200), (0, 255, 255, 0)), "JPEG")


def grey16_png(level: int = 32768) -> bytes:
    return encode(Image.new("I;16", (300, 200), level), "PNG")


def half_transparent_png() -> bytes:
    image = Image.new("RGBA", (300, 300), (*RED, 255))
    image.paste((0, 0, 0, 0), (0, 0, 150, 300))
    return encode(image, "PNG")


def palette_png_with_transparency() -> bytes:
    image = Image.new("P", (300, 300), 1)
    image.putpalette([*BLUE, *RED])
    image.paste(0, (0, 0, 150, 300))
    return encode(image, "PNG", transparency=0)


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (300, 300), color) for color in (RED, BLUE, BLUE)]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def html_behind_png() -> bytes:
    """A real PNG carrying an HTML page in a text chunk and again after its end."""
    info = PngInfo()
    info.add_text("Comment", HTML.decode())
    return png(pnginfo=info) + HTML


def truncated_jpeg() -> bytes:
    data = encode(halves(600), "JPEG", quality=95)
    return data[: len(data) // 2]


def svg() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def raw_png(
    width: int, height: int, idat: bytes, bit_depth: int = 8, colour_type: int = 0
) -> bytes:
    """A PNG assembled chunk by chunk, for files Pillow would refuse to write."""
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


@functools.cache
def png_bomb(side: int = 13_000) -> bytes:
    """A valid sidexside greyscale PNG of zeros: 169 megapixels in about 160 KB."""
    compressor = zlib.compressobj(9)
    rows = (b"\x00" * (side + 1)) * 1000
    idat = b"".join(compressor.compress(rows) for _ in range(side // 1000)) + compressor.flush()
    return raw_png(side, side, idat)


def bomb_header_only(side: int = 13_000) -> bytes:
    """The bomb's header with a corrupt body: refusing it says nothing was decoded."""
    return raw_png(side, side, b"not zlib data")


def rgb16_png(size: int = 300) -> bytes:
    """A 16-bit RGB PNG (Pillow cannot write one): every pixel red at full 16-bit depth."""
    row = b"\x00" + b"\xff\xff\x00\x00\x00\x00" * size
    return raw_png(size, size, zlib.compress(row * size), bit_depth=16, colour_type=2)


def strip() -> bytes:
    return png((1, 30_000))
