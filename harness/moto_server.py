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


def as_list(value: Any) -> list[Any]:
    """A policy element that may be one value or a list of them, as a list."""
    return value if isinstance(value, list) else [value]


NEGATED_OPERATORS = ("StringNotEquals", "StringNotLike", "ArnNotLike")
"""Condition operators that hold when their key is missing from the request, as in IAM."""


def conditions_hold(condition: dict[str, dict[str, Any]], context: dict[str, str]) -> bool:
    """Whether every test of a policy statement's Condition holds for a request with `context`.

    Understood: StringEquals, StringNotEquals, StringLike, StringNotLike, ArnLike,
    ArnNotLike and Bool, keys compared without case as IAM does. A key the request lacks
    fails the test, except under a negated operator (IAM's rule); any other operator
    fails: a statement the harness cannot read never applies.
    """
    from fnmatch import fnmatchcase

    found_in = {key.lower(): value for key, value in context.items()}
    for operator, tests in condition.items():
        for key, wanted in tests.items():
            found = found_in.get(key.lower())
            values = [str(w) for w in as_list(wanted)]
            if found is None:
                holds = operator in NEGATED_OPERATORS
            elif operator == "StringEquals":
                holds = found in values
            elif operator == "Bool":
                holds = found.lower() in [w.lower() for w in values]
            elif operator in ("StringLike", "ArnLike"):
                holds = any(fnmatchcase(found, w) for w in values)
            elif operator == "StringNotEquals":
                holds = found not in values
            elif operator in ("StringNotLike", "ArnNotLike"):
                holds = not any(fnmatchcase(found, w) for w in values)
            else:
                holds = False
            if not holds:
                return False
    return True


def caller_arn(response: Any) -> str:
    """The principal a request comes from: the role its credentials were assumed from, or the account's root."""
    from moto.sts.models import sts_backends

    account = response.current_account
    role = sts_backends[account]["aws"].get_assumed_role_from_access_key(response.get_access_key())
    return role.role_arn if role else f"arn:aws:iam::{account}:root"


def key_policy_grants(policy: str, principal_arn: str, action: str) -> bool:
    """Whether a key policy has an Allow statement for `action` whose principal and
    conditions admit `principal_arn` (a role or an account root).

    The principal matches as `*`, its account (id or root ARN), or its own ARN; the
    conditions are read by `conditions_hold` with aws:PrincipalOrgID, aws:PrincipalAccount
    and aws:PrincipalArn: a statement the patch cannot read grants nothing.
    """
    from fnmatch import fnmatchcase

    account = principal_arn.split(":")[4]
    organization = organization_backend_of(account)
    context = {"aws:PrincipalAccount": account, "aws:PrincipalArn": principal_arn}
    if organization:
        context["aws:PrincipalOrgID"] = organization.org.id

    for statement in as_list(json.loads(policy).get("Statement", [])):
        if statement.get("Effect") != "Allow":
            continue
        if not any(fnmatchcase(action.lower(), a.lower()) for a in as_list(statement.get("Action", []))):
            continue
        principal = statement.get("Principal")
        named = ["*"] if principal == "*" else as_list(principal.get("AWS", [])) if isinstance(principal, dict) else []
        if not any(p in ("*", account, f"arn:aws:iam::{account}:root", principal_arn) for p in named):
            continue
        if conditions_hold(statement.get("Condition", {}), context):
            return True
    return False


def patch_kms_describe_other_account() -> None:
    """DescribeKey finds a key or alias named by an ARN of another account when the key
    policy allows the caller, as AWS does; it refuses the rest as AWS does.

    moto looks every key up in the caller's own account, so reading the log archive's
    trail key (`data "aws_kms_key"` with `arn:aws:kms:<region>:<log-archive>:alias/...`)
    from any other account fails with "couldn't find resource". Now such an ARN is looked
    up in its owner's account and region; the caller then needs an Allow in the key policy
    (`key_policy_grants`), or gets AccessDeniedException; and an ARN of another region than
    the request's is not found (NotFoundException "Invalid arn"), as in AWS, where a key
    lives in one region's endpoint.
    """
    from moto.core.exceptions import JsonRESTError
    from moto.kms.exceptions import NotFoundException
    from moto.kms.responses import KmsResponse

    describe = KmsResponse.describe_key

    def describe_key(self: KmsResponse) -> str:
        key_id = self._get_param("KeyId") or ""
        parts = key_id.split(":")
        if parts[0] != "arn" or len(parts) < 6:
            return describe(self)
        if parts[3] != self.region:
            raise NotFoundException(f"Invalid arn {parts[3]}")
        if parts[4] != self.current_account:
            caller = caller_arn(self)
            # Answer from the owner's account: moto's kms_backend follows current_account.
            self.current_account = parts[4]
            self._validate_key_id(key_id)
            key = self.kms_backend.describe_key(key_id)
            if not key_policy_grants(key.policy, caller, "kms:DescribeKey"):
                raise JsonRESTError(
                    "AccessDeniedException",
                    f"User: {caller} is not authorized to perform: kms:DescribeKey on resource: {key.arn} "
                    "because no resource-based policy allows the kms:DescribeKey action"
                )
        return describe(self)

    KmsResponse.describe_key = describe_key


CONFIG_SERVICE_PRINCIPALS = ("config.amazonaws.com", "config-multiaccountsetup.amazonaws.com")
"""AWS Config's two service principals in AWS Organizations."""


def patch_organizations_config_delegated_admin() -> None:
    """RegisterDelegatedAdministrator accepts `config.amazonaws.com`, which AWS lists among
    the services that support a delegated administrator, once trusted access for it is on.

    moto's list has only config-multiaccountsetup.amazonaws.com of AWS Config's two
    principals, and answers "unrecognized service principal"; and moto registers a delegated
    administrator whether or not the service has trusted access, which AWS Config needs
    first (EnableAWSServiceAccess). Now either Config principal without trusted access is
    refused with ConstraintViolationException.
    """
    from moto.organizations.exceptions import ConstraintViolationException
    from moto.organizations.models import FakeDelegatedAdministrator, OrganizationsBackend

    FakeDelegatedAdministrator.SUPPORTED_SERVICES.append("config.amazonaws.com")
    register = OrganizationsBackend.register_delegated_administrator

    def register_delegated_administrator(self: OrganizationsBackend, **kwargs: str) -> None:
        service = kwargs["ServicePrincipal"]
        if service in CONFIG_SERVICE_PRINCIPALS and service not in [s["ServicePrincipal"] for s in self.services]:
            raise ConstraintViolationException(
                f"Trusted access for {service} is not enabled in the organization: enable it "
                "(EnableAWSServiceAccess) before registering a delegated administrator."
            )
        register(self, **kwargs)

    OrganizationsBackend.register_delegated_administrator = register_delegated_administrator


def patch_organizations_securityhub_principal() -> None:
    """ListDelegatedAdministrators and RegisterDelegatedAdministrator accept
    `securityhub.amazonaws.com`, which AWS lists among the services that support a delegated
    administrator; moto answers "unrecognized service principal".

    The management workspace reads Security Hub's administrator before designating the
    audit account (organization.securityServices), and the plan fails on that answer.
    """
    from moto.organizations.models import FakeDelegatedAdministrator

    FakeDelegatedAdministrator.SUPPORTED_SERVICES.append("securityhub.amazonaws.com")


