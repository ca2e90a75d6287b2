"""The archive: files checked by their content and size, downloaded with the token, scoped."""

from __future__ import annotations

import httpx

from talentloop.access.scopes import ApiScope
from talentloop.access.viewer import load_viewer
from talentloop.accounts.api_tokens import create_token
from talentloop.accounts.models import User
from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.records.archive import MAX_BYTES
from talentloop.records.models import ArchiveDocument
from tests.support import Api, World, access_token, gid

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

RECORD = """query($id: ID!) {
  employeeRecord(employeeId: $id) {
    documents { type fileName mediaType size downloadUrl }
    education { school degree }
    emergencyContacts { name phone }
  }
}"""


async def _auth(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {await access_token(user)}"}


async def _upload(
    http: httpx.AsyncClient,
    user: User,
    employee: object,
    content: bytes,
    *,
    type_: str = "DIPLOMA",
    name: str = "毕业证.pdf",
    media: str = "application/octet-stream",
) -> httpx.Response:
    return await http.post(
        "/archive/upload",
        params={"employeeId": gid(employee), "type": type_, "name": name},  # type: ignore[arg-type]
        content=content,
        headers={**(await _auth(user)), "Content-Type": media},
    )


async def test_hr_uploads_a_pdf_and_downloads_it_again(
    api: Api, http: httpx.AsyncClient, world: World
) -> None:
    rep, hr = world.people["sh_rep"], world.users["branch_hr"]
    response = await _upload(http, hr, rep, PDF)
    assert response.status_code == 201, response.text
    assert response.json()["document"]["mediaType"] == "application/pdf"
    record = (await api.data(RECORD, {"id": gid(rep)}, as_=hr))["employeeRecord"]
    [document] = record["documents"]
    assert document["fileName"] == "毕业证.pdf"
    assert document["size"] == len(PDF)
    download = await http.get(document["downloadUrl"], headers=await _auth(hr))
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert (await http.get(document["downloadUrl"])).status_code == 401


async def test_a_file_is_judged_by_its_content_not_its_name(
    http: httpx.AsyncClient, world: World
) -> None:
    rep, hr = world.people["sh_rep"], world.users["branch_hr"]
    fake = await _upload(http, hr, rep, b"MZ\x90\x00 not a pdf", name="scan.pdf")
    assert fake.status_code == 400
    assert fake.json()["errors"] == [
        {
            "field": "file",
            "code": "INVALID",
            "message": "Only PDF, PNG and JPEG files are accepted.",
        }
    ]
    renamed = await _upload(http, hr, rep, PNG, name="photo.pdf")
    assert renamed.status_code == 201
    assert renamed.json()["document"]["fileName"] == "photo.pdf.png"
    assert renamed.json()["document"]["mediaType"] == "image/png"


async def test_a_file_over_10_mb_or_sent_as_a_form_is_refused(
    http: httpx.AsyncClient, world: World
) -> None:
    rep, hr = world.people["sh_rep"], world.users["branch_hr"]
    big = await _upload(http, hr, rep, PDF + b"0" * MAX_BYTES)
    assert big.status_code == 413
    assert big.json()["errors"][0]["message"] == "The file is larger than 10 MB."
    form = await _upload(http, hr, rep, PDF, media="multipart/form-data; boundary=x")
    assert form.status_code == 415
    assert not await ArchiveDocument.exists()


async def test_a_branch_hr_can_neither_upload_to_nor_see_another_branchs_documents(
    api: Api, http: httpx.AsyncClient, world: World
) -> None:
    bj_rep = world.people["bj_rep"]
    refused = await _upload(http, world.users["branch_hr"], bj_rep, PDF)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "NOT_FOUND"
    assert (await _upload(http, world.users["bj_hr"], bj_rep, PDF)).status_code == 201
    [document] = await ArchiveDocument.all()
    other = world.users["branch_hr"]
    assert (
        await http.get(f"/archive/{document.id}", headers=await _auth(other))
    ).status_code == 404
    record = await api.data(RECORD, {"id": gid(bj_rep)}, as_=other)
    assert record["employeeRecord"] is None
    # A manager reads work data of the team, not the archive.
    sh = await _upload(http, world.users["branch_hr"], world.people["sh_rep"], PDF)
    sh_id = sh.json()["document"]["id"]
    manager = world.users["manager"]
    assert (await api.data(RECORD, {"id": gid(world.people["sh_rep"])}, as_=manager))[
        "employeeRecord"
    ] is None
    assert sh_id
    pk = (await ArchiveDocument.filter(employee_id=world.people["sh_rep"].id).first()).id  # type: ignore[union-attr]
    assert (await http.get(f"/archive/{pk}", headers=await _auth(manager))).status_code == 404


async def test_downloading_an_id_copy_is_written_to_the_audit_trail(
    http: httpx.AsyncClient, world: World
) -> None:
    rep, hr = world.people["sh_rep"], world.users["branch_hr"]
    uploaded = await _upload(http, hr, rep, PNG, type_="ID_COPY", name="id.png")
    assert uploaded.status_code == 201
    document = await ArchiveDocument.get(employee_id=rep.id)
    assert (await http.get(f"/archive/{document.id}", headers=await _auth(hr))).status_code == 200
    read = await AuditEntry.get(action=AuditAction.SENSITIVE_READ, employee_id=rep.id)
    assert read.subject_type == "ArchiveDocument"
    assert read.actor_username == "branch_hr"


async def test_the_employee_reads_their_own_record_and_hr_adds_to_it(
    api: Api, world: World
) -> None:
    rep = world.people["sh_rep"]
    add = """mutation($input: AddEmergencyContactInput!) {
      addEmergencyContact(input: $input) { ok errors { field code } }
    }"""
    variables = {
        "input": {
            "employeeId": gid(rep),
            "name": "张伟",
            "relationship": "配偶",
            "phone": "13800138000",
        }
    }
    assert (await api.data(add, variables, as_=world.users["employee"]))["addEmergencyContact"] == {
        "ok": False,
        "errors": [{"field": "id", "code": "FORBIDDEN"}],
    }
    assert (await api.data(add, variables, as_=world.users["branch_hr"]))[
        "addEmergencyContact"
    ] == {"ok": True, "errors": []}
    bad = {"input": {**variables["input"], "phone": "12"}}
    assert (await api.data(add, bad, as_=world.users["branch_hr"]))["addEmergencyContact"][
        "errors"
    ] == [{"field": "phone", "code": "INVALID"}]
    own = (await api.data(RECORD, {"id": gid(rep)}, as_=world.users["employee"]))["employeeRecord"]
    assert own["emergencyContacts"] == [{"name": "张伟", "phone": "13800138000"}]


async def test_an_api_token_reaches_the_archive_only_with_people_scopes(
    api: Api, http: httpx.AsyncClient, world: World
) -> None:
    hr = world.users["hq_hr"]
    viewer = await load_viewer(hr.id)
    _, training_only = await create_token(
        viewer, name="lms", scopes=[ApiScope.READ_TRAINING], expires_in_days=30
    )
    _, people_reader = await create_token(
        viewer, name="erp", scopes=[ApiScope.READ_PEOPLE], expires_in_days=30
    )
    rep = world.people["sh_rep"]
    assert (await _upload(http, hr, rep, PDF)).status_code == 201
    document = await ArchiveDocument.get(employee_id=rep.id)
    url = f"/archive/{document.id}"

    def bearer(secret: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {secret}"}

    assert (await http.get(url, headers=bearer(training_only))).status_code == 404
    assert (await http.get(url, headers=bearer(people_reader))).status_code == 200
    upload = await http.post(
        "/archive/upload",
        params={"employeeId": gid(rep), "type": "OTHER", "name": "x.pdf"},
        content=PDF,
        headers={**bearer(people_reader), "Content-Type": "application/octet-stream"},
    )
    assert upload.status_code == 403
    contracts = await api.http.post(
        "/graphql",
        json={
            "query": "query($id: ID!) { contracts(employeeId: $id) { kind } }",
            "variables": {"id": gid(rep)},
        },
        headers=bearer(training_only),
    )
    # Outside the token's scopes the contracts are as good as absent (records is a people area).
    assert contracts.json() == {"data": {"contracts": []}}
