"""PUT/GET/DELETE /orgs/{id}/logo: only real 150×150 PNG/JPEG ≤ 1 MB, cleaned, in S3."""

from __future__ import annotations

import io

import pytest

from chalicelib import aws, settings, storage
from tests.support import images, seed_world

PNG = {"Content-Type": "image/png"}
JPG = {"Content-Type": "image/jpeg"}


@pytest.fixture
def world(api):
    """The seed's world with the customer's team (its guest may look but not upload)."""
    return seed_world(api, team=True)


def objects(org_id: str) -> dict[str, bytes]:
    """Everything stored under the org in bucket `files` (listing the bucket, not trusting the API)."""
    s3 = aws.client("s3")
    bucket = settings.bucket_name("files")
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=storage.org_prefix(org_id))
    return {
        o["Key"]: s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()
        for o in listed.get("Contents", [])
    }


def upload(api, org, token, data, headers=PNG, lang=None):
    h = dict(headers)
    if lang:
        h["Accept-Language"] = lang
    return api.put(f"/orgs/{org}/logo", token, body=data, headers=h)


BAD_FILES = [
    # name, bytes, content type, expected status, reason
    ("png 100x100", lambda: images.png((100, 100)), PNG, 422, "dimensions"),
    ("png 149x149", lambda: images.png((149, 149)), PNG, 422, "dimensions"),
    ("png 300x120", lambda: images.png((300, 120)), PNG, 422, "dimensions"),
    ("png 150x151", lambda: images.png((150, 151)), PNG, 422, "dimensions"),
    ("jpeg 16x16", lambda: images.jpeg((16, 16)), JPG, 422, "dimensions"),
    ("jpeg 400x150", lambda: images.jpeg((400, 150)), JPG, 422, "dimensions"),
    ("1 MB + 1 byte", images.too_big_by_one_byte, PNG, 413, "too_big"),
    ("gif", lambda: images.image("GIF", mode="P"), PNG, 415, "format"),
    ("animated gif", images.animated_gif, PNG, 415, "format"),
    ("bmp", lambda: images.image("BMP"), PNG, 415, "format"),
    ("webp", lambda: images.image("WEBP"), PNG, 415, "format"),
    ("tiff", lambda: images.image("TIFF"), JPG, 415, "format"),
    ("ico", lambda: images.image("ICO", (64, 64)), PNG, 415, "format"),
    ("svg", images.svg, PNG, 415, "format"),
    ("text", lambda: b"Das ist kein Bild.\n", PNG, 415, "format"),
    ("pdf", lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", PNG, 415, "format"),
    ("zero bytes", lambda: b"", PNG, 400, "empty"),
    ("png with a jpeg header", lambda: b"\xff\xd8\xff\xe0" + images.png()[4:], PNG, 422, "unreadable"),
    ("jpeg with a png signature", lambda: images.png()[:8] + images.jpeg()[8:], JPG, 422, "unreadable"),
    ("truncated png", lambda: images.png()[: len(images.png()) // 2], PNG, 422, "unreadable"),
    ("truncated jpeg", lambda: images.jpeg()[:400], JPG, 422, "unreadable"),
    ("png signature + garbage", lambda: b"\x89PNG\r\n\x1a\n" + b"\x13\x37" * 200, PNG, 422, "unreadable"),
    ("decompression bomb 20000x20000", images.decompression_bomb, PNG, 422, "dimensions"),
    ("65535x65535 header, tiny payload", images.huge_header_tiny_payload, PNG, 422, "dimensions"),
    ("jpeg header claiming 60000x60000", lambda: images.jpeg_claiming(60000, 60000), JPG, 422, "dimensions"),
    ("animated png", images.animated_png, PNG, 422, "animated"),
]


def test_every_bad_file_is_refused_with_a_clear_message_and_nothing_is_stored(api, world):
    org = world.customer_id
    assert len(BAD_FILES) >= 20
    for name, make, headers, status, reason in BAD_FILES:
        data = make()
        r = upload(api, org, world.partner_token, data, headers)
        assert r.status == status, (name, r)
        assert r.headers["Content-Type"] == "application/problem+json", name
        assert r.json["reason"] == reason, (name, r.json)
        assert r.json["errors"] == [{"field": "logo", "code": f"logo_{reason}", "message": r.json["detail"]}]
        assert objects(org) == {}, name
    log = api.get(f"/orgs/{org}/audit", world.partner_token).json["items"]
    assert not any(e["action"].startswith("logo.") for e in log)


def test_bad_upload_leaves_the_previous_logo_untouched(api, world):
    org = world.customer_id
    assert upload(api, org, world.partner_token, images.png()).status == 200
    before = objects(org)
    for _, make, headers, _, _ in BAD_FILES:
        upload(api, org, world.partner_token, make(), headers)
    assert objects(org) == before


def test_wrong_content_type_is_a_problem_415_before_the_body_is_read(api, world):
    for ctype in ("image/gif", "text/plain", "application/json", "multipart/form-data"):
        r = upload(api, world.customer_id, world.partner_token, images.png(), {"Content-Type": ctype})
        assert r.status == 415, (ctype, r)
        assert r.headers["Content-Type"] == "application/problem+json"
        assert r.json["status"] == 415
    assert objects(world.customer_id) == {}


def test_messages_in_german_and_english(api, world):
    org = world.customer_id
    r = upload(api, org, world.partner_token, images.png((300, 120)))
    assert r.json["detail"].startswith("Das Logo muss 150×150 Pixel groß sein, hochgeladen: 300×120")
    r = upload(api, org, world.partner_token, images.png((300, 120)), lang="en-GB,en;q=0.9")
    assert r.json["detail"].startswith("The logo must be 150×150 pixels, uploaded: 300×120")
    r = upload(api, org, world.partner_token, images.decompression_bomb(), lang="de")
    assert "hochgeladen: 20000×20000" in r.json["detail"]
    r = upload(api, org, world.partner_token, images.jpeg_claiming(60000, 60000), JPG, lang="en")
    assert "uploaded: 60000×60000" in r.json["detail"]
    r = upload(api, org, world.partner_token, images.too_big_by_one_byte(), lang="de-DE")
    assert "höchstens 1 MB" in r.json["detail"] and "1048577 Bytes" in r.json["detail"]
    r = upload(api, org, world.partner_token, images.image("GIF", mode="P"), lang="fr, en;q=0.5")
    assert r.json["detail"] == "The logo must be a PNG or JPEG image; the file is a GIF image."
    # without Accept-Language the org's language decides
    api.patch(f"/orgs/{org}", world.partner_token, {"language": "en"})
    r = upload(api, org, world.partner_token, b"")
    assert r.json["detail"].startswith("The uploaded file is empty")


def _stored_image(org: str):
    from PIL import Image

    data = objects(org)[storage.logo_key(org)]
    img = Image.open(io.BytesIO(data))
    img.load()
    return data, img


def test_valid_png_is_stored_as_clean_png(api, world):
    org = world.customer_id
    r = upload(api, org, world.partner_token, images.png_with_metadata())
    assert r.status == 200, r
    assert r.json["downscaled"] is False and "note" not in r.json
    assert list(objects(org)) == [storage.logo_key(org)]
    data, img = _stored_image(org)
    assert img.format == "PNG" and img.size == (150, 150)
    assert b"Geheimer Name" not in data and b"tEXt" not in data
    assert img.getpixel((20, 20)) == (200, 30, 30)
    assert storage.get("files", storage.logo_key(org)) == data  # the reports' contract


def test_exif_gps_is_stripped_from_a_jpeg(api, world):
    org = world.customer_id
    original = images.jpeg_with_gps()
    assert b"SecretCam" in original and b"Exif" in original
    r = upload(api, org, world.partner_token, original, JPG)
    assert r.status == 200, r
    data, img = _stored_image(org)
    assert img.format == "PNG"
    assert b"SecretCam" not in data and b"eXIf" not in data and b"Exif" not in data
    assert dict(img.getexif()) == {}
    assert "exif" not in img.info and "icc_profile" not in img.info


def test_png_content_type_with_jpeg_bytes_is_judged_by_the_bytes(api, world):
    r = upload(api, world.customer_id, world.partner_token, images.jpeg(), PNG)
    assert r.status == 200, r
    _, img = _stored_image(world.customer_id)
    assert img.format == "PNG"


def test_larger_square_is_downscaled_with_a_note(api, world):
    org = world.customer_id
    r = upload(api, org, world.partner_token, images.png((600, 600)), lang="de")
    assert r.status == 200, r
    assert r.json["downscaled"] is True
    assert r.json["note"] == "Das Bild (600×600) wurde auf 150×150 Pixel verkleinert."
    _, img = _stored_image(org)
    assert img.size == (150, 150)
    r = upload(api, org, world.partner_token, images.jpeg((1000, 1000)), JPG, lang="en")
    assert r.json["note"] == "The image (1000×1000) was scaled down to 150×150 pixels."


def test_transparency_is_kept(api, world):
    transparent = images.solid("RGBA", "PNG", (0, 0, 0, 0))
    assert upload(api, world.customer_id, world.partner_token, transparent).status == 200
    _, stored = _stored_image(world.customer_id)
    assert stored.mode == "RGBA" and stored.getpixel((0, 0))[3] == 0


def test_get_answers_a_short_lived_url_and_delete_removes_it(api, world):
    org = world.customer_id
    assert api.get(f"/orgs/{org}/logo", world.customer_guest).status == 404
    upload(api, org, world.partner_token, images.png())
    r = api.get(f"/orgs/{org}/logo", world.customer_guest)
    assert r.status == 200, r
    assert r.json["content_type"] == "image/png" and r.json["width"] == 150
    assert (
        storage.logo_key(org) in r.json["url"] and "Expires=" in r.json["url"]
    ) or "X-Amz-Expires" in r.json["url"]
    assert api.delete(f"/orgs/{org}/logo", world.customer_guest).status == 403
    assert objects(org) != {}
    r = api.delete(f"/orgs/{org}/logo", world.partner_token)
    assert r.status == 204, r
    assert objects(org) == {}
    assert api.get(f"/orgs/{org}/logo", world.partner_token).status == 404
    assert api.delete(f"/orgs/{org}/logo", world.partner_token).status == 404
    actions = [e["action"] for e in api.get(f"/orgs/{org}/audit", world.partner_token).json["items"]]
    assert actions[:2] == ["logo.deleted", "logo.updated"]


def test_guests_cannot_upload_and_strangers_see_nothing(api, world):
    org = world.customer_id
    assert upload(api, org, world.customer_guest, images.png()).status == 403
    assert upload(api, org, world.other_token, images.png()).status == 404
    assert api.get(f"/orgs/{org}/logo", world.other_token).status == 404
    assert upload(api, org, None, images.png()).status == 401
    assert objects(org) == {}


def test_logo_of_the_partner_org_is_its_own(api, world):
    assert upload(api, world.partner_id, world.partner_token, images.png()).status == 200
    assert list(objects(world.partner_id)) == [storage.logo_key(world.partner_id)]
    assert objects(world.customer_id) == {}


def test_other_pixel_formats_are_normalised(api, world):
    encoded = images.solid
    cases = [
        (encoded("I;16", "PNG", 30000), PNG, "RGB", (117, 117, 117)),  # 16-bit grey, scaled
        (encoded("LA", "PNG", (100, 50)), PNG, "RGBA", (100, 100, 100, 50)),
        (encoded("P", "PNG", 0, transparency=0), PNG, "RGBA", (0, 0, 0, 0)),
        (encoded("L", "JPEG", 100), JPG, "RGB", (100, 100, 100)),
        (encoded("CMYK", "JPEG", (0, 0, 0, 0)), JPG, "RGB", (255, 255, 255)),
    ]
    for data, headers, mode, pixel in cases:
        r = upload(api, world.customer_id, world.partner_token, data, headers)
        assert r.status == 200, (mode, r)
        _, img = _stored_image(world.customer_id)
        assert (img.mode, img.size, img.getpixel((5, 5))) == (mode, (150, 150), pixel)