def patch_securityhub_update_configuration() -> None:
    """UpdateSecurityHubConfiguration sets a hub's AutoEnableControls and
    ControlFindingGenerator, and DescribeHub reads them back; moto lacks the call (500).

    The provider calls it when it creates `aws_securityhub_account` (management and audit
    accounts with organization.securityServices), and the apply fails.
    """
    from moto.securityhub.models import SecurityHubBackend
    from moto.securityhub.responses import SecurityHubResponse

    describe = SecurityHubBackend.describe_hub

    def describe_hub(self: SecurityHubBackend, hub_arn: str | None = None) -> dict[str, Any]:
        return {**describe(self, hub_arn), **getattr(self, "_fleetfile_configuration", {})}

    def update_security_hub_configuration(self: SecurityHubResponse) -> str:
        params = json.loads(self.body) if self.body else {}
        backend = self.securityhub_backend
        backend.describe_hub()  # an account without Security Hub is refused, as in AWS
        settings = {k: params[k] for k in ("AutoEnableControls", "ControlFindingGenerator") if k in params}
        backend._fleetfile_configuration = {**getattr(backend, "_fleetfile_configuration", {}), **settings}
        return json.dumps({})

    SecurityHubBackend.describe_hub = describe_hub
    SecurityHubResponse.update_security_hub_configuration = update_security_hub_configuration


RAM_SERVICE_PRINCIPAL = "ram.amazonaws.com"
"""The service principal of AWS RAM, as AWS Organizations' trusted access knows it."""


def organization_backend_of(account_id: str) -> Any | None:
    """moto's Organizations backend that holds the organization `account_id` belongs to, or None."""
    from moto.organizations.models import organizations_backends

    master, partition = organizations_backends.master_accounts.get(account_id, (account_id, "aws"))
    backend = organizations_backends[master][partition]
    return backend if backend.org else None


RAM_SERVICE_ROLE = "AWSServiceRoleForResourceAccessManager"
"""The service-linked role RAM needs in the management account to share with the organization."""


def sharing_with_organization_enabled(organization: Any) -> bool:
    """Whether RAM may share with `organization` (an Organizations backend): trusted access
    for RAM is on and RAM's service-linked role exists in the management account, as
    EnableSharingWithAwsOrganization leaves them. Trusted access turned on through
    Organizations alone makes no role, and AWS refuses the share then too."""
    from moto.iam.models import iam_backends

    trusted = any(service["ServicePrincipal"] == RAM_SERVICE_PRINCIPAL for service in organization.services)
    roles = iam_backends[organization.account_id]["aws"].roles.values()
    return trusted and any(role.name == RAM_SERVICE_ROLE for role in roles)


ORGANIZATION_ONLY = (
    "The resource you are attempting to share can only be shared within your AWS Organization. This error may also "
    "occur if you have not enabled sharing with your AWS organization, or that onboarding process is still in progress."
)
"""AWS RAM's refusal (OperationNotPermittedException) of a principal the share may not name."""


def find_resource_share(backend: Any, arn: str) -> Any:
    """The resource share `arn` of a RAM backend; UnknownResourceException, as in AWS, when there is none."""
    from moto.ram.exceptions import UnknownResourceException

    share = next((s for s in backend.resource_shares if s.arn == arn), None)
    if share is None:
        raise UnknownResourceException(f"ResourceShare {arn} could not be found.")
    return share


def patch_ram_associate_resource_share() -> None:
    """AssociateResourceShare and DisassociateResourceShare add and remove principals and
    resources of an existing share, as in AWS.

    moto does not implement either (HTTP 404), so `aws_ram_principal_association` and
    `aws_ram_resource_association` cannot be created or destroyed. Beyond moto's own checks
    of principals and resource ARNs, a share refuses, as AWS does, in CreateResourceShare
    too: an account outside the owner's organization when it does not allow external
    principals (OperationNotPermittedException), and a resource of another account
    (UnknownResourceException). Associations are ASSOCIATED at once (moto's
    GetResourceShareAssociations reports them so); invitations of external accounts are not
    modelled.
    """
    import re

    from moto.core.exceptions import JsonRESTError
    from moto.ram import urls
    from moto.ram.exceptions import UnknownResourceException
    from moto.ram.models import ResourceShare
    from moto.ram.responses import ResourceAccessManagerResponse

    add_principals, add_resources = ResourceShare.add_principals, ResourceShare.add_resources

    def checked_principals(self: ResourceShare, principals: list[str]) -> None:
        organization = organization_backend_of(self.account_id)
        members = {a.id for a in organization.accounts} if organization else {self.account_id}
        for principal in principals:
            account = re.fullmatch(r"(\d{12})|arn:aws:iam::(\d{12}):.*", principal)
            if account and not self.allow_external_principals and (account[1] or account[2]) not in members:
                raise JsonRESTError("OperationNotPermittedException", ORGANIZATION_ONLY)
        add_principals(self, principals)

    def checked_resources(self: ResourceShare, resource_arns: list[str]) -> None:
        for arn in resource_arns:
            parts = arn.split(":")
            if len(parts) > 5 and parts[4] != self.account_id:
                raise UnknownResourceException(f"Resource {arn} could not be found in account {self.account_id}.")
        add_resources(self, resource_arns)

    ResourceShare.add_principals = checked_principals
    ResourceShare.add_resources = checked_resources

    def associations(share: Any, principals: list[str], resources: list[str], status: str) -> list[dict[str, Any]]:
        entities = [(p, "PRINCIPAL") for p in principals] + [(r, "RESOURCE") for r in resources]
        return [
            {
                "resourceShareArn": share.arn,
                "resourceShareName": share.name,
                "associatedEntity": entity,
                "associationType": kind,
                "status": status,
                "external": False,
            }
            for entity, kind in entities
        ]

    def associate_resource_share(self: ResourceAccessManagerResponse) -> str:
        params = self.request_params
        share = find_resource_share(self.ram_backend, params.get("resourceShareArn"))
        principals = [p for p in params.get("principals", []) if p not in share.principals]
        resources = [r for r in params.get("resourceArns", []) if r not in share.resource_arns]
        share.add_principals(principals)
        share.add_resources(resources)
        return json.dumps(
            {
                "resourceShareAssociations": associations(share, principals, resources, "ASSOCIATING"),
                "clientToken": params.get("clientToken"),
            }
        )

    def disassociate_resource_share(self: ResourceAccessManagerResponse) -> str:
        params = self.request_params
        share = find_resource_share(self.ram_backend, params.get("resourceShareArn"))
        principals = [p for p in params.get("principals", []) if p in share.principals]
        resources = [r for r in params.get("resourceArns", []) if r in share.resource_arns]
        share.principals = [p for p in share.principals if p not in principals]
        share.resource_arns = [r for r in share.resource_arns if r not in resources]
        return json.dumps(
            {
                "resourceShareAssociations": associations(share, principals, resources, "DISASSOCIATING"),
                "clientToken": params.get("clientToken"),
            }
        )

    ResourceAccessManagerResponse.associate_resource_share = associate_resource_share
    ResourceAccessManagerResponse.disassociate_resource_share = disassociate_resource_share
    urls.url_paths["{0}/associateresourceshare$"] = ResourceAccessManagerResponse.dispatch
    urls.url_paths["{0}/disassociateresourceshare$"] = ResourceAccessManagerResponse.dispatch


