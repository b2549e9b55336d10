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


def refused(call: Callable[[], Any], code: str, case: str) -> list[str]:
    """[] when `call` fails with the AWS error `code`; otherwise what happened, as one failure."""
    try:
        call()
    except Exception as cause:
        found = getattr(cause, "response", {}).get("Error", {}).get("Code")
        return [] if found == code else [f"{case} raised {found or type(cause).__name__}, not {code}"]
    return [f"{case} was accepted"]


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
    organization, member = organization_with_member()
    kms = client("kms")
    org_id = organization.split("/")[-1]
    grant = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:DescribeKey", "Resource": "*",
             "Condition": {"StringEquals": {"aws:PrincipalOrgID": org_id}}}
    owner = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{boto_account()}:root"}, "Action": "kms:*",
             "Resource": "*"}
    shared = kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [owner, grant]}))["KeyMetadata"]
    private = kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [owner]}))["KeyMetadata"]
    kms.create_alias(AliasName="alias/probe", TargetKeyId=shared["KeyId"])
    alias_arn = shared["Arn"].split(":key/")[0] + ":alias/probe"
    other = assumed("kms", member)
    failures = []
    try:
        found = other.describe_key(KeyId=alias_arn)["KeyMetadata"]["KeyId"]
        if found != shared["KeyId"]:
            failures.append(f"the alias ARN of a key the organization may describe found key {found}")
    except Exception as cause:
        failures.append(f"the alias ARN of a key the organization may describe raised {type(cause).__name__}: {cause}")
    for arn, refusal, case in (
        (private["Arn"], "AccessDeniedException", "a key whose policy grants the caller nothing"),
        (shared["Arn"].replace(f":{REGION}:", ":eu-west-1:"), "NotFoundException", "a key ARN of another region"),
    ):
        try:
            other.describe_key(KeyId=arn)
            failures.append(f"{case} was described")
        except Exception as cause:
            code = getattr(cause, "response", {}).get("Error", {}).get("Code")
            if code != refusal:
                failures.append(f"{case} raised {code or type(cause).__name__}, not {refusal}")
    detail = "another account describes a key its policy grants it, and is refused the others as in AWS"
    return bool(failures), "; ".join(failures) or detail


def organizations_config_delegated_admin() -> tuple[bool, str]:
    organizations = client("organizations")
    organizations.create_organization(FeatureSet="ALL")
    member = organizations.create_account(AccountName="probe", Email="probe@example.com")["CreateAccountStatus"]
    register = lambda: organizations.register_delegated_administrator(  # noqa: E731
        AccountId=member["AccountId"], ServicePrincipal="config.amazonaws.com"
    )
    failures = refused(register, "ConstraintViolationException", "config.amazonaws.com before trusted access for it")
    organizations.enable_aws_service_access(ServicePrincipal="config.amazonaws.com")
    try:
        register()
    except Exception as cause:
        failures.append(f"config.amazonaws.com with trusted access raised {type(cause).__name__}: {cause}")
    return bool(failures), "; ".join(failures) or "config.amazonaws.com registers once trusted access for it is on"


def organizations_securityhub_principal() -> tuple[bool, str]:
    organizations = client("organizations")
    organizations.create_organization(FeatureSet="ALL")
    try:
        organizations.list_delegated_administrators(ServicePrincipal="securityhub.amazonaws.com")
    except Exception as cause:
        return True, f"ListDelegatedAdministrators of securityhub.amazonaws.com raised {type(cause).__name__}: {cause}"
    return False, "ListDelegatedAdministrators of securityhub.amazonaws.com answers"


def securityhub_update_configuration() -> tuple[bool, str]:
    hub = client("securityhub")
    hub.enable_security_hub(EnableDefaultStandards=False)
    try:
        hub.update_security_hub_configuration(AutoEnableControls=False, ControlFindingGenerator="STANDARD_CONTROL")
    except Exception as cause:
        return True, f"UpdateSecurityHubConfiguration raised {type(cause).__name__}: {cause}"
    found = hub.describe_hub()
    read = {"AutoEnableControls": found.get("AutoEnableControls"), "ControlFindingGenerator": found.get("ControlFindingGenerator")}
    return read != {"AutoEnableControls": False, "ControlFindingGenerator": "STANDARD_CONTROL"}, f"the hub as described after the update: {read}"


