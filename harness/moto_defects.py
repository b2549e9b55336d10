"""Checks, in-process, whether each moto defect that moto_server.py patches is present.

Usage: python3 harness/moto_defects.py [--patched]

Prints one JSON object: for each defect name (the keys of moto_server.PATCHES),
`{"present": bool, "detail": str}`. Without --patched it checks moto as released: a
defect reported absent there means moto fixed it, and its patch can go. With --patched
it checks that each patch works.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

REGION = "us-east-1"


def client(service: str) -> Any:
    import boto3

    return boto3.client(service, region_name=REGION)


def two_trails() -> tuple[Any, list[dict[str, Any]]]:
    """A bucket and two trails logging to it; returns the client and both trails."""
    client("s3").create_bucket(Bucket="fleetfile-probe-trails")
    trails = client("cloudtrail")
    created = [trails.create_trail(Name=name, S3BucketName="fleetfile-probe-trails") for name in ("first", "second")]
    return trails, created


def cloudtrail_trail_arn() -> tuple[bool, str]:
    trails, (first, second) = two_trails()
    failures = []
    for operation, expected in (("start_logging", True), ("stop_logging", False)):
        try:
            getattr(trails, operation)(Name=first["TrailARN"])
        except Exception as cause:  # moto's KeyError surfaces as whatever the mock raises
            failures.append(f"{operation} with the ARN raised {type(cause).__name__}: {cause}")
            continue
        if trails.get_trail_status(Name="first")["IsLogging"] != expected:
            failures.append(f"{operation} with the ARN left IsLogging at {not expected}")
    trails.delete_trail(Name=second["TrailARN"])
    if any(t["Name"] == "second" for t in trails.describe_trails()["trailList"]):
        failures.append("delete_trail with the ARN left the trail in place")
    return bool(failures), "; ".join(failures) or "StartLogging, StopLogging and DeleteTrail accept the ARN"


def cloudtrail_describe_name_filter() -> tuple[bool, str]:
    trails, (first, _) = two_trails()
    found = [t["Name"] for t in trails.describe_trails(trailNameList=[first["TrailARN"]])["trailList"]]
    return found != ["first"], f"DescribeTrails asked for the first trail's ARN returned {found}"


def tgw_vpc_attachment() -> tuple[Any, str]:
    """A transit gateway and a VPC attachment tagged Name=probe; returns the client and attachment id."""
    ec2 = client("ec2")
    gateway = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    attachment = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=gateway,
        VpcId=vpc,
        SubnetIds=[subnet],
        TagSpecifications=[{"ResourceType": "transit-gateway-attachment", "Tags": [{"Key": "Name", "Value": "probe"}]}],
    )["TransitGatewayVpcAttachment"]
    return ec2, attachment["TransitGatewayAttachmentId"]


def tgw_vpc_attachment_tags() -> tuple[bool, str]:
    ec2, attachment = tgw_vpc_attachment()
    found = ec2.describe_transit_gateway_vpc_attachments(TransitGatewayAttachmentIds=[attachment])
    tags = found["TransitGatewayVpcAttachments"][0].get("Tags", [])
    return tags != [{"Key": "Name", "Value": "probe"}], f"attachment created with tag Name=probe has tags {tags}"


def tgw_vpc_attachment_deleted_state() -> tuple[bool, str]:
    ec2, attachment = tgw_vpc_attachment()
    ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attachment)
    found = ec2.describe_transit_gateway_vpc_attachments(TransitGatewayAttachmentIds=[attachment])
    states = [a["State"] for a in found["TransitGatewayVpcAttachments"]]
    return states != ["deleted"], f"a deleted attachment described by id has states {states}"


def s3_logging_policy_principal() -> tuple[bool, str]:
    s3 = client("s3")
    s3.create_bucket(Bucket="fleetfile-probe-logs")
    s3.create_bucket(Bucket="fleetfile-probe-source")
    arn = "arn:aws:s3:::fleetfile-probe-logs"
    statements = [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [arn, f"{arn}/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
         "Resource": f"{arn}/*"},
    ]
    s3.put_bucket_policy(Bucket="fleetfile-probe-logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    try:
        s3.put_bucket_logging(
            Bucket="fleetfile-probe-source",
            BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "fleetfile-probe-logs", "TargetPrefix": "source/"}},
        )
    except Exception as cause:
        return True, f"PutBucketLogging to a bucket whose policy has Principal \"*\" raised {type(cause).__name__}: {cause}"
    return False, "PutBucketLogging accepts a target policy with Principal \"*\" statements"


def kms_describe_other_account() -> tuple[bool, str]:
    key = client("kms").create_key()["KeyMetadata"]
    client("kms").create_alias(AliasName="alias/probe", TargetKeyId=key["KeyId"])
    alias_arn = key["Arn"].split(":key/")[0] + ":alias/probe"
    credentials = client("sts").assume_role(RoleArn="arn:aws:iam::210987654321:role/probe", RoleSessionName="probe")
    import boto3

    other = boto3.client(
        "kms",
        region_name=REGION,
        aws_access_key_id=credentials["Credentials"]["AccessKeyId"],
        aws_secret_access_key=credentials["Credentials"]["SecretAccessKey"],
        aws_session_token=credentials["Credentials"]["SessionToken"],
    )
    try:
        found = other.describe_key(KeyId=alias_arn)["KeyMetadata"]["KeyId"]
    except Exception as cause:
        return True, f"DescribeKey from another account with {alias_arn} raised {type(cause).__name__}: {cause}"
    return found != key["KeyId"], f"DescribeKey from another account with the alias ARN found key {found}"


def organizations_config_delegated_admin() -> tuple[bool, str]:
    organizations = client("organizations")
    organizations.create_organization(FeatureSet="ALL")
    member = organizations.create_account(AccountName="probe", Email="probe@example.com")["CreateAccountStatus"]
    try:
        organizations.register_delegated_administrator(
            AccountId=member["AccountId"], ServicePrincipal="config.amazonaws.com"
        )
    except Exception as cause:
        return True, f"RegisterDelegatedAdministrator for config.amazonaws.com raised {type(cause).__name__}: {cause}"
    return False, "RegisterDelegatedAdministrator accepts config.amazonaws.com"


CHECKS: dict[str, Callable[[], tuple[bool, str]]] = {
    "cloudtrail-trail-arn": cloudtrail_trail_arn,
    "cloudtrail-describe-name-filter": cloudtrail_describe_name_filter,
    "tgw-vpc-attachment-tags": tgw_vpc_attachment_tags,
    "tgw-vpc-attachment-deleted-state": tgw_vpc_attachment_deleted_state,
    "s3-logging-policy-principal": s3_logging_policy_principal,
    "kms-describe-other-account": kms_describe_other_account,
    "organizations-config-delegated-admin": organizations_config_delegated_admin,
}


def main(argv: list[str]) -> None:
    from moto import mock_aws

    if "--patched" in argv:
        from moto_server import apply_patches

        apply_patches()
    report: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS.items():
        # A fresh mock per check: each starts from empty accounts.
        with mock_aws():
            present, detail = check()
        report[name] = {"present": present, "detail": detail}
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1:])