def patch_ram_organization_principal_needs_sharing() -> None:
    """A resource share may name an organization or OU as principal only once sharing with
    the organization is enabled, as in AWS.

    moto accepts the organization at once; AWS refuses it until the management account has
    enabled sharing with AWS Organizations (EnableSharingWithAwsOrganization, which turns
    on Organizations' trusted access for RAM). Without this check the sandbox would accept
    an apply order (the hub before the management workspace) that fails in AWS.
    """
    from moto.core.exceptions import JsonRESTError
    from moto.ram.models import ResourceShare

    add = ResourceShare.add_principals

    def add_principals(self: ResourceShare, principals: list[str]) -> None:
        if any(p.startswith(f"arn:{self.partition}:organizations::") for p in principals):
            organization = organization_backend_of(self.account_id)
            if organization is None or not sharing_with_organization_enabled(organization):
                raise JsonRESTError("OperationNotPermittedException", ORGANIZATION_ONLY)
        add(self, principals)

    ResourceShare.add_principals = add_principals


def patch_ram_list_resource_share_permissions() -> None:
    """ListResourceSharePermissions lists, for each type of resource in a share, the AWS
    managed default permission RAM attached for it, as AWS does for shares created without
    `permissionArns`.

    moto does not implement the call (HTTP 404), which the provider makes on every read of
    `aws_ram_resource_share`; nor does it know the default permission of Transit Gateways
    (AWSRAMDefaultPermissionTransitGateway), which is added to its list. A resource ARN's
    type maps to RAM's as AWS names them: `ec2:...:transit-gateway/...` is `ec2:TransitGateway`.
    """
    from datetime import datetime, timezone

    from moto.ram import urls
    from moto.ram.responses import ResourceAccessManagerResponse
    from moto.ram.utils import AWS_MANAGED_PERMISSIONS, format_ram_permission

    # Read by every RAM backend moto creates; the date is moto's format, its value immaterial.
    AWS_MANAGED_PERMISSIONS.append(
        format_ram_permission(
            name="AWSRAMDefaultPermissionTransitGateway",
            resource_type="ec2:TransitGateway",
            creation_time="2022-06-30 17:04:13.000000",
        )
    )

    def resource_type(arn: str) -> str:
        service, resource = arn.split(":")[2], arn.split(":", 5)[5]
        kind = resource.split("/")[0].split(":")[0]
        return f"{service}:{''.join(word.capitalize() for word in kind.split('-'))}"

    def epoch(moment: str) -> float:
        return datetime.strptime(moment, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=timezone.utc).timestamp()

    def list_resource_share_permissions(self: ResourceAccessManagerResponse) -> str:
        share = find_resource_share(self.ram_backend, self._get_param("resourceShareArn"))
        types = {resource_type(arn) for arn in share.resource_arns}
        permissions = [
            {
                "arn": p.arn,
                "version": p.version,
                "defaultVersion": p.default_version,
                "name": p.name,
                "resourceType": p.resource_type,
                "status": "ASSOCIATED",
                "creationTime": epoch(p.creation_time),
                "lastUpdatedTime": epoch(p.last_updated_time),
                "isResourceTypeDefault": True,
                "permissionType": p.permission_type,
                "featureSet": "STANDARD",
            }
            for p in self.ram_backend.managed_permissions
            if p.is_resource_type_default and p.resource_type in types
        ]
        return json.dumps({"permissions": permissions})

    ResourceAccessManagerResponse.list_resource_share_permissions = list_resource_share_permissions
    urls.url_paths["{0}/listresourcesharepermissions$"] = ResourceAccessManagerResponse.dispatch


def patch_ram_resource_share_tags() -> None:
    """Resource shares keep their tags: CreateResourceShare stores them, GetResourceShares
    returns them, TagResource and UntagResource change them, as in AWS.

    moto drops the tags (and implements neither tagging call), so every plan of a share
    under the provider's `default_tags` wants to add them again.
    """
    from moto.ram import urls
    from moto.ram.models import ResourceShare
    from moto.ram.responses import ResourceAccessManagerResponse

    init, describe = ResourceShare.__init__, ResourceShare.describe

    def __init__(self: ResourceShare, account_id: str, region: str, **kwargs: Any) -> None:
        init(self, account_id, region, **kwargs)
        self.tags = {tag["key"]: tag["value"] for tag in kwargs.get("tags") or []}

    def describe_with_tags(self: ResourceShare) -> dict[str, Any]:
        return {**describe(self), "tags": [{"key": k, "value": v} for k, v in self.tags.items()]}

    def tag_resource(self: ResourceAccessManagerResponse) -> str:
        share = find_resource_share(self.ram_backend, self._get_param("resourceShareArn"))
        share.tags.update({tag["key"]: tag["value"] for tag in self._get_param("tags") or []})
        return "{}"

    def untag_resource(self: ResourceAccessManagerResponse) -> str:
        share = find_resource_share(self.ram_backend, self._get_param("resourceShareArn"))
        for key in self._get_param("tagKeys") or []:
            share.tags.pop(key, None)
        return "{}"

    ResourceShare.__init__ = __init__
    ResourceShare.describe = describe_with_tags
    ResourceAccessManagerResponse.tag_resource = tag_resource
    ResourceAccessManagerResponse.untag_resource = untag_resource
    urls.url_paths["{0}/tagresource$"] = ResourceAccessManagerResponse.dispatch
    urls.url_paths["{0}/untagresource$"] = ResourceAccessManagerResponse.dispatch


def patch_ram_organization_sharing_role() -> None:
    """EnableSharingWithAwsOrganization creates the AWSServiceRoleForResourceAccessManager
    service-linked role and turns on Organizations' trusted access for RAM, as AWS does.

    moto only answers true; the provider then reads `aws_ram_sharing_with_organization`
    by that role and that trusted access, and fails with "couldn't find resource".
    """
    from moto.iam.models import iam_backends
    from moto.ram.models import ResourceAccessManagerBackend

    enable = ResourceAccessManagerBackend.enable_sharing_with_aws_organization
    role_name = RAM_SERVICE_ROLE
    policy_arn = "arn:aws:iam::aws:policy/aws-service-role/AWSResourceAccessManagerServiceRolePolicy"

    def enable_sharing_with_aws_organization(self: ResourceAccessManagerBackend) -> dict[str, Any]:
        result = enable(self)
        iam = iam_backends[self.account_id][self.partition]
        if not any(role.name == role_name for role in iam.roles.values()):
            trust = {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": RAM_SERVICE_PRINCIPAL}, "Action": "sts:AssumeRole"}
                ],
            }
            iam.create_role(
                role_name,
                json.dumps(trust),
                f"/aws-service-role/{RAM_SERVICE_PRINCIPAL}/",
                permissions_boundary=None,
                description="",
                tags=[],
                max_session_duration="3600",
                linked_service=RAM_SERVICE_PRINCIPAL,
            )
            # moto knows AWS managed policies only with MOTO_IAM_LOAD_MANAGED_POLICIES=true.
            if policy_arn in iam.managed_policies:
                iam.attach_role_policy(policy_arn, role_name)
        self.organizations_backend.enable_aws_service_access(ServicePrincipal=RAM_SERVICE_PRINCIPAL)
        return result

    ResourceAccessManagerBackend.enable_sharing_with_aws_organization = enable_sharing_with_aws_organization