def assumed(service: str, account_id: str) -> Any:
    """A client of `service` in another account, through its OrganizationAccountAccessRole."""
    import boto3

    role = f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole"
    credentials = client("sts").assume_role(RoleArn=role, RoleSessionName="probe")["Credentials"]
    return boto3.client(
        service,
        region_name=REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def organization_with_member() -> tuple[str, str]:
    """An organization of the default account with one member; returns its ARN and the member's id."""
    organizations = client("organizations")
    arn = organizations.create_organization(FeatureSet="ALL")["Organization"]["Arn"]
    member = organizations.create_account(AccountName="probe", Email="probe@example.com")["CreateAccountStatus"]
    return arn, member["AccountId"]


def ram_associate_resource_share() -> tuple[bool, str]:
    _, member = organization_with_member()
    ram = client("ram")
    share = ram.create_resource_share(name="probe", allowExternalPrincipals=False)["resourceShare"]["resourceShareArn"]
    gateway = client("ec2").create_transit_gateway()["TransitGateway"]["TransitGatewayArn"]
    try:
        ram.associate_resource_share(resourceShareArn=share, principals=[member], resourceArns=[gateway])
    except Exception as cause:
        return True, f"AssociateResourceShare raised {type(cause).__name__}: {cause}"
    found = {
        kind: [a["associatedEntity"] for a in ram.get_resource_share_associations(associationType=kind)[
            "resourceShareAssociations"]]
        for kind in ("PRINCIPAL", "RESOURCE")
    }
    if found != {"PRINCIPAL": [member], "RESOURCE": [gateway]}:
        return True, f"after AssociateResourceShare the share's associations are {found}"
    ram.disassociate_resource_share(resourceShareArn=share, principals=[member], resourceArns=[gateway])
    left = ram.get_resource_share_associations(associationType="PRINCIPAL")["resourceShareAssociations"]
    if left:
        return True, f"after DisassociateResourceShare the share keeps principals {left}"
    others = gateway.replace(boto_account(), "210987654321")
    failures = refused(
        lambda: ram.associate_resource_share(resourceShareArn=share, principals=["210987654321"]),
        "OperationNotPermittedException",
        "an account outside the organization on a share without external principals",
    ) + refused(
        lambda: ram.associate_resource_share(resourceShareArn=share, resourceArns=[others]),
        "UnknownResourceException",
        "a resource of another account",
    )
    detail = "AssociateResourceShare and DisassociateResourceShare change the share's associations, as AWS allows"
    return bool(failures), "; ".join(failures) or detail


def ram_organization_principal_needs_sharing() -> tuple[bool, str]:
    arn, _ = organization_with_member()
    ram = client("ram")
    failures = refused(
        lambda: ram.create_resource_share(name="probe", principals=[arn]),
        "OperationNotPermittedException",
        "sharing with the organization before enabling it",
    )
    # Trusted access turned on through Organizations makes no service-linked role: still refused.
    client("organizations").enable_aws_service_access(ServicePrincipal="ram.amazonaws.com")
    failures += refused(
        lambda: ram.create_resource_share(name="probe", principals=[arn]),
        "OperationNotPermittedException",
        "sharing with the organization with trusted access but without RAM's service-linked role",
    )
    ram.enable_sharing_with_aws_organization()
    try:
        ram.create_resource_share(name="probe", principals=[arn])
    except Exception as cause:
        failures.append(f"sharing with the organization once enabled raised {type(cause).__name__}: {cause}")
    return bool(failures), "; ".join(failures) or "the organization is a principal only once sharing with it is enabled"


def ram_list_resource_share_permissions() -> tuple[bool, str]:
    gateway = client("ec2").create_transit_gateway()["TransitGateway"]["TransitGatewayArn"]
    share = client("ram").create_resource_share(name="probe", resourceArns=[gateway])["resourceShare"]
    try:
        permissions = client("ram").list_resource_share_permissions(resourceShareArn=share["resourceShareArn"])
    except Exception as cause:
        return True, f"ListResourceSharePermissions raised {type(cause).__name__}: {cause}"
    names = [p["name"] for p in permissions["permissions"]]
    return names != ["AWSRAMDefaultPermissionTransitGateway"], f"a share of a transit gateway has permissions {names}"


def ram_resource_share_tags() -> tuple[bool, str]:
    ram = client("ram")
    share = ram.create_resource_share(name="probe", tags=[{"key": "team", "value": "platform"}])["resourceShare"]
    try:
        ram.tag_resource(resourceShareArn=share["resourceShareArn"], tags=[{"key": "env", "value": "prod"}])
    except Exception as cause:
        return True, f"TagResource raised {type(cause).__name__}: {cause}"
    tags = ram.get_resource_shares(resourceOwner="SELF")["resourceShares"][0].get("tags")
    expected = [{"key": "team", "value": "platform"}, {"key": "env", "value": "prod"}]
    return tags != expected, f"a share created with tag team and tagged env has tags {tags}"


def ram_organization_sharing_role() -> tuple[bool, str]:
    organization_with_member()
    client("ram").enable_sharing_with_aws_organization()
    failures = []
    try:
        client("iam").get_role(RoleName="AWSServiceRoleForResourceAccessManager")
    except Exception as cause:
        failures.append(f"the service-linked role is missing ({type(cause).__name__})")
    services = client("organizations").list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    if "ram.amazonaws.com" not in [s["ServicePrincipal"] for s in services]:
        failures.append("trusted access for ram.amazonaws.com is off")
    return bool(failures), "; ".join(failures) or "EnableSharingWithAwsOrganization creates the role and trusted access"


def tgw_describe_options_filters() -> tuple[bool, str]:
    ec2 = client("ec2")
    for asn in (64512, 64513):
        ec2.create_transit_gateway(Options={"AmazonSideAsn": asn})
    found = ec2.describe_transit_gateways(Filters=[{"Name": "options.amazon-side-asn", "Values": ["64513"]}])
    asns = [g["Options"]["AmazonSideAsn"] for g in found["TransitGateways"]]
    return asns != [64513], f"DescribeTransitGateways filtered on options.amazon-side-asn 64513 found ASNs {asns}"


def ram_shared_transit_gateway() -> tuple[bool, str]:
    organization, member = organization_with_member()
    client("ram").enable_sharing_with_aws_organization()
    hub = client("sts").get_caller_identity()["Account"]
    gateway = client("ec2").create_transit_gateway(Options={"AutoAcceptSharedAttachments": "enable"})["TransitGateway"]
    manual = client("ec2").create_transit_gateway()["TransitGateway"]
    client("ram").create_resource_share(
        name="probe",
        principals=[organization],
        resourceArns=[gateway["TransitGatewayArn"], manual["TransitGatewayArn"]],
    )
    ec2 = assumed("ec2", member)
    found = ec2.describe_transit_gateways(
        Filters=[{"Name": "owner-id", "Values": [hub]}, {"Name": "options.auto-accept-shared-attachments", "Values": ["enable"]}]
    )["TransitGateways"]
    if [(g["TransitGatewayId"], g["OwnerId"]) for g in found] != [(gateway["TransitGatewayId"], hub)]:
        return True, f"a member looking up the hub's shared gateway by owner found {found}"
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    try:
        ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=gateway["TransitGatewayId"], VpcId=vpc, SubnetIds=[subnet]
        )
        table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.create_route(
            RouteTableId=table, DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=gateway["TransitGatewayId"]
        )
    except Exception as cause:
        return True, f"a member attaching to or routing to the shared gateway raised {type(cause).__name__}: {cause}"
    routes = ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"][0]["Routes"]
    targets = [r.get("TransitGatewayId") for r in routes if r["DestinationCidrBlock"] == "10.0.0.0/8"]
    seen = client("ec2").describe_transit_gateway_attachments()["TransitGatewayAttachments"]
    owners = [(a["ResourceOwnerId"], a["TransitGatewayOwnerId"]) for a in seen]
    if targets != [gateway["TransitGatewayId"]] or owners != [(member, hub)]:
        return True, f"route targets {targets}; the hub sees attachments of (resource, gateway) owners {owners}"
    other = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    other_subnet = ec2.create_subnet(VpcId=other, CidrBlock="10.1.0.0/24")["Subnet"]["SubnetId"]
    pending = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=manual["TransitGatewayId"], VpcId=other, SubnetIds=[other_subnet]
    )["TransitGatewayVpcAttachment"]["State"]
    if pending != "pendingAcceptance":
        return True, f"an attachment to a shared gateway that does not auto-accept is {pending}, not pendingAcceptance"
    return False, (
        "a member finds, attaches to and routes to the shared gateway; the hub sees the attachment; "
        "without auto-accept it waits for acceptance"
    )


