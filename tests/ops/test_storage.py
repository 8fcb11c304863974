"""Stored files in an S3-compatible object store (moto's in-process S3): results are written
there through the storage API, downloaded through the same access-checked view (streamed, or
a presigned redirect), and backed up and restored."""

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from motcua.ops.backup import backup, read_manifest, restore

BUCKET = "motcua-test-files"


@pytest.fixture
def s3(settings):
    moto = pytest.importorskip("moto")
    boto3 = pytest.importorskip("boto3")
    with moto.mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
        settings.STORAGES = {**settings.STORAGES, "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": BUCKET, "region_name": "us-east-1",
                        "access_key": "test", "secret_key": "test", "default_acl": None,
                        "file_overwrite": False, "querystring_auth": True},
        }}
        settings.MOTCUA_X_ACCEL_REDIRECT_PREFIX = "/protected-media/"  # ignored for S3
        yield boto3.client("s3", region_name="us-east-1")


def _login(world):
    client = Client()
    client.force_login(world.receptionist)
    return client


@pytest.mark.django_db
def test_result_file_lives_in_the_bucket_and_is_streamed(s3, bring, world):
    dossier = bring("returned")
    name = dossier.result_file.name
    stored = s3.get_object(Bucket=BUCKET, Key=name)["Body"].read()
    assert stored.startswith(b"%PDF")
    response = _login(world).get(f"/can-bo/ho-so/{dossier.code}/ket-qua/")
    assert response.status_code == 200
    assert "X-Accel-Redirect" not in response  # nginx cannot map a bucket object
    assert b"".join(response.streaming_content) == stored
    assert response["Content-Disposition"].startswith("attachment")
    # Access is still checked first.
    anonymous = Client().get(f"/can-bo/ho-so/{dossier.code}/ket-qua/")
    assert anonymous.status_code == 302


@pytest.mark.django_db
def test_presigned_redirect(s3, bring, world, settings):
    settings.MOTCUA_S3_PRESIGNED_SECONDS = 60
    dossier = bring("returned")
    response = _login(world).get(f"/can-bo/ho-so/{dossier.code}/ket-qua/")
    assert response.status_code == 302
    location = response["Location"]
    assert BUCKET in location and "Signature" in location and "Expires=" in location
    assert "response-content-disposition=attachment" in location


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_through_the_bucket(s3, bring, tmp_path):
    dossier = bring("returned")
    name = dossier.result_file.name
    content = default_storage.open(name).read()
    folder = backup(tmp_path / "b")
    assert list(read_manifest(folder)["media"]["files"]) == [name]
    s3.delete_object(Bucket=BUCKET, Key=name)
    assert not default_storage.exists(name)
    restore(folder)
    assert default_storage.open(name).read() == content