def patch_tgw_describe_options_filters() -> None:
    """DescribeTransitGateways applies the `options.*` filters (`options.amazon-side-asn`...),
    as AWS does.

    moto ignores them and returns every gateway that passes its other filters, so a lookup
    of one environment's gateway by owner and ASN finds all of the account's gateways
    ("multiple EC2 Transit Gateways matched").
    """
    from moto.ec2.models.transit_gateway import TransitGatewayBackend

    describe = TransitGatewayBackend.describe_transit_gateways

    def describe_transit_gateways(self: Any, filters: Any, transit_gateway_ids: list[str] | None) -> list[Any]:
        found = describe(self, filters, transit_gateway_ids)
        for name, values in (filters or {}).items():
            if name.startswith("options."):
                option = "".join(word.capitalize() for word in name.removeprefix("options.").split("-"))
                found = [g for g in found if str(g.options.get(option)) in values]
        return found

    TransitGatewayBackend.describe_transit_gateways = describe_transit_gateways


def shared_transit_gateways(account_id: str, region: str) -> dict[str, Any]:
    """Transit Gateways of other accounts in `region` that an active RAM share of theirs
    names `account_id`, or the organization it belongs to, a principal of; by id."""
    from moto.ec2.models import ec2_backends
    from moto.ram.models import ram_backends

    organization = organization_backend_of(account_id)
    principals = {account_id} | ({organization.org.arn} if organization else set())
    found = {}
    for owner, regions in list(ram_backends.items()):
        if owner == account_id or region not in regions.keys():
            continue
        gateways = ec2_backends[owner][region].transit_gateways
        for share in regions[region].resource_shares:
            if share.status != "ACTIVE" or not principals & set(share.principals):
                continue
            for arn in share.resource_arns:
                kind, _, gateway_id = arn.split(":", 5)[5].partition("/")
                # dict.get: this owner's own gateways, never those shared with it.
                if kind == "transit-gateway" and (gateway := dict.get(gateways, gateway_id)):
                    found[gateway.id] = gateway
    return found


def patch_ram_shared_transit_gateway() -> None:
    """A Transit Gateway shared through RAM, with the organization or with an account, is
    visible and usable in the member accounts of its region, as in AWS.

    moto keeps every account's gateways apart: the spoke's lookup (owner id = the hub
    account, ASN, state) finds nothing, and CreateTransitGatewayVpcAttachment or CreateRoute
    with another account's gateway id fails. Now DescribeTransitGateways also returns the
    gateways shared with the caller (with their real owner id); an attachment or a route
    may name one (`transit_gateways.get`, which only these use, sees shared gateways, while
    modifying or deleting one stays the owner's); the attachment is also listed in the
    owner's account and reports the gateway's owner. As in AWS, it is accepted at once,
    and associated with the gateway's default route table there, only when the gateway
    auto-accepts shared attachments; otherwise (AWS's default) it stays `pendingAcceptance`
    (accepting it, AcceptTransitGatewayVpcAttachment, moto does not implement).
    """
    from types import SimpleNamespace

    from moto.ec2.models.transit_gateway import TransitGatewayBackend
    from moto.ec2.models.transit_gateway_attachments import TransitGatewayAttachment
    from moto.ec2.models.transit_gateway_route_tables import TransitGatewayRouteTableBackend

    class Gateways(dict):  # type: ignore[type-arg]
        """An account's own gateways; `get` also finds the gateways shared with it."""

        def __init__(self, backend: Any) -> None:
            super().__init__()
            self.backend = backend

        def get(self, gateway_id: str, default: Any = None) -> Any:
            if gateway_id in self:
                return self[gateway_id]
            return shared_transit_gateways(self.backend.account_id, self.backend.region_name).get(gateway_id, default)

    init = TransitGatewayBackend.__init__
    describe = TransitGatewayBackend.describe_transit_gateways
    associate = TransitGatewayRouteTableBackend.set_route_table_association

    def __init__(self: Any) -> None:
        init(self)
        self.transit_gateways = Gateways(self)

    def describe_transit_gateways(self: Any, filters: Any, transit_gateway_ids: list[str] | None) -> list[Any]:
        # The same describe (with its options filters) over a stand-in holding the shared gateways.
        shared = SimpleNamespace(transit_gateways=shared_transit_gateways(self.account_id, self.region_name))
        return describe(self, filters, transit_gateway_ids) + describe(shared, filters, transit_gateway_ids)

    def set_route_table_association(
        self: Any, transit_gateway_attachment_id: str, transit_gateway_route_table_id: str
    ) -> None:
        owner = self
        if transit_gateway_route_table_id not in self.transit_gateways_route_tables:
            attachment = self.transit_gateway_attachments[transit_gateway_attachment_id]
            gateway = self.transit_gateways.get(attachment.transit_gateway_id)
            owner = gateway.ec2_backend
            attachment.gateway_owner_id = owner.account_id
            owner.transit_gateway_attachments[attachment.id] = attachment
            if gateway.options.get("AutoAcceptSharedAttachments") != "enable":
                attachment.state = "pendingAcceptance"
                return
        associate(owner, transit_gateway_attachment_id, transit_gateway_route_table_id)

    TransitGatewayBackend.__init__ = __init__
    TransitGatewayBackend.describe_transit_gateways = describe_transit_gateways
    TransitGatewayRouteTableBackend.set_route_table_association = set_route_table_association
    TransitGatewayAttachment.transit_gateway_owner_id = property(
        lambda self: getattr(self, "gateway_owner_id", self.resource_owner_id)
    )


def patch_ec2_route_needs_tgw_attachment() -> None:
    """CreateRoute to a Transit Gateway needs the route table's VPC attached to that gateway.

    AWS refuses the route otherwise ("InvalidTransitGatewayID.NotFound: The transitGateway
    ID ... does not exist"), which is what a spoke's route created before its attachment
    meets; moto accepts it. An attachment deleted, rejected or failed counts as none.
    """
    from moto.ec2.exceptions import InvalidTransitGatewayID
    from moto.ec2.models.route_tables import RouteBackend

    create = RouteBackend.create_route
    gone = ("deleting", "deleted", "rejected", "failed")

    def create_route(self: Any, route_table_id: str, *args: Any, **kwargs: Any) -> Any:
        gateway = kwargs.get("transit_gateway_id")
        if gateway:
            vpc = self.get_route_table(route_table_id).vpc_id
            attached = [
                a
                for a in self.transit_gateway_attachments.values()
                if a.transit_gateway_id == gateway and getattr(a, "vpc_id", None) == vpc and a.state not in gone
            ]
            if not attached:
                raise InvalidTransitGatewayID(gateway)
        return create(self, route_table_id, *args, **kwargs)

    RouteBackend.create_route = create_route