def ec2_route_needs_tgw_attachment() -> tuple[bool, str]:
    ec2 = client("ec2")
    gateway = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    route = lambda: ec2.create_route(  # noqa: E731
        RouteTableId=table, DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=gateway
    )
    failures = refused(route, "InvalidTransitGatewayID.NotFound", "a route to a gateway the VPC is not attached to")
    ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=gateway, VpcId=vpc, SubnetIds=[subnet])
    try:
        route()
    except Exception as cause:
        failures.append(f"a route to the gateway once attached raised {type(cause).__name__}: {cause}")
    return bool(failures), "; ".join(failures) or "a route to a gateway needs the VPC attached to it"


def s3_lifecycle_newer_noncurrent_versions() -> tuple[bool, str]:
    s3 = client("s3")
    s3.create_bucket(Bucket="fleetfile-probe-lifecycle")
    expiration = {"NoncurrentDays": 365, "NewerNoncurrentVersions": 100}
    rule = {"ID": "probe", "Status": "Enabled", "Filter": {"Prefix": ""}, "NoncurrentVersionExpiration": expiration}
    s3.put_bucket_lifecycle_configuration(Bucket="fleetfile-probe-lifecycle", LifecycleConfiguration={"Rules": [rule]})
    found = s3.get_bucket_lifecycle_configuration(Bucket="fleetfile-probe-lifecycle")["Rules"][0]
    return found.get("NoncurrentVersionExpiration") != expiration, f"NoncurrentVersionExpiration read back: {found}"


