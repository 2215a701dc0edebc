"""The avatar pipeline: an uploaded file in, a small square WebP image and facts about it out.

Plain functions with no Django in them: the receiver, the form, the tests and the benchmark all
call the same code. Every file is treated as hostile until Pillow has decoded it.
"""

import io
import math
import struct
import time
import warnings
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
SIDE = 256
QUALITY = 82
EXTENSION = ".webp"

# Pillow's own bomb guard, lowered to our cap. Between the cap and twice it Pillow only warns:
# make that an error too, process-wide, for any code that opens images.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
warnings.simplefilter("error", Image.DecompressionBombWarning)

# Files whose first bytes say they should open: if Pillow cannot open them, they are damaged.
ACCEPTED_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")
# Images people do try to upload, named in the refusal rather than called "not an image".
OTHER_SIGNATURES = {
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
    b"8BPS": "Photoshop",
    b"\x00\x00\x01\x00": "ICO",
    b"\xff\x0a": "JPEG XL",
    b"\x00\x00\x00\x0cJXL ": "JPEG XL",
}
ISO_BRANDS = {b"heic": "HEIC", b"heix": "HEIC", b"mif1": "HEIF", b"avif": "AVIF"}


class AvatarError(Exception):
    """A file the pipeline refuses; each subclass is one kind of refusal."""


class TooLarge(AvatarError):
    """More bytes than MAX_BYTES."""


class NotAnImage(AvatarError):
    """Empty, or not an image in any format we recognise."""


class UnsupportedFormat(AvatarError):
    """An image, but in a format the pipeline does not open."""

    def __init__(self, format_name: str) -> None:
        super().__init__(f"{format_name} images are not accepted")
        self.format_name = format_name


class TooManyPixels(AvatarError):
    """More than MAX_PIXELS, found from the header before any decoding."""


class DamagedImage(AvatarError):
    """Looks like an accepted format but cannot be decoded: truncated or corrupt."""


@dataclass(frozen=True)
class Avatar:
    """A processed avatar: the WebP bytes and what it took to make them."""

    data: bytes
    source_format: str
    source_size: tuple[int, int]
    source_bytes: int
    size: tuple[int, int]
    seconds: float

    def facts(self) -> dict[str, object]:
        """Everything but the bytes: what the avatar_processed signal carries."""
        return {
            "source_format": self.source_format,
            "source_size": self.source_size,
            "source_bytes": self.source_bytes,
            "size": self.size,
            "output_bytes": len(self.data),
            "seconds": self.seconds,
        }


def check(source: bytes | BinaryIO) -> tuple[str, tuple[int, int]]:
    """Refuse what can be refused without decoding; return the format and pixel size."""
    stream = _stream(source)
    _length(stream)
    with _open(stream) as image:
        return image.format or "", image.size


def process(source: bytes | BinaryIO) -> Avatar:
    """Decode an uploaded image and return a SIDE x SIDE WebP avatar without any metadata.

    Raises an AvatarError subclass for every file it refuses.
    """
    started = time.perf_counter()
    stream = _stream(source)
    source_bytes = _length(stream)
    with _open(stream) as image:
        source_format, source_size = image.format or "", image.size
        try:
            data = _encode(_square(image))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise TooManyPixels(str(error)) from error
        # Pillow's decoders report a damaged file with many exception types (OSError,
        # SyntaxError, ValueError, struct.error...): any failure past a good header is damage.
        except Exception as error:
            raise DamagedImage(str(error)) from error
    return Avatar(
        data=data,
        source_format=source_format,
        source_size=source_size,
        source_bytes=source_bytes,
        size=(SIDE, SIDE),
        seconds=time.perf_counter() - started,
    )


def _stream(source: bytes | BinaryIO) -> BinaryIO:
    return io.BytesIO(source) if isinstance(source, bytes) else source


def _length(stream: BinaryIO) -> int:
    length = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    if length > MAX_BYTES:
        raise TooLarge(f"{length} bytes is over the {MAX_BYTES} byte limit")
    if not length:
        raise NotAnImage("the file is empty")
    return length