def patch_s3_lifecycle_newer_noncurrent_versions() -> None:
    """A lifecycle rule keeps `NewerNoncurrentVersions` of its NoncurrentVersionExpiration.

    moto stores only NoncurrentDays and drops the count, so the provider, which waits until
    it reads back what it wrote, times out after three minutes creating the state bucket's
    lifecycle configuration.
    """
    import copy

    from moto.s3.models import FakeBucket
    from moto.s3.responses import S3Response

    store, describe = FakeBucket.set_lifecycle, S3Response.get_bucket_lifecycle

    def set_lifecycle(self: FakeBucket, rules: list[dict[str, Any]]) -> None:
        store(self, rules)
        for given, rule in zip(rules, self.rules, strict=True):
            rule.nve_newer_versions = (given.get("NoncurrentVersionExpiration") or {}).get("NewerNoncurrentVersions")

    def get_bucket_lifecycle(self: S3Response) -> Any:
        newer = {r.id: getattr(r, "nve_newer_versions", None) for r in self.backend.get_bucket_lifecycle(self.bucket_name)}
        # moto serves every S3 request with one shared S3Response: answer through a copy of
        # it, whose `serialized` adds the count, and leave the shared one untouched.
        request = copy.copy(self)

        def with_newer(result: Any) -> Any:
            for rule in result.result["Rules"]:
                expiration = rule.get("NoncurrentVersionExpiration")
                if expiration is not None and newer.get(rule["ID"]) is not None:
                    expiration["NewerNoncurrentVersions"] = newer[rule["ID"]]
            return S3Response.serialized(request, result)

        request.serialized = with_newer
        return describe(request)

    FakeBucket.set_lifecycle = set_lifecycle
    S3Response.get_bucket_lifecycle = get_bucket_lifecycle


def patch_s3_bucket_policy_conditions() -> None:
    """A bucket policy statement applies to an object request only when its Condition holds.

    moto applies every statement whose action matches, whatever its Condition (it reads
    only StringEquals, and treats a key the request lacks as matching), so a TLS-only
    statement (`Deny` when `aws:SecureTransport` is false) refuses every object request:
    Terraform's S3 backend cannot read its state. Now conditions are read by
    `conditions_hold`, with `aws:SecureTransport` true: the sandbox's plain HTTP on
    loopback stands in for AWS's TLS endpoints, which every SDK uses. A statement whose
    Condition does not hold does not apply (moto denied then, even for an Allow).
    """
    from moto.iam.access_control import IAMPolicyStatement, PermissionResult

    permitted = IAMPolicyStatement.is_action_permitted

    def is_action_permitted(
        self: IAMPolicyStatement,
        action: str,
        resource: str = "*",
        principal: str | None = None,
        incoming_condition_values: dict[str, str] | None = None,
    ) -> PermissionResult:
        condition = self._statement.get("Condition")
        if not condition:
            return permitted(self, action, resource, principal, incoming_condition_values)
        context = {"aws:SecureTransport": "true", **(incoming_condition_values or {})}
        if not conditions_hold(condition, context):
            return PermissionResult.NEUTRAL
        # The condition holds: the statement applies as if it had none.
        statement = self._statement
        self._statement = {k: v for k, v in statement.items() if k != "Condition"}
        try:
            return permitted(self, action, resource, principal, incoming_condition_values)
        finally:
            self._statement = statement

    IAMPolicyStatement.is_action_permitted = is_action_permitted


def patch_budgets_describe_subscribers() -> None:
    """DescribeSubscribersForNotification lists the subscribers of one of a budget's
    notifications, as AWS does.

    moto does not implement the call (HTTP 500, "has not been implemented"), which the
    provider makes for every notification on each read of `aws_budgets_budget`. The
    notification is matched as AWS identifies it: type, comparison, threshold and its type.
    """
    from moto.budgets.exceptions import NotFoundException
    from moto.budgets.responses import BudgetsResponse

    def identity(notification: dict[str, Any]) -> tuple[Any, ...]:
        return (
            notification.get("NotificationType"),
            notification.get("ComparisonOperator"),
            float(notification.get("Threshold", 0)),
            notification.get("ThresholdType", "PERCENTAGE"),
        )

    def describe_subscribers_for_notification(self: BudgetsResponse) -> str:
        budgets = self.backend.budgets[self._get_param("AccountId")]
        name = self._get_param("BudgetName")
        if name not in budgets:
            raise NotFoundException(f"Unable to get budget: {name} - the budget doesn't exist.")
        wanted = identity(self._get_param("Notification"))
        found = next((n for n in budgets[name].notifications if identity(n.details) == wanted), None)
        if found is None:
            raise NotFoundException(f"Unable to find notification {wanted} of budget {name}.")
        return json.dumps({"Subscribers": found.subscribers})

    BudgetsResponse.describe_subscribers_for_notification = describe_subscribers_for_notification


def patch_budgets_tags() -> None:
    """Budgets keep their tags: CreateBudget stores `ResourceTags`, ListTagsForResource
    returns them, TagResource and UntagResource change them, as in AWS.

    moto implements none of the tagging calls (HTTP 500), which the provider makes on every
    read of `aws_budgets_budget`. A budget's ARN is `arn:<partition>:budgets::<account>:budget/<name>`.
    """
    from moto.budgets.exceptions import NotFoundException
    from moto.budgets.responses import BudgetsResponse

    create = BudgetsResponse.create_budget

    def budget_of(self: BudgetsResponse, arn: str) -> Any:
        parts = arn.split(":", 5)
        account, name = parts[4], parts[5].removeprefix("budget/")
        budget = self.backend.budgets[account].get(name)
        if budget is None:
            raise NotFoundException(f"Unable to find budget {arn}.")
        if not hasattr(budget, "tags"):
            budget.tags = {}
        return budget

    def create_budget(self: BudgetsResponse) -> str:
        result = create(self)
        name = self._get_param("Budget")["BudgetName"]
        arn = f"arn:{self.partition}:budgets::{self._get_param('AccountId')}:budget/{name}"
        budget_of(self, arn).tags = {t["Key"]: t["Value"] for t in self._get_param("ResourceTags") or []}
        return result

    def list_tags_for_resource(self: BudgetsResponse) -> str:
        tags = budget_of(self, self._get_param("ResourceARN")).tags
        return json.dumps({"ResourceTags": [{"Key": k, "Value": v} for k, v in tags.items()]})

    def tag_resource(self: BudgetsResponse) -> str:
        budget = budget_of(self, self._get_param("ResourceARN"))
        budget.tags.update({t["Key"]: t["Value"] for t in self._get_param("ResourceTags") or []})
        return "{}"

    def untag_resource(self: BudgetsResponse) -> str:
        budget = budget_of(self, self._get_param("ResourceARN"))
        for key in self._get_param("ResourceTagKeys") or []:
            budget.tags.pop(key, None)
        return "{}"

    BudgetsResponse.create_budget = create_budget
    BudgetsResponse.list_tags_for_resource = list_tags_for_resource
    BudgetsResponse.tag_resource = tag_resource
    BudgetsResponse.untag_resource = untag_resource