def s3_bucket_policy_conditions() -> tuple[bool, str]:
    s3 = client("s3")
    s3.create_bucket(Bucket="fleetfile-probe-conditions")
    arn = "arn:aws:s3:::fleetfile-probe-conditions"
    statements = [
        {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [arn, f"{arn}/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "KeepLocked", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
         "Resource": f"{arn}/locked/*"},
    ]
    s3.put_bucket_policy(
        Bucket="fleetfile-probe-conditions", Policy=json.dumps({"Version": "2012-10-17", "Statement": statements})
    )
    failures = []
    try:
        s3.put_object(Bucket="fleetfile-probe-conditions", Key="state/terraform.tfstate", Body=b"{}")
        s3.get_object(Bucket="fleetfile-probe-conditions", Key="state/terraform.tfstate")
    except Exception as cause:
        failures.append(f"writing and reading over TLS, which the TLS-only deny allows, raised {type(cause).__name__}")
    try:
        s3.put_object(Bucket="fleetfile-probe-conditions", Key="locked/x", Body=b"{}")
        failures.append("a deny without a condition let the write through")
    except Exception:
        pass
    return bool(failures), "; ".join(failures) or "a conditional deny applies only when its condition holds"


def budget(**extra: Any) -> tuple[Any, str]:
    """A monthly cost budget named probe; returns the client and the account id."""
    budgets = client("budgets")
    account = client("sts").get_caller_identity()["Account"]
    limit = {"Amount": "10", "Unit": "USD"}
    budgets.create_budget(
        AccountId=account,
        Budget={"BudgetName": "probe", "BudgetLimit": limit, "TimeUnit": "MONTHLY", "BudgetType": "COST"},
        **extra,
    )
    return budgets, account


def budgets_describe_subscribers() -> tuple[bool, str]:
    notification = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80.0}
    subscribers = [{"SubscriptionType": "SNS", "Address": "arn:aws:sns:us-east-1:123456789012:alerts"}]
    budgets, account = budget(NotificationsWithSubscribers=[{"Notification": notification, "Subscribers": subscribers}])
    try:
        found = budgets.describe_subscribers_for_notification(
            AccountId=account, BudgetName="probe", Notification=notification
        )["Subscribers"]
    except Exception as cause:
        return True, f"DescribeSubscribersForNotification raised {type(cause).__name__}: {cause}"
    return found != subscribers, f"the notification's subscribers are {found}"


