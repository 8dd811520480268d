"""The documents table: every cited document has a title and a date, read once, shown to people."""

from __future__ import annotations

from pathlib import Path

import pytest

import tradepath as tp
from tradepath.data import DOCUMENT_COLUMNS, cite, cited_files, document_key, load_documents
from tradepath.data.documents import _read_documents


def _every_source(ds: tp.Dataset) -> list[str]:
    return [*ds.observations["source"], *ds.claims["source"], *(t.source for t in ds.targets)]


def test_every_document_the_dataset_cites_has_a_row_and_every_row_is_cited():
    docs = load_documents()
    for name in ("documents", "official"):
        cited = set(cited_files(_every_source(tp.load_dataset(name))))
        assert cited <= set(docs["file"]), cited - set(docs["file"])
    assert set(cited_files(_every_source(tp.load_dataset()))) == set(docs["file"])


def test_each_document_has_a_title_a_date_and_says_where_they_were_found():
    docs = load_documents()
    assert list(docs.columns[:len(DOCUMENT_COLUMNS)]) == list(DOCUMENT_COLUMNS)
    assert docs["file"].is_unique and (docs["title"].str.len() > 10).all()
    assert docs["date"].str.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?").all()
    assert (docs["note"].str.contains("line")).all()
    # a title in brackets is a description: only where the document states no title
    described = docs["title"].str.startswith("[")
    assert (docs.loc[described, "title_original"] == "").all()
    assert (docs.loc[~described, "title_original"] != "").all()
    row = docs.set_index("file").loc["002_3316c04a18ef4a96.txt"]
    assert row["date"] == "2025-08-07" and bool(row["date_stated"])
    assert row["label"].endswith("(7 Aug 2025)")
    inferred = docs.set_index("file").loc["001_677ac78c872fa860.txt"]
    assert not inferred["date_stated"] and inferred["label"].endswith("(c. Jun 2021)")


def test_cite_gives_title_and_date_and_keeps_what_is_not_a_document():
    label = load_documents().set_index("file").loc["003_52f2d3f700705abe.txt", "label"]
    assert cite("003_52f2d3f700705abe.txt:29") == f"{label}, line 29"
    assert cite("003_52f2d3f700705abe.txt:21; 003_52f2d3f700705abe.txt:29",
                short=True) == "[4] lines 21, 29"
    assert cite("000_2920eb19ced8fdd6.txt:8; 001_677ac78c872fa860.txt:3",
                short=True) == "[1] line 8; [2] line 3"
    assert cite("user") == "user"
    url = "https://example.org/a.html"
    assert cite(url) == url and cite(f"{url}; 002_3316c04a18ef4a96.txt:5", short=True) \
        == f"{url}; [3] line 5"
    key = document_key(["002_3316c04a18ef4a96.txt:5", "user"])
    assert key["ref"].tolist() == ["[3]"] and key["file"].tolist() == ["002_3316c04a18ef4a96.txt"]
    assert document_key(["user"]).empty


def test_human_outputs_show_titles_and_frames_keep_file_names():
    ds = tp.load_dataset()
    assert ds.observations["source"].iloc[0] == "003_52f2d3f700705abe.txt:29"
    html = ds._repr_html_()
    assert "Communist Review, c. 2023), line 29" in html and ".txt:29" not in html


def test_load_documents_returns_a_copy():
    docs = load_documents()
    docs.loc[0, "title"] = "changed"
    assert load_documents().loc[0, "title"] != "changed"


@pytest.mark.parametrize(("row", "field"), [
    ("a.txt,,,,,2024,yes,,", "title"),
    ("a.txt,A title,,,,24 May 2024,yes,,", "date"),
    ("a.txt,A title,,,,2024-13,yes,,", "date"),
    ("a.txt,A title,,,,2024,maybe,,", "date_stated"),
])
def test_a_malformed_documents_table_names_line_and_field(tmp_path: Path, row: str, field: str):
    path = tmp_path / "documents.csv"
    path.write_text(",".join(DOCUMENT_COLUMNS) + "\n" + row + "\n", encoding="utf-8")
    with pytest.raises(tp.DataError, match=field) as info:
        _read_documents(path)
    assert info.value.row == 2


def test_a_document_listed_twice_is_refused(tmp_path: Path):
    path = tmp_path / "documents.csv"
    path.write_text(",".join(DOCUMENT_COLUMNS) + "\n" + "a.txt,A title,,,,2024,no,,\n" * 2,
                    encoding="utf-8")
    with pytest.raises(tp.DataError, match="more than once"):
        _read_documents(path)