def patch_organizations_scp_policy_type() -> None:
    """AttachPolicy of a service control policy fails until SERVICE_CONTROL_POLICY is enabled on the root.

    AWS refuses it with PolicyTypeNotEnabledException; moto attaches it, so a sandbox apply
    passes where the first real one fails. moto's own attachment of FullAWSAccess while it
    creates an organization stays as it is.
    """
    from moto.organizations.exceptions import PolicyTypeNotEnabledException
    from moto.organizations.models import OrganizationsBackend

    attach = OrganizationsBackend.attach_policy

    def attach_policy(self: OrganizationsBackend, **kwargs: Any) -> None:
        policy = self.get_policy_by_id(kwargs["PolicyId"])
        root = self.ou[0] if self.ou else None
        enabled = root is not None and any(
            t["Type"] == "SERVICE_CONTROL_POLICY" and t["Status"] == "ENABLED" for t in root.policy_types
        )
        if policy.type == "SERVICE_CONTROL_POLICY" and not policy.aws_managed and not enabled:
            raise PolicyTypeNotEnabledException
        attach(self, **kwargs)

    OrganizationsBackend.attach_policy = attach_policy


def missing_principals(policy_document: str) -> list[str]:
    """The role and user ARNs that a trust policy names and that do not exist in their account."""
    import re

    from moto.iam.models import iam_backends

    missing = []
    for statement in as_list(json.loads(policy_document).get("Statement", [])):
        principal = statement.get("Principal")
        for arn in as_list(principal.get("AWS", [])) if isinstance(principal, dict) else []:
            match = re.fullmatch(r"arn:aws:iam::(\d{12}):(role|user)/(?:.*/)?([^/]+)", arn)
            if not match:
                continue
            account, kind, name = match.groups()
            backend = iam_backends[account]["aws"]
            names = {r.name for r in backend.roles.values()} if kind == "role" else set(backend.users)
            if name not in names:
                missing.append(arn)
    return missing


def patch_iam_trust_principal_exists() -> None:
    """CreateRole and UpdateAssumeRolePolicy refuse a trust policy that names a role or user that does not exist.

    IAM refuses it ("MalformedPolicyDocument: Invalid principal in policy"); moto accepts
    any principal, so a sandbox apply passes where the first real one fails when the
    identity account's roles are missing.
    """
    from moto.iam.exceptions import MalformedPolicyDocument
    from moto.iam.models import IAMBackend

    create, update = IAMBackend.create_role, IAMBackend.update_assume_role_policy

    def refuse_missing(policy_document: str) -> None:
        missing = missing_principals(policy_document)
        if missing:
            raise MalformedPolicyDocument(f'Invalid principal in policy: "AWS":"{missing[0]}"')

    def create_role(self: IAMBackend, role_name: str, assume_role_policy_document: str, *args: Any, **kwargs: Any) -> Any:
        refuse_missing(assume_role_policy_document)
        return create(self, role_name, assume_role_policy_document, *args, **kwargs)

    def update_assume_role_policy(self: IAMBackend, role_name: str, policy_document: str) -> None:
        refuse_missing(policy_document)
        update(self, role_name, policy_document)

    IAMBackend.create_role = create_role
    IAMBackend.update_assume_role_policy = update_assume_role_policy


def patch_sts_assume_missing_role() -> None:
    """AssumeRole of a role that does not exist, in an account of an organization moto holds, is refused.

    AWS refuses it (AccessDenied); moto hands out credentials for any role ARN, which hides
    a missing execution role: the management account's, or an invited account's. Accounts
    of no organization keep moto's behaviour, which its own tests rely on.
    """
    from moto.iam.models import iam_backends
    from moto.sts.exceptions import STSClientError
    from moto.sts.models import STSBackend

    assume = STSBackend.assume_role

    def assume_role(self: STSBackend, region_name: str, role_session_name: str, role_arn: str, *args: Any, **kwargs: Any) -> Any:
        account, _, name = role_arn.split(":", 5)[4], None, role_arn.split("/")[-1]
        if organization_backend_of(account) is not None:
            roles = {r.name for r in iam_backends[account]["aws"].roles.values()}
            if name not in roles:
                raise STSClientError(
                    "AccessDenied", f"Not authorized to perform: sts:AssumeRole on resource: {role_arn}"
                )
        return assume(self, region_name, role_session_name, role_arn, *args, **kwargs)

    STSBackend.assume_role = assume_role


def patch_iam_trust_account_principal() -> None:
    """A trust policy that names an account, or a role, admits that account's principals, or that role's sessions.

    In AWS, `"Principal": {"AWS": "arn:aws:iam::111122223333:root"}` (or the bare id)
    delegates to the account: any of its principals whose own policies allow sts:AssumeRole
    may assume the role; a role's ARN admits its sessions. With IAM enforcement on
    (`/moto-api/reset-auth`), moto compares the caller's session ARN with the principal
    as text, and refuses both: no role trusting the management account can be assumed.
    """
    from moto.iam.access_control import IAMPolicyStatement

    check = IAMPolicyStatement._check_principal

    def admits(expected: str, caller: str) -> bool:
        parts = caller.split(":")
        if len(parts) < 6:
            return False
        account, resource = parts[4], parts[5]
        if expected in (account, f"arn:aws:iam::{account}:root"):
            return True
        if resource.startswith("assumed-role/"):
            return expected == f"arn:aws:iam::{account}:role/{resource.split('/')[1]}"
        return False

    def check_principal(self: IAMPolicyStatement, principal: str) -> bool:
        if check(self, principal):
            return True
        expected = (self._statement.get("Principal") or {}).get("AWS")
        listed = expected if isinstance(expected, list) else [expected] if isinstance(expected, str) else []
        return any(admits(e, principal) for e in listed)

    IAMPolicyStatement._check_principal = check_principal


def patch_iam_auth_signature_without_body() -> None:
    """With IAM enforcement on, a request without a body (GuardDuty's GETs) is checked against an empty payload.

    The SDKs sign a GET's empty payload. moto signs `self._data` when the body is empty
    (None from boto3, b"" from the Go SDK the provider uses), and for REST services such as
    GuardDuty that holds the request's headers, so every GuardDuty read by a real principal
    fails with SignatureDoesNotMatch.
    """
    from moto.iam.access_control import IAMRequestBase

    create = IAMRequestBase._create_aws_request

    def create_aws_request(self: IAMRequestBase) -> Any:
        if not self._body and self._method in ("GET", "HEAD", "DELETE"):
            self._body = b""
            self._data = {}
        return create(self)

    IAMRequestBase._create_aws_request = create_aws_request


def patch_guardduty_one_detector() -> None:
    """CreateDetector refuses a second detector in an account and region, as AWS does.

    moto creates as many as asked; a baseline that creates its own detector in an account
    where one exists would apply in the sandbox and fail in AWS ("a detector already exists").
    """
    from moto.guardduty.exceptions import GuardDutyException
    from moto.guardduty.models import GuardDutyBackend

    create = GuardDutyBackend.create_detector

    def create_detector(self: GuardDutyBackend, *args: Any, **kwargs: Any) -> str:
        if self.detectors:
            raise GuardDutyException(
                "BadRequestException",
                "The request is rejected because a detector already exists for the current account.",
            )
        return create(self, *args, **kwargs)

    GuardDutyBackend.create_detector = create_detector


