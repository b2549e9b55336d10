"""moto's server with the fixes that AWS provider 5.100.0 needs from moto 5.2.1.

Each patch below mends one defect that makes a Terraform apply against moto fail, hang or
never converge, and says how it shows. Every patch is a wrapper around moto's own method,
so that the rest of moto's behaviour stays as released. `harness/moto_defects.py` checks
each defect against unpatched moto; when a test there reports that moto fixed one, delete
its patch here.

Usage: python3 harness/moto_server.py [--host 127.0.0.1] [--port 0]

With port 0 the system picks a free port. Once the server listens, one JSON line
`{"host": ..., "port": ...}` goes to stdout; request logs go to stderr. Besides moto's
API, the server takes an organization to seed at POST /fleetfile-api/organization.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import Any


def patch_cloudtrail_trail_arn() -> None:
    """StartLogging, StopLogging and DeleteTrail accept the trail's ARN, as AWS does.

    moto looks the trail up by name only: with the ARN the provider passes, StartLogging
    and StopLogging raise KeyError (HTTP 500, which the provider retries until it gives
    up) and DeleteTrail silently deletes nothing.
    """
    from moto.cloudtrail.models import CloudTrailBackend

    def by_name(self: CloudTrailBackend, name_or_arn: str) -> str:
        return self.get_trail(name_or_arn).trail_name

    start, stop, delete = CloudTrailBackend.start_logging, CloudTrailBackend.stop_logging, CloudTrailBackend.delete_trail
    CloudTrailBackend.start_logging = lambda self, name: start(self, by_name(self, name))
    CloudTrailBackend.stop_logging = lambda self, name: stop(self, by_name(self, name))
    CloudTrailBackend.delete_trail = lambda self, name: delete(self, by_name(self, name))


def patch_cloudtrail_describe_name_filter() -> None:
    """DescribeTrails returns only the trails named in trailNameList (by name or ARN).

    moto ignores the list and returns every trail of the account; the provider reads a
    trail with its ARN in the list and fails with "too many results" once an account has
    two trails.
    """
    from moto.cloudtrail.responses import CloudTrailResponse

    describe = CloudTrailResponse.describe_trails

    def describe_trails(self: CloudTrailResponse) -> str:
        body = json.loads(describe(self))
        wanted = set(self._get_param("trailNameList") or [])
        if wanted:
            body["trailList"] = [t for t in body["trailList"] if t["Name"] in wanted or t["TrailARN"] in wanted]
        return json.dumps(body)

    CloudTrailResponse.describe_trails = describe_trails


def patch_tgw_vpc_attachment_tags() -> None:
    """CreateTransitGatewayVpcAttachment keeps the tags of the `transit-gateway-attachment` specification.

    moto reads the tags of a `transit-gateway-route-table` specification instead, so the
    attachment is created untagged and every later plan wants to add its tags again.
    """
    from moto.ec2.responses.transit_gateway_attachments import TransitGatewayAttachment

    create = TransitGatewayAttachment.create_transit_gateway_vpc_attachment

    def create_transit_gateway_vpc_attachment(self: TransitGatewayAttachment) -> Any:
        result = create(self)
        tags = self._parse_tag_specification().get("transit-gateway-attachment", {})
        result.result["TransitGatewayVpcAttachment"].add_tags(tags)
        return result

    TransitGatewayAttachment.create_transit_gateway_vpc_attachment = create_transit_gateway_vpc_attachment


def patch_tgw_vpc_attachment_deleted_state() -> None:
    """A deleted Transit Gateway VPC attachment stays visible by id, in state `deleted`, as in AWS.

    moto forgets it at once; the provider's delete waiter polls by id for state `deleted`,
    counts "not found" answers and fails after minutes. Deleted attachments are kept
    apart, so creating a new attachment for the same VPC still works, and are shown only
    to a describe by id without filters, which is how the provider's waiter asks.
    """
    from moto.ec2.models.transit_gateway_attachments import TransitGatewayAttachmentBackend

    delete = TransitGatewayAttachmentBackend.delete_transit_gateway_vpc_attachment
    describe = TransitGatewayAttachmentBackend.describe_transit_gateway_vpc_attachments

    def deleted(self: Any) -> dict[str, Any]:
        if not hasattr(self, "_fleetfile_deleted_vpc_attachments"):
            self._fleetfile_deleted_vpc_attachments = {}
        return self._fleetfile_deleted_vpc_attachments

    def delete_transit_gateway_vpc_attachment(self: Any, transit_gateway_attachment_id: str) -> Any:
        attachment = delete(self, transit_gateway_attachment_id)
        deleted(self)[attachment.id] = attachment
        return attachment

    def describe_transit_gateway_vpc_attachments(
        self: Any, transit_gateways_attachment_ids: list[str] | None = None, filters: Any = None
    ) -> list[Any]:
        found = describe(self, transit_gateways_attachment_ids, filters)
        if transit_gateways_attachment_ids and not filters:
            found += [a for i, a in deleted(self).items() if i in transit_gateways_attachment_ids]
        return found

    TransitGatewayAttachmentBackend.delete_transit_gateway_vpc_attachment = delete_transit_gateway_vpc_attachment
    TransitGatewayAttachmentBackend.describe_transit_gateway_vpc_attachments = describe_transit_gateway_vpc_attachments


def patch_s3_logging_policy_principal() -> None:
    """PutBucketLogging accepts a target bucket whose policy has `"Principal": "*"` statements.

    moto's check that the policy lets the logging service write calls `.get` on every
    statement's Principal and crashes on the string "*" (HTTP 500, retried, then failed),
    which any policy with a deny-all statement such as DenyInsecureTransport has. The
    check now sees only the statements whose Principal is an object; its logic is moto's.
    """
    from types import SimpleNamespace

    from moto.s3.models import FakeBucket

    check = FakeBucket._log_permissions_enabled_policy

    def _log_permissions_enabled_policy(target_bucket: Any, target_prefix: str | None) -> bool:
        if not target_bucket.policy:
            return check(target_bucket, target_prefix)
        policy = json.loads(target_bucket.policy.decode())
        statements = policy["Statement"] if isinstance(policy["Statement"], list) else [policy["Statement"]]
        policy["Statement"] = [s for s in statements if isinstance(s.get("Principal"), dict)]
        stand_in = SimpleNamespace(
            policy=json.dumps(policy).encode(), partition=target_bucket.partition, name=target_bucket.name
        )
        return check(stand_in, target_prefix)

    FakeBucket._log_permissions_enabled_policy = staticmethod(_log_permissions_enabled_policy)


def patch_kms_describe_other_account() -> None:
    """DescribeKey finds a key or alias named by an ARN of another account, as AWS does
    when the key policy allows it.

    moto looks every key up in the caller's own account, so reading the log archive's
    trail key (`data "aws_kms_key"` with `arn:aws:kms:<region>:<log-archive>:alias/...`)
    from any other account fails with "couldn't find resource". moto checks no key
    policies, so neither does the patch.
    """
    from moto.kms.responses import KmsResponse

    describe = KmsResponse.describe_key

    def describe_key(self: KmsResponse) -> str:
        parts = (self._get_param("KeyId") or "").split(":")
        if parts[0] == "arn" and len(parts) > 5 and parts[4] != self.current_account:
            # Answer from the owner's account and region: moto's kms_backend follows these.
            self.current_account, self.region = parts[4], parts[3]
        return describe(self)

    KmsResponse.describe_key = describe_key


def patch_organizations_config_delegated_admin() -> None:
    """RegisterDelegatedAdministrator accepts `config.amazonaws.com`, which AWS lists among
    the services that support a delegated administrator.

    moto's list has only config-multiaccountsetup.amazonaws.com of AWS Config's two
    principals, and answers "unrecognized service principal".
    """
    from moto.organizations.models import FakeDelegatedAdministrator

    FakeDelegatedAdministrator.SUPPORTED_SERVICES.append("config.amazonaws.com")


PATCHES: dict[str, Callable[[], None]] = {
    "cloudtrail-trail-arn": patch_cloudtrail_trail_arn,
    "cloudtrail-describe-name-filter": patch_cloudtrail_describe_name_filter,
    "tgw-vpc-attachment-tags": patch_tgw_vpc_attachment_tags,
    "tgw-vpc-attachment-deleted-state": patch_tgw_vpc_attachment_deleted_state,
    "s3-logging-policy-principal": patch_s3_logging_policy_principal,
    "kms-describe-other-account": patch_kms_describe_other_account,
    "organizations-config-delegated-admin": patch_organizations_config_delegated_admin,
}
"""Every patch, by the name of the defect it mends (the names `moto_defects.py` reports)."""


def apply_patches() -> None:
    """Applies every patch; call once, before the first request."""
    for patch in PATCHES.values():
        patch()


def seed_organization(spec: dict[str, Any]) -> None:
    """Creates an organization as it exists before fleetfile first runs: managed from
    `spec["management"]`, with every member of `spec["members"]` under its own id.

    Each account is `{"id", "name", "email"}`. moto's CreateAccount draws a random id;
    the inventory's ids are pinned by drawing exactly those. As in AWS, each member gets
    an OrganizationAccountAccessRole, which the providers assume.
    """
    from unittest import mock

    from moto.organizations import utils
    from moto.organizations.models import organizations_backends

    management = spec["management"]
    backend = organizations_backends[management["id"]]["aws"]
    backend.create_organization(region="us-east-1", FeatureSet="ALL")
    backend.org.master_account_email = management["email"]
    backend.accounts[0].name, backend.accounts[0].email = management["name"], management["email"]
    for member in spec["members"]:
        with mock.patch.object(utils, "make_random_account_id", return_value=member["id"]):
            backend.create_account(AccountName=member["name"], Email=member["email"])


SEED_PATH = "/fleetfile-api/organization"
"""Where the server takes an organization to seed: POST, JSON body of `seed_organization`."""


def with_seed_api(app: Callable[..., Any]) -> Callable[..., Any]:
    """The WSGI app, answering POST {SEED_PATH} itself and passing everything else to moto."""

    def seeding_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO") != SEED_PATH or environ.get("REQUEST_METHOD") != "POST":
            return app(environ, start_response)
        try:
            seed_organization(json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))))
        except Exception as cause:  # the caller gets the reason, not a dropped connection
            start_response("400 Bad Request", [("Content-Type", "application/json")])
            return [json.dumps({"error": f"{type(cause).__name__}: {cause}"}).encode()]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"status": "ok"}']

    return seeding_app


def serve(host: str, port: int) -> None:
    """Serves moto on host:port until killed, announcing the bound port on stdout."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    app = with_seed_api(DomainDispatcherApplication(create_backend_app))
    server = make_server(host, port, app, threaded=True)
    bound = server.server_address[1]
    # moto builds some URLs (SQS queues, S3 presigned) from MOTO_PORT.
    os.environ["MOTO_PORT"] = str(bound)
    print(json.dumps({"host": host, "port": bound}), flush=True)
    server.serve_forever()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    # Without AWS managed policies, attaching AdministratorAccess and friends fails.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    apply_patches()
    serve(args.host, args.port)


if __name__ == "__main__":
    main(sys.argv[1:])
