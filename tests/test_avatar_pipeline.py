import io
import struct

import pytest
from PIL import Image

from profiles import avatars
from tests import images


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def processed(data: bytes) -> Image.Image:
    return opened(avatars.process(data).data)


def near(pixel, colour, tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=False))


def riff_chunks(data: bytes) -> set[bytes]:
    chunks, offset = set(), 12
    while offset < len(data):
        size = struct.unpack("<I", data[offset + 4 : offset + 8])[0]
        chunks.add(data[offset : offset + 4])
        offset += 8 + size + size % 2
    return chunks


def test_jpeg_becomes_a_256_pixel_square_webp():
    image = processed(images.jpeg((3000, 2000)))
    assert (image.format, image.size) == ("WEBP", (256, 256))


def test_facts_describe_the_source_and_the_result():
    data = images.jpeg((3000, 2000))
    avatar = avatars.process(data)
    facts = {key: avatar.facts()[key] for key in ("source_format", "source_size", "size")}
    assert facts == {"source_format": "JPEG", "source_size": (3000, 2000), "size": (256, 256)}


def test_facts_count_bytes_and_time():
    data = images.jpeg()
    facts = avatars.process(data).facts()
    assert facts["source_bytes"] == len(data)
    assert facts["output_bytes"] > 0
    assert 0 < facts["seconds"] < 10


def test_facts_leave_out_the_image_bytes():
    assert "data" not in avatars.process(images.jpeg()).facts()


def test_a_file_object_is_read_from_its_start():
    upload = io.BytesIO(images.jpeg())
    upload.seek(100)
    assert processed(upload.getvalue()).size == avatars.process(upload).size


def test_the_centre_square_is_kept():
    image = Image.new("RGB", (900, 300), images.BLUE)
    image.paste(images.RED, (300, 0, 600, 300))
    result = processed(images.encode(image, "PNG"))
    assert near(result.getpixel((3, 3)), images.RED) and near(
        result.getpixel((252, 252)), images.RED
    )


def test_exif_orientation_turns_the_image_upright():
    result = processed(images.rotated_jpeg_with_gps())
    assert near(result.getpixel((200, 128)), images.RED)
    assert near(result.getpixel((50, 128)), images.BLUE)


def test_unreadable_exif_is_ignored_not_refused():
    data = images.encode(images.halves(), "JPEG", exif=b"Exif\x00\x00not a TIFF header")
    assert processed(data).size == (256, 256)


def test_exif_and_gps_are_not_kept():
    avatar = avatars.process(images.rotated_jpeg_with_gps())
    assert not opened(avatar.data).getexif()
    assert b"Exif" not in avatar.data and b"Signal Lab Camera" not in avatar.data


def test_output_has_no_metadata_chunks():
    data = avatars.process(images.rotated_jpeg_with_gps()).data
    assert riff_chunks(data) <= {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}


def test_html_behind_a_png_header_is_not_carried_over():
    data = avatars.process(images.html_behind_png()).data
    assert opened(data).format == "WEBP"
    assert b"<script" not in data and b"html" not in data


def test_cmyk_jpeg_keeps_its_colour():
    assert near(processed(images.cmyk_jpeg()).getpixel((128, 128)), (255, 0, 0))


def test_16_bit_grey_png_keeps_its_level():
    assert near(processed(images.grey16_png(32768)).getpixel((128, 128)), (128, 128, 128), 2)


def test_16_bit_rgb_png_keeps_its_colour():
    assert near(processed(images.rgb16_png()).getpixel((128, 128)), (255, 0, 0), 2)


def test_png_alpha_is_kept():
    result = processed(images.half_transparent_png())
    assert result.mode == "RGBA"
    assert (result.getpixel((10, 128))[3], result.getpixel((245, 128))[3]) == (0, 255)


def test_palette_transparency_is_kept():
    result = processed(images.palette_png_with_transparency())
    assert (result.getpixel((10, 128))[3], result.getpixel((245, 128))[3]) == (0, 255)
    assert near(result.getpixel((245, 128)), images.RED)


def test_opaque_image_is_stored_without_alpha():
    assert processed(images.jpeg()).mode == "RGB"


def test_animated_gif_gives_its_first_frame_only():
    result = processed(images.animated_gif())
    assert getattr(result, "n_frames", 1) == 1
    assert near(result.convert("RGB").getpixel((128, 128)), images.RED)


def test_a_one_pixel_strip_still_gives_a_square():
    assert processed(images.strip()).size == (256, 256)


def test_webp_source_is_accepted():
    assert processed(images.encode(Image.new("RGB", (400, 300), images.RED), "WEBP")).size == (
        256,
        256,
    )


def test_check_reads_only_the_header():
    assert avatars.check(images.bomb_header_only(5000)) == ("PNG", (5000, 5000))


@pytest.mark.parametrize(
    ("make", "error"),
    [
        pytest.param(lambda: b"just some text\n", avatars.NotAnImage, id="text"),
        pytest.param(lambda: b"", avatars.NotAnImage, id="empty"),
        pytest.param(lambda: b"<!doctype html><p>hi</p>", avatars.NotAnImage, id="html"),
        pytest.param(images.svg, avatars.UnsupportedFormat, id="svg"),
        pytest.param(
            lambda: b"\0\0\0\x18ftypheic" + bytes(64), avatars.UnsupportedFormat, id="heic"
        ),
        pytest.param(
            lambda: images.encode(images.halves(), "TIFF"), avatars.UnsupportedFormat, id="tiff"
        ),
        pytest.param(
            lambda: images.encode(images.halves(), "BMP"), avatars.UnsupportedFormat, id="bmp"
        ),
        pytest.param(images.truncated_jpeg, avatars.DamagedImage, id="truncated-jpeg"),
        pytest.param(lambda: images.png()[:40], avatars.DamagedImage, id="truncated-png"),
        pytest.param(
            lambda: b"\x89PNG\r\n\x1a\n" + bytes(40), avatars.DamagedImage, id="broken-png"
        ),
        pytest.param(images.png_bomb, avatars.TooManyPixels, id="png-bomb"),
        pytest.param(lambda: bytes(avatars.MAX_BYTES + 1), avatars.TooLarge, id="too-large"),
    ],
)
def test_refused_files_raise_their_kind_of_error(make, error):
    with pytest.raises(error):
        avatars.process(make())


def test_the_pixel_bomb_compresses_to_under_a_megabyte():
    assert len(images.png_bomb()) < 1_000_000


def test_the_pixel_bomb_is_refused_before_decoding():
    # A corrupt body would fail as damaged if decoding were tried: the header alone refuses it.
    with pytest.raises(avatars.TooManyPixels):
        avatars.process(images.bomb_header_only())


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
def test_just_over_the_pixel_cap_pillows_warning_refuses_it():
    with pytest.raises(avatars.TooManyPixels):
        avatars.process(images.bomb_header_only(6400))


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_just_over_the_pixel_cap_is_refused_even_if_warnings_are_ignored():
    with pytest.raises(avatars.TooManyPixels):
        avatars.process(images.bomb_header_only(6400))


def test_unsupported_format_names_the_format():
    with pytest.raises(avatars.UnsupportedFormat) as refused:
        avatars.process(images.svg())
    assert refused.value.format_name == "SVG"