def patch_guardduty_tag_resource() -> None:
    """TagResource and UntagResource of a GuardDuty detector, which moto lacks (404).

    A detector created by Terraform gets its tags in CreateDetector; an existing detector
    imported into Terraform gets the provider's default tags through TagResource, which
    fails with "invalid character '<'" (moto's HTML 404 page) and stops the apply.
    """
    from urllib.parse import unquote

    from moto.guardduty import urls
    from moto.guardduty.responses import GuardDutyResponse

    def detector_of(self: GuardDutyResponse) -> Any:
        arn = unquote(self.path.split("/tags/", 1)[1])
        return self.guardduty_backend.get_detector(arn.rsplit("/", 1)[-1])

    def tag_resource(self: GuardDutyResponse) -> str:
        detector_of(self).tags.update(self._get_param("tags") or {})
        return "{}"

    def untag_resource(self: GuardDutyResponse) -> str:
        tags = detector_of(self).tags
        for key in self.querystring.get("tagKeys", []):
            tags.pop(key, None)
        return "{}"

    def list_tags_for_resource(self: GuardDutyResponse) -> str:
        return json.dumps({"tags": detector_of(self).tags})

    GuardDutyResponse.tag_resource = tag_resource
    GuardDutyResponse.untag_resource = untag_resource
    GuardDutyResponse.list_tags_for_resource = list_tags_for_resource
    urls.url_paths["{0}/tags/(?P<resource_arn>.+)$"] = GuardDutyResponse.dispatch


def patch_config_empty_exclusion() -> None:
    """PutConfigurationRecorder accepts `exclusionByResourceTypes: {}` beside allSupported, as AWS does.

    moto refuses it (InvalidRecordingGroupException) unless the exclusion holds an empty
    list; the provider sends `{}` when it updates a recorder it has read back, so every
    update of an existing (imported) recorder fails.
    """
    from moto.config.models import ConfigBackend

    put = ConfigBackend.put_configuration_recorder

    def put_configuration_recorder(self: ConfigBackend, config_recorder: dict[str, Any]) -> None:
        group = config_recorder.get("recordingGroup") or {}
        exclusion = group.get("exclusionByResourceTypes")
        if exclusion is not None and not exclusion.get("resourceTypes"):
            group["exclusionByResourceTypes"] = {"resourceTypes": []}
        return put(self, config_recorder)

    ConfigBackend.put_configuration_recorder = put_configuration_recorder


def patch_ssoadmin_tags() -> None:
    """ListTagsForResource, TagResource and UntagResource of an SSO Admin permission set, which moto lacks (500).

    The provider reads a permission set's tags after creating it and on every plan; the
    read fails with "invalid character '<'" (moto's HTML error page) and so does the apply.
    """
    from moto.ssoadmin.responses import SSOAdminResponse

    def permission_set(self: SSOAdminResponse) -> Any:
        arn = self._get_param("ResourceArn")
        for candidate in self.ssoadmin_backend.permission_sets:
            if candidate.permission_set_arn == arn:
                return candidate
        from moto.ssoadmin.exceptions import ResourceNotFoundException

        raise ResourceNotFoundException(message=f"Could not find PermissionSet {arn}")

    def list_tags_for_resource(self: SSOAdminResponse) -> str:
        return json.dumps({"Tags": permission_set(self).tags or []})

    def tag_resource(self: SSOAdminResponse) -> str:
        found = permission_set(self)
        tags = {t["Key"]: t["Value"] for t in found.tags or []}
        tags.update({t["Key"]: t["Value"] for t in self._get_param("Tags") or []})
        found.tags = [{"Key": k, "Value": v} for k, v in tags.items()]
        return "{}"

    def untag_resource(self: SSOAdminResponse) -> str:
        found = permission_set(self)
        drop = set(self._get_param("TagKeys") or [])
        found.tags = [t for t in found.tags or [] if t["Key"] not in drop]
        return "{}"

    SSOAdminResponse.list_tags_for_resource = list_tags_for_resource
    SSOAdminResponse.tag_resource = tag_resource
    SSOAdminResponse.untag_resource = untag_resource


def patch_ssoadmin_provisioning_status() -> None:
    """DescribePermissionSetProvisioningStatus answers the requests ProvisionPermissionSet made, which moto lacks (500).

    moto provisions at once and reports SUCCEEDED with a request id, but cannot be asked
    about that request again; the provider waits on it after every change to a permission
    set's policies, and fails the apply.
    """
    from uuid import uuid4

    from moto.core.utils import unix_time
    from moto.ssoadmin.responses import SSOAdminResponse

    provision = SSOAdminResponse.provision_permission_set

    def requests(self: SSOAdminResponse) -> dict[str, dict[str, Any]]:
        backend = self.ssoadmin_backend
        if not hasattr(backend, "_fleetfile_provisioning"):
            backend._fleetfile_provisioning = {}
        return backend._fleetfile_provisioning

    def provision_permission_set(self: SSOAdminResponse) -> str:
        answer = json.loads(provision(self))
        status = answer["PermissionSetProvisioningStatus"]
        requests(self)[status["RequestId"]] = status
        return json.dumps(answer)

    def describe_permission_set_provisioning_status(self: SSOAdminResponse) -> str:
        request = self._get_param("ProvisionPermissionSetRequestId")
        status = requests(self).get(request) or {"RequestId": request or str(uuid4()), "Status": "SUCCEEDED", "CreatedDate": unix_time()}
        return json.dumps({"PermissionSetProvisioningStatus": status})

    SSOAdminResponse.provision_permission_set = provision_permission_set
    SSOAdminResponse.describe_permission_set_provisioning_status = describe_permission_set_provisioning_status


def patch_events_forward_keeps_event() -> None:
    """An event a rule sends to another account's bus arrives as it was, as in AWS; moto puts a new
    event there, of the receiving account, without the event's resources, time or region.

    fleetfile forwards every account's alerts and Health notices to the audit account's bus,
    where its own rules send them to the security channel: the message names the account
    an event concerns from the event's `account`, which moto replaced with the audit account's.
    """
    import copy

    from moto.events.models import Rule, events_backends
    from moto.utilities.arns import parse_arn

    send = Rule.send_to_targets

    def to_bus(target: dict[str, Any]) -> bool:
        arn = parse_arn(target["Arn"])
        return arn.service == "events" and arn.resource_type == "event-bus"

    def send_to_targets(self: Rule, original_event: dict[str, Any], transform_input: bool = True) -> None:
        buses = [t for t in self.targets if to_bus(t)]
        if not buses:
            return send(self, original_event, transform_input)
        # The other targets through moto, from a copy: the rule itself is shared between requests.
        others = copy.copy(self)
        others.targets = [t for t in self.targets if not to_bus(t)]
        send(others, original_event, transform_input)
        if not self.event_pattern.matches_event(original_event):
            return None
        for target in buses:
            arn = parse_arn(target["Arn"])
            bus = events_backends[arn.account][arn.region].describe_event_bus(arn.resource_id)
            for rule in list(bus.rules.values()):
                rule.send_to_targets(copy.deepcopy(original_event))
        return None

    Rule.send_to_targets = send_to_targets


