"""/progress and /api/v1/progress come pre-compressed to clients that accept gzip, and the same otherwise."""

import gzip

import pytest

from p2c.extensions import db


@pytest.mark.parametrize("path", ["/progress", "/api/v1/progress"])
def test_gzip_and_plain_bodies_are_the_same_document(client, builder, path):
    builder.pledge(status="approved", amount=1000)
    db.session.commit()
    plain = client.get(path)
    zipped = client.get(path, headers={"Accept-Encoding": "gzip, deflate"})
    assert plain.status_code == zipped.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert len(zipped.get_data()) < len(plain.get_data()) / 3
    # One validator per representation; either one gets a 304 while the data is unchanged.
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    for response in (plain, zipped):
        again = client.get(path, headers={"If-None-Match": response.headers["ETag"], "Accept-Encoding": "gzip"})
        assert again.status_code == 304
        assert again.headers["ETag"] == response.headers["ETag"]
        assert "Accept-Encoding" in again.headers["Vary"]


def test_an_approval_changes_the_compressed_page_at_once(client, builder):
    from p2c.core.enums import ReviewStatus
    from p2c.pledges.models import Pledge

    builder.pledge(status="approved", amount=1000)
    pending = builder.pledge(status=ReviewStatus.IN_REVIEW, amount=250)
    db.session.commit()
    before = client.get("/api/v1/progress", headers={"Accept-Encoding": "gzip"})
    assert b'"pledges":1,' in gzip.decompress(before.get_data())
    db.session.get(Pledge, pending.id).status = ReviewStatus.APPROVED
    db.session.commit()
    after = client.get("/api/v1/progress", headers={"Accept-Encoding": "gzip",
                                                    "If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert b'"pledges":2,' in gzip.decompress(after.get_data())
