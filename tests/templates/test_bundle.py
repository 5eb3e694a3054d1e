"""Template bundles are checked before anything in them is read: sizes, zip paths, links,
which files may be there at all, the manifest, and every checksum."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from loomworks.errors import ValidationFailed
from loomworks.templates import bundle
from loomworks.templates.bundle import check_files, read_directory, read_zip
from template_bundles import ENTITY, files_of, write_folder, zipped


def problems(call: Any, *args: Any) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        call(*args)
    return {d.field: d.message for d in caught.value.details}


def test_a_valid_bundle_reads_into_definitions_and_data() -> None:
    read = read_zip(zipped(files_of()))
    assert read.key == "tiny_crm" and str(read.version) == "1.0.0"
    assert read.definitions == {"entity": {"company": ENTITY}}
    assert read.data["company"][1] == {"name": "海港食品"}
    assert read.works_on("0.1.0") and not read.works_on("1.2.0")
    assert "1.4" in read.requires()["base"]


def test_a_zipped_folder_and_a_library_folder_read_the_same(tmp_path: Path) -> None:
    files = files_of()
    assert read_zip(zipped({f"tiny_crm/{n}": c for n, c in files.items()})) == read_zip(zipped(files))
    finder = {f"tiny_crm/{n}": c for n, c in files.items()}
    finder.update({"__MACOSX/tiny_crm/._manifest.json": b"\x00", "tiny_crm/.DS_Store": b"\x00"})
    assert read_zip(zipped(finder)) == read_zip(zipped(files))  # what macOS adds is ignored
    assert read_directory(write_folder(tmp_path, files)) == read_zip(zipped(files))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../evil.json", "leaves the bundle's folder"),
        ("entities/../../evil.json", "leaves the bundle's folder"),
        ("/etc/passwd", "is not a relative path inside the bundle"),
        ("C:/windows.json", "is not a relative path inside the bundle"),
        ("entities\\deal.json", "is not a relative path inside the bundle"),
    ],
)
def test_paths_that_leave_the_bundle_are_refused_before_anything_is_read(name: str, message: str) -> None:
    assert problems(read_zip, zipped({**files_of(), name: b"{}"})) == {name: message}


def test_links_and_code_are_not_part_of_a_bundle() -> None:
    link = zipped({**files_of(), "entities/deal.json": b"/etc/passwd"}, links=("entities/deal.json",))
    assert problems(read_zip, link) == {"entities/deal.json": "is a link; a bundle holds plain files only"}
    found = problems(read_zip, zipped({**files_of(), "hooks/install.py": b"import os", "entities/Deal.json": b"{}"}))
    assert set(found) == {"hooks/install.py", "entities/Deal.json"}
    assert all("is not part of a bundle" in m for m in found.values())


def test_sizes_are_capped_whatever_the_headers_say(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundle, "MAX_FILE_BYTES", 1000)
    bomb = files_of(**{"data/company.json": json.dumps([{"name": "x" * 50}] * 100).encode()})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in bomb.items():
            archive.writestr(name, content)
    assert problems(read_zip, out.getvalue()) == {"data/company.json": "is larger than 1000 bytes"}
    monkeypatch.setattr(bundle, "MAX_ZIP_BYTES", 100)
    assert problems(read_zip, zipped(files_of())) == {"file": "is larger than 100 bytes"}
    assert problems(read_zip, b"not a zip") == {"file": "is not a zip archive"}


def test_every_file_must_match_its_checksum_and_be_listed() -> None:
    files = files_of()
    tampered = {**files, "entities/company.json": json.dumps({**ENTITY, "label": {"en": "X"}}).encode()}
    assert problems(check_files, tampered) == {
        "entities/company.json": "does not match its checksum: the file was changed or damaged"
    }
    extra = {**files, "roles/admin2.json": b"{}"}
    assert problems(check_files, extra) == {"roles/admin2.json": "is not listed in the manifest's checksums"}
    missing = {k: v for k, v in files.items() if k != "data/company.json"}
    assert problems(check_files, missing) == {
        "manifest.json.checksums.data/company.json": "names a file the bundle lacks"
    }


def test_the_manifest_is_checked_against_its_schema_and_its_ranges() -> None:
    assert problems(check_files, {"entities/company.json": b"{}"}) == {"manifest.json": "is missing"}
    found = problems(check_files, files_of(manifest={"title": {"en": "only English"}, "loomworks": "soon"}))
    assert found == {"manifest.json.title.zh-CN": "is required"}
    found = problems(check_files, files_of(manifest={"loomworks": "soon", "requires": {"base": "=>1"}}))
    assert found == {
        "manifest.json.loomworks": "'soon' is not a version range (>=1.0,<2)",
        "manifest.json.requires.base": "'=>1' is not a version range (>=1.0,<2)",
    }
    assert "manifest.json" in problems(check_files, {**files_of(), "manifest.json": b"\xff"})


def test_definitions_are_named_by_their_files_and_data_is_rows() -> None:
    wrong = files_of(
        **{"entities/company.json": json.dumps({**ENTITY, "key": "firm"}).encode(), "data/deal.json": b"{}"}
    )
    assert problems(check_files, wrong) == {
        "entities/company.json.key": "must be 'company', the file's name",
        "data/deal.json": "must hold a list of records (JSON objects)",
    }
    wrong_kind = files_of(**{"roles/company.json": json.dumps({"kind": "entity", "key": "company"}).encode()})
    assert problems(check_files, wrong_kind) == {"roles/company.json.kind": "must be 'role' in this folder"}


def test_definitions_have_their_kinds_shape_and_extensions_add_only_fields_or_grants() -> None:
    import json

    from template_bundles import app_files

    bad_entity = {"key": "deal", "label": {"en": "Deal"}, "fields": ["name"], "title_field": ["name"]}
    bad_role = {"key": "seller", "label": {"en": "Seller"}, "grants": [], "inherits": 5}
    odd_extension = {"key": "account", "extend": True, "fields": [{"key": "x"}], "label": {"en": "X"}}
    rule_extension = {"key": "welcome", "extend": True, "actions": []}
    files = app_files(
        "bad",
        "1.0.0",
        {
            "entities/deal.json": bad_entity,
            "roles/seller.json": bad_role,
            "entities/account.json": odd_extension,
            "rules/welcome.json": rule_extension,
        },
    )
    found = problems(check_files, files)
    assert found["entities/deal.json.fields.0"].startswith("'name' is not of type 'object'")
    assert "title_field" in " ".join(found)
    assert "roles/seller.json.inherits" in found
    assert found["entities/account.json.label"] == "unknown property"
    assert found["entities/account.json.fields.0"] == "needs key, type, label"
    assert found["rules/welcome.json.extend"] == "only entities and roles can be extended, not a rule"
    assert json.loads(files["manifest.json"])["key"] == "bad"