PATCHES: dict[str, Callable[[], None]] = {
    "cloudtrail-trail-arn": patch_cloudtrail_trail_arn,
    "cloudtrail-describe-name-filter": patch_cloudtrail_describe_name_filter,
    "tgw-vpc-attachment-tags": patch_tgw_vpc_attachment_tags,
    "tgw-vpc-attachment-deleted-state": patch_tgw_vpc_attachment_deleted_state,
    "s3-logging-policy-principal": patch_s3_logging_policy_principal,
    "kms-describe-other-account": patch_kms_describe_other_account,
    "organizations-config-delegated-admin": patch_organizations_config_delegated_admin,
    "ram-associate-resource-share": patch_ram_associate_resource_share,
    "ram-organization-principal-needs-sharing": patch_ram_organization_principal_needs_sharing,
    "ram-list-resource-share-permissions": patch_ram_list_resource_share_permissions,
    "ram-resource-share-tags": patch_ram_resource_share_tags,
    "ram-organization-sharing-role": patch_ram_organization_sharing_role,
    "tgw-describe-options-filters": patch_tgw_describe_options_filters,
    "ram-shared-transit-gateway": patch_ram_shared_transit_gateway,
    "ec2-route-needs-tgw-attachment": patch_ec2_route_needs_tgw_attachment,
    "s3-lifecycle-newer-noncurrent-versions": patch_s3_lifecycle_newer_noncurrent_versions,
    "s3-bucket-policy-conditions": patch_s3_bucket_policy_conditions,
    "budgets-describe-subscribers": patch_budgets_describe_subscribers,
    "budgets-tags": patch_budgets_tags,
    "organizations-scp-policy-type": patch_organizations_scp_policy_type,
    "iam-trust-principal-exists": patch_iam_trust_principal_exists,
    "sts-assume-missing-role": patch_sts_assume_missing_role,
    "iam-trust-account-principal": patch_iam_trust_account_principal,
    "iam-auth-signature-without-body": patch_iam_auth_signature_without_body,
    "guardduty-one-detector": patch_guardduty_one_detector,
    "guardduty-tag-resource": patch_guardduty_tag_resource,
    "config-empty-exclusion": patch_config_empty_exclusion,
    "ssoadmin-tags": patch_ssoadmin_tags,
    "ssoadmin-provisioning-status": patch_ssoadmin_provisioning_status,
    "events-forward-keeps-event": patch_events_forward_keeps_event,
    "organizations-securityhub-principal": patch_organizations_securityhub_principal,
    "securityhub-update-configuration": patch_securityhub_update_configuration,
}
"""Every patch, by the name of the defect it mends (the names `moto_defects.py` reports)."""


def apply_patches() -> None:
    """Applies every patch; call once, before the first request."""
    for patch in PATCHES.values():
        patch()


def seed_organization(spec: dict[str, Any]) -> None:
    """Creates an organization as it exists before fleetfile first runs: managed from
    `spec["management"]`, with every member of `spec["members"]` under its own id.

    Each account is `{"id", "name", "email"}`, a member with `"invited": true` lacks the
    execution role, as an account invited into the organization does; `spec["prerequisites"]` names the steps a
    user does by hand before the first apply (PREREQUISITES below). moto's CreateAccount draws a random id;
    the inventory's ids are pinned by drawing exactly those. As in AWS, each member gets
    an execution role (`spec["executionRoleName"]`, by default OrganizationAccountAccessRole),
    which the providers assume.
    """
    from unittest import mock

    from moto.organizations import utils
    from moto.organizations.models import organizations_backends

    management = spec["management"]
    backend = organizations_backends[management["id"]]["aws"]
    backend.create_organization(region="us-east-1", FeatureSet="ALL")
    backend.org.master_account_email = management["email"]
    backend.accounts[0].name, backend.accounts[0].email = management["name"], management["email"]
    role = spec.get("executionRoleName", "OrganizationAccountAccessRole")
    for member in spec["members"]:
        with mock.patch.object(utils, "make_random_account_id", return_value=member["id"]):
            backend.create_account(AccountName=member["name"], Email=member["email"], RoleName=role)
        if member.get("invited"):
            remove_role(member["id"], role)
    for name in spec.get("prerequisites", []):
        PREREQUISITES[name](backend, spec)


def remove_role(account: str, name: str) -> None:
    """An account without the execution role, as an account invited into the organization is."""
    from moto.iam.models import iam_backends

    iam = iam_backends[account]["aws"]
    for arn in list(iam.get_role(name).managed_policies):
        iam.detach_role_policy(arn, name)
    iam.delete_role(name)


def create_identity_principals(backend: Any, spec: dict[str, Any]) -> None:
    """The roles and users that `access` names, in their accounts, as whoever manages sign-in creates them;
    and the groups that `groups` names, in the identity store of the management account's Identity Center
    instance in `spec["identityCenter"]["region"]`, as an identity provider's sync creates them."""
    from moto.iam.models import iam_backends
    from moto.identitystore.models import identitystore_backends
    from moto.ssoadmin.models import ssoadmin_backends

    center = spec.get("identityCenter")
    if center:
        management = spec["management"]["id"]
        instance = ssoadmin_backends[management][center["region"]].list_instances()[0]
        store = identitystore_backends[management][center["region"]]
        for group in center["groups"]:
            store.create_group(instance.identity_store_id, group, "")

    for principal in spec.get("principals", []):
        iam = iam_backends[principal["account"]]["aws"]
        if principal["kind"] == "user":
            iam.create_user(region_name="us-east-1", user_name=principal["name"])
            continue
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{principal['account']}:root"}, "Action": "sts:AssumeRole"}
            ],
        }
        iam.create_role(principal["name"], json.dumps(trust), "/", None, "", [], None)


def create_management_execution_role(backend: Any, spec: dict[str, Any]) -> None:
    """The execution role in the management account, which Organizations creates only in the accounts it creates."""
    from moto.iam.models import iam_backends

    management = spec["management"]["id"]
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{management}:root"}, "Action": "sts:AssumeRole"}],
    }
    iam = iam_backends[management]["aws"]
    iam.create_role(spec.get("executionRoleName", "OrganizationAccountAccessRole"), json.dumps(trust), "/", None, "", [], None)
    iam.attach_role_policy("arn:aws:iam::aws:policy/AdministratorAccess", spec.get("executionRoleName", "OrganizationAccountAccessRole"))


def enable_scp_policy_type(backend: Any, _: dict[str, Any]) -> None:
    """Service control policies enabled on the root, as the console or EnablePolicyType does."""
    backend.enable_policy_type(RootId=backend.ou[0].id, PolicyType="SERVICE_CONTROL_POLICY")


def enable_trusted_access(backend: Any, spec: dict[str, Any]) -> None:
    """Trusted access for each of `spec["trustedServices"]`, as EnableAWSServiceAccess does."""
    for service in spec.get("trustedServices", []):
        backend.enable_aws_service_access(ServicePrincipal=service)


PREREQUISITES: dict[str, Callable[[Any, dict[str, Any]], None]] = {
    "scp-policy-type": enable_scp_policy_type,
    "identity-principals": create_identity_principals,
    "trusted-access": enable_trusted_access,
    "execution-role": create_management_execution_role,
}
"""The prerequisites the seed can do, by the ids of terraform/prerequisites.ts."""


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