def budgets_tags() -> tuple[bool, str]:
    budgets, account = budget(ResourceTags=[{"Key": "team", "Value": "platform"}])
    arn = f"arn:aws:budgets::{account}:budget/probe"
    try:
        budgets.tag_resource(ResourceARN=arn, ResourceTags=[{"Key": "env", "Value": "prod"}])
        tags = budgets.list_tags_for_resource(ResourceARN=arn)["ResourceTags"]
    except Exception as cause:
        return True, f"tagging a budget raised {type(cause).__name__}: {cause}"
    expected = [{"Key": "team", "Value": "platform"}, {"Key": "env", "Value": "prod"}]
    return tags != expected, f"a budget created with tag team and tagged env has tags {tags}"


def organizations_scp_policy_type() -> tuple[bool, str]:
    organizations = client("organizations")
    organizations.create_organization(FeatureSet="ALL")
    root = organizations.list_roots()["Roots"][0]
    policy = organizations.create_policy(
        Name="probe",
        Description="probe",
        Type="SERVICE_CONTROL_POLICY",
        Content=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}),
    )["Policy"]["PolicySummary"]
    try:
        organizations.attach_policy(PolicyId=policy["Id"], TargetId=root["Id"])
    except Exception as cause:
        refused = f"AttachPolicy before the SCP type is enabled raised {type(cause).__name__}: {cause}"
        organizations.enable_policy_type(RootId=root["Id"], PolicyType="SERVICE_CONTROL_POLICY")
        organizations.attach_policy(PolicyId=policy["Id"], TargetId=root["Id"])
        return False, f"{refused}; after EnablePolicyType it attaches"
    return True, f"AttachPolicy of an SCP accepted with the root's policy types {root['PolicyTypes']}"


def iam_trust_principal_exists() -> tuple[bool, str]:
    iam = client("iam")
    trust = lambda arn: json.dumps(  # noqa: E731
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": arn}, "Action": "sts:AssumeRole"}]}
    )
    missing = "arn:aws:iam::555555555555:role/nobody-made-me"
    try:
        iam.create_role(RoleName="probe", AssumeRolePolicyDocument=trust(missing))
    except Exception as cause:
        refused = f"CreateRole trusting a missing role raised {type(cause).__name__}: {cause}"
        account = boto_account()
        iam.create_role(RoleName="existing", AssumeRolePolicyDocument=trust(f"arn:aws:iam::{account}:root"))
        iam.create_role(RoleName="probe", AssumeRolePolicyDocument=trust(f"arn:aws:iam::{account}:role/existing"))
        return False, f"{refused}; trusting an existing role is accepted"
    return True, f"CreateRole accepted a trust policy naming {missing}, which does not exist"


def sts_assume_missing_role() -> tuple[bool, str]:
    client("organizations").create_organization(FeatureSet="ALL")
    account = boto_account()
    missing = f"arn:aws:iam::{account}:role/nobody-made-me"
    try:
        client("sts").assume_role(RoleArn=missing, RoleSessionName="probe")
    except Exception as cause:
        return False, f"AssumeRole of a missing role of the organization raised {type(cause).__name__}: {cause}"
    return True, f"AssumeRole of {missing}, which does not exist, handed out credentials"


def guardduty_one_detector() -> tuple[bool, str]:
    guardduty = client("guardduty")
    guardduty.create_detector(Enable=True)
    failures = refused(lambda: guardduty.create_detector(Enable=True), "BadRequestException", "a second CreateDetector")
    return bool(failures), "; ".join(failures) or "a second detector is refused"


def guardduty_tag_resource() -> tuple[bool, str]:
    guardduty = client("guardduty")
    detector = guardduty.create_detector(Enable=True)["DetectorId"]
    arn = f"arn:aws:guardduty:{REGION}:{boto_account()}:detector/{detector}"
    try:
        guardduty.tag_resource(ResourceArn=arn, Tags={"team": "platform"})
    except Exception as cause:
        return True, f"TagResource of a detector raised {type(cause).__name__}: {cause}"
    tags = guardduty.get_detector(DetectorId=detector).get("Tags", {})
    return tags != {"team": "platform"}, f"the detector's tags after TagResource: {tags}"