def _open(stream: BinaryIO) -> Image.Image:
    """Open the header with only the accepted formats' parsers; refuse by the pixel count."""
    head = stream.read(256)
    stream.seek(0)
    try:
        image = Image.open(stream, formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise TooManyPixels(str(error)) from error
    except UnidentifiedImageError as error:
        raise _unidentified(head) from error
    except Exception as error:
        raise DamagedImage(str(error)) from error
    width, height = image.size
    if width * height > MAX_PIXELS:
        image.close()
        raise TooManyPixels(f"{width}x{height} is over {MAX_PIXELS} pixels")
    return image


def _unidentified(head: bytes) -> AvatarError:
    """Name what Pillow's accepted parsers could not open, from the file's first bytes."""
    if head.startswith(ACCEPTED_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return DamagedImage("the header of an accepted format is broken")
    if head[4:8] == b"ftyp" and head[8:12] in ISO_BRANDS:
        return UnsupportedFormat(ISO_BRANDS[head[8:12]])
    if b"<svg" in head.lower() or head.lstrip().startswith(b"<?xml"):
        return UnsupportedFormat("SVG")
    if head.startswith(b"BM") and head[6:10] == bytes(4):  # "BM", size, then four zero bytes
        return UnsupportedFormat("BMP")
    for signature, name in OTHER_SIGNATURES.items():
        if head.startswith(signature):
            return UnsupportedFormat(name)
    return NotAnImage("no accepted image format matches the file's contents")


def _square(image: Image.Image) -> Image.Image:
    """Decode as little as possible; return the upright centre square, SIDE pixels wide."""
    scale = 2 * SIDE / min(image.size)
    # JPEG only: the decoder's DCT scaling skips the detail we would throw away, so a 24 MP
    # photo is decoded at 1/4 size and its full-size pixels never exist.
    image.draft(None, (math.ceil(image.width * scale), math.ceil(image.height * scale)))
    square = _reduced_centre(image).resize((SIDE, SIDE), Image.Resampling.LANCZOS)
    return _upright(square, image.info)


def _upright(square: Image.Image, info: dict) -> Image.Image:
    """Apply the source's EXIF orientation to the small square: a centre crop turns with it."""
    square.info = info
    try:
        return ImageOps.exif_transpose(square)
    # Broken EXIF is common in real photos and is dropped anyway: keep the pixels as stored.
    except (SyntaxError, ValueError, OSError, struct.error):
        return square


def _reduced_centre(image: Image.Image) -> Image.Image:
    """The centre square in RGB(A), box-reduced by a whole factor but not below 2 x SIDE.

    A strip at a time, so the memory needed is the decoded file plus one strip: converting the
    whole image, or Pillow's premultiplied copy of one with alpha, would each cost its size again.
    """
    left, top, right, bottom = _centre_square(image.size)
    side = right - left
    factor = max(1, side // (2 * SIDE))
    rows = 16 * factor
    reduced = None
    for y in range(top, bottom, rows):
        strip = _rgb(image.crop((left, y, right, min(y + rows, bottom)))).reduce(factor)
        if reduced is None:
            reduced = Image.new(strip.mode, (math.ceil(side / factor),) * 2)
        reduced.paste(strip, (0, (y - top) // factor))
    return reduced


def _rgb(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when the source has transparency: the modes a WebP file stores."""
    if image.mode.startswith("I"):
        # 16-bit greyscale: Pillow's own conversion clips everything above 255 to white.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode in {"RGB", "RGBA"}:
        return image
    return image.convert("RGBA" if image.has_transparency_data else "RGB")


def _centre_square(size: tuple[int, int]) -> tuple[int, int, int, int]:
    width, height = size
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    return left, top, left + side, top + side


def _encode(image: Image.Image) -> bytes:
    """WebP with no exif, icc_profile or xmp argument: Pillow then writes no metadata at all."""
    out = io.BytesIO()
    image.save(out, "WEBP", quality=QUALITY)
    return out.getvalue()
