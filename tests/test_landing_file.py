"""The crawl's landing file read back: records by kind, bodies decoded only for pages, a torn last line skipped."""

from __future__ import annotations

import base64
import binascii
import json

import pytest

from spiders.crawl import read_landing
from spiders.items import FetchedPage, FetchRecord


def _landing(tmp_path, body_b64: str):
    page = {"url": "https://a.example/1", "final_url": "https://a.example/1", "source": "a", "status": 200,
            "headers": {}, "content_type": "text/html", "fetched_at": "2026-12-01T00:00:00+00:00",
            "body": body_b64, "kind": "page"}  # fmt: skip
    fetch = FetchRecord("https://a.example/1", "a", "page", 200, None, None, page["fetched_at"]).to_dict()
    path = tmp_path / "landing.jsonl"
    lines = [json.dumps(page), json.dumps({**fetch, "kind": "fetch"}), '{"url": "https://a.example/2", "kin']
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_records_come_back_typed_and_a_torn_line_is_skipped(tmp_path):
    path = _landing(tmp_path, base64.b64encode(b"<html>1</html>").decode())
    records = list(read_landing(path))
    assert [type(r) for r in records] == [FetchedPage, FetchRecord]
    assert records[0].body == b"<html>1</html>"
    assert [type(r) for r in read_landing(path, "page")] == [FetchedPage]


def test_reading_the_fetch_records_does_not_decode_page_bodies(tmp_path):
    path = _landing(tmp_path, "not base64!")
    assert [r.url for r in read_landing(path, "fetch")] == ["https://a.example/1"]
    with pytest.raises(binascii.Error):
        list(read_landing(path, "page"))