def config_empty_exclusion() -> tuple[bool, str]:
    group = {"allSupported": True, "includeGlobalResourceTypes": True, "exclusionByResourceTypes": {}}
    try:
        client("config").put_configuration_recorder(
            ConfigurationRecorder={"name": "default", "roleARN": f"arn:aws:iam::{boto_account()}:role/config", "recordingGroup": group}
        )
    except Exception as cause:
        return True, f"a recorder with exclusionByResourceTypes {{}} raised {type(cause).__name__}: {cause}"
    return False, "a recorder with exclusionByResourceTypes {} is accepted"


def ssoadmin_tags() -> tuple[bool, str]:
    sso = client("sso-admin")
    instance = sso.list_instances()["Instances"][0]["InstanceArn"]
    created = sso.create_permission_set(Name="probe", InstanceArn=instance, Tags=[{"Key": "team", "Value": "platform"}])
    arn = created["PermissionSet"]["PermissionSetArn"]
    try:
        sso.tag_resource(InstanceArn=instance, ResourceArn=arn, Tags=[{"Key": "env", "Value": "prod"}])
        tags = sso.list_tags_for_resource(InstanceArn=instance, ResourceArn=arn)["Tags"]
    except Exception as cause:
        return True, f"tagging a permission set raised {type(cause).__name__}: {cause}"
    found = {t["Key"]: t["Value"] for t in tags}
    return found != {"team": "platform", "env": "prod"}, f"the permission set's tags: {found}"


def ssoadmin_provisioning_status() -> tuple[bool, str]:
    sso = client("sso-admin")
    instance = sso.list_instances()["Instances"][0]["InstanceArn"]
    arn = sso.create_permission_set(Name="probe", InstanceArn=instance)["PermissionSet"]["PermissionSetArn"]
    request = sso.provision_permission_set(InstanceArn=instance, PermissionSetArn=arn, TargetType="ALL_PROVISIONED_ACCOUNTS")
    request_id = request["PermissionSetProvisioningStatus"]["RequestId"]
    try:
        status = sso.describe_permission_set_provisioning_status(InstanceArn=instance, ProvisionPermissionSetRequestId=request_id)
    except Exception as cause:
        return True, f"DescribePermissionSetProvisioningStatus raised {type(cause).__name__}: {cause}"
    found = status["PermissionSetProvisioningStatus"]
    return found.get("Status") != "SUCCEEDED", f"the request's status: {found.get('Status')}"


def events_forward_keeps_event() -> tuple[bool, str]:
    """A rule of the default account forwards to the bus of account 222222222222, whose rule sends to a queue."""
    from moto.events.models import events_backends
    from moto.sqs.models import sqs_backends

    other = "222222222222"
    sqs_backends[other][REGION].create_queue("inbox")
    receiving = events_backends[other][REGION]
    receiving.put_rule("all", event_pattern=json.dumps({"source": ["probe"]}), event_bus_arn=None)
    # moto's queue message leaves `account` out unless a transformer asks for it.
    shown = {"InputPathsMap": {"account": "$.account", "resources": "$.resources"}, "InputTemplate": '{"account": "<account>", "resources": <resources>}'}
    receiving.put_targets("all", None, [{"Id": "queue", "Arn": f"arn:aws:sqs:{REGION}:{other}:inbox", "InputTransformer": shown}])
    events = client("events")
    events.put_rule(Name="forward", EventPattern=json.dumps({"source": ["probe"]}))
    bus = f"arn:aws:events:{REGION}:{other}:event-bus/default"
    events.put_targets(Rule="forward", Targets=[{"Id": "bus", "Arn": bus}])
    events.put_events(Entries=[{"Source": "probe", "DetailType": "d", "Detail": "{}", "Resources": ["arn:probe"]}])
    messages = sqs_backends[other][REGION].receive_message("inbox", 10, 0, 0)
    if not messages:
        return True, "the forwarded event reached no rule of the receiving bus"
    body = json.loads(messages[0].body)
    found = {"account": body.get("account"), "resources": body.get("resources")}
    return found != {"account": boto_account(), "resources": ["arn:probe"]}, f"the forwarded event as received: {found}"


def boto_account() -> str:
    return client("sts").get_caller_identity()["Account"]


