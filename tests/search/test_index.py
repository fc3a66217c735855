"""The search index over plain dicts: English stemming, Chinese words, kinds, deletes."""

from __future__ import annotations

from pathlib import Path

from search import SearchIndex

DOCS = [
    {"id": "product:1", "kind": "product", "title": "Celadon teacups", "body": "Wheel-thrown 青瓷茶杯, 120 ml", "price": 4800, "audience": "PUBLIC"},
    {"id": "product:2", "kind": "product", "title": "Trail running vest", "body": "Two soft flasks", "price": 45900, "audience": "PUBLIC"},
    {"id": "post:3", "kind": "post", "title": "", "body": "I run every morning with my vest", "audience": "FRIENDS"},
]  # fmt: skip


def test_stemming_chinese_words_and_kinds(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path)
    assert index.add(DOCS) == 3
    assert index.query("teacup").ids == ["product:1"]
    assert index.query("茶杯").ids == ["product:1"]
    assert set(index.query("runs").ids) == {"product:2", "post:3"}
    assert index.query("vest", kinds=["product"]).ids == ["product:2"]
    assert index.query("vest", audiences=["PUBLIC"]).ids == ["product:2"]
    assert "<mark" in index.query("茶杯").hits[0].highlight
    assert index.query("   ").ids == []


def test_update_delete_reopen_and_clear(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path)
    index.add(DOCS)
    index.add([{**DOCS[0], "title": "Snow glaze bowl", "body": "white"}])
    assert index.query("teacup").ids == []
    assert index.query("bowl").ids == ["product:1"]
    index.delete(["product:2"])
    assert index.query("vest").ids == ["post:3"]
    assert SearchIndex(tmp_path).query("bowl").ids == ["product:1"]  # persisted on disk
    index.clear()
    assert index.query("vest").ids == []


def test_a_failed_commit_does_not_keep_the_write_lock(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from whoosh.writing import SegmentWriter

    index = SearchIndex(tmp_path)

    def broken_commit(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(SegmentWriter, "commit", broken_commit)
        try:
            index.add(DOCS)
        except RuntimeError:
            pass
        else:
            raise AssertionError("the commit should have failed")
    assert index.add(DOCS) == 3  # the lock was released: writing works again
    assert index.query("teacup").ids == ["product:1"]