class enforcing:
    """IAM enforcement on (moto's INITIAL_NO_AUTH_ACTION_COUNT at 0) inside the block, off after it."""

    def __enter__(self) -> None:
        from moto import settings
        from moto.core.authorization import ActionAuthenticatorMixin

        ActionAuthenticatorMixin.request_count = 0
        settings.INITIAL_NO_AUTH_ACTION_COUNT = 0

    def __exit__(self, *_: Any) -> None:
        from moto import settings

        settings.INITIAL_NO_AUTH_ACTION_COUNT = float("inf")


def session_client(service: str, credentials: dict[str, str]) -> Any:
    import boto3

    return boto3.client(
        service,
        region_name=REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials.get("SessionToken"),
    )


def iam_trust_account_principal() -> tuple[bool, str]:
    account = boto_account()
    iam = client("iam")
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}],
        }
    )
    allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}
    for name in ("planner", "target"):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
    iam.put_role_policy(RoleName="planner", PolicyName="assume", PolicyDocument=json.dumps(allow))
    planner = client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/planner", RoleSessionName="probe")
    target = f"arn:aws:iam::{account}:role/target"
    with enforcing():
        try:
            session_client("sts", planner["Credentials"]).assume_role(RoleArn=target, RoleSessionName="probe")
        except Exception as cause:
            return True, f"a session allowed to assume {target}, which trusts its account, was refused: {cause}"
    return False, "a role trusting the account root was assumed by a permitted session of that account"


def iam_auth_signature_without_body() -> tuple[bool, str]:
    iam = client("iam")
    iam.create_user(UserName="reader")
    allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "guardduty:*", "Resource": "*"}]}
    iam.put_user_policy(UserName="reader", PolicyName="guardduty", PolicyDocument=json.dumps(allow))
    key = iam.create_access_key(UserName="reader")["AccessKey"]
    with enforcing():
        try:
            session_client("guardduty", key).list_detectors()
        except Exception as cause:
            return True, f"ListDetectors (a GET without a body) by a permitted user raised {cause}"
    return False, "ListDetectors by a permitted user succeeded with IAM enforcement on"


CHECKS: dict[str, Callable[[], tuple[bool, str]]] = {
    "cloudtrail-trail-arn": cloudtrail_trail_arn,
    "cloudtrail-describe-name-filter": cloudtrail_describe_name_filter,
    "tgw-vpc-attachment-tags": tgw_vpc_attachment_tags,
    "tgw-vpc-attachment-deleted-state": tgw_vpc_attachment_deleted_state,
    "s3-logging-policy-principal": s3_logging_policy_principal,
    "kms-describe-other-account": kms_describe_other_account,
    "organizations-config-delegated-admin": organizations_config_delegated_admin,
    "ram-associate-resource-share": ram_associate_resource_share,
    "ram-organization-principal-needs-sharing": ram_organization_principal_needs_sharing,
    "ram-list-resource-share-permissions": ram_list_resource_share_permissions,
    "ram-resource-share-tags": ram_resource_share_tags,
    "ram-organization-sharing-role": ram_organization_sharing_role,
    "tgw-describe-options-filters": tgw_describe_options_filters,
    "ram-shared-transit-gateway": ram_shared_transit_gateway,
    "ec2-route-needs-tgw-attachment": ec2_route_needs_tgw_attachment,
    "s3-lifecycle-newer-noncurrent-versions": s3_lifecycle_newer_noncurrent_versions,
    "s3-bucket-policy-conditions": s3_bucket_policy_conditions,
    "budgets-describe-subscribers": budgets_describe_subscribers,
    "budgets-tags": budgets_tags,
    "organizations-scp-policy-type": organizations_scp_policy_type,
    "iam-trust-principal-exists": iam_trust_principal_exists,
    "sts-assume-missing-role": sts_assume_missing_role,
    "iam-trust-account-principal": iam_trust_account_principal,
    "iam-auth-signature-without-body": iam_auth_signature_without_body,
    "guardduty-one-detector": guardduty_one_detector,
    "guardduty-tag-resource": guardduty_tag_resource,
    "config-empty-exclusion": config_empty_exclusion,
    "ssoadmin-tags": ssoadmin_tags,
    "ssoadmin-provisioning-status": ssoadmin_provisioning_status,
    "events-forward-keeps-event": events_forward_keeps_event,
    "organizations-securityhub-principal": organizations_securityhub_principal,
    "securityhub-update-configuration": securityhub_update_configuration,
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
