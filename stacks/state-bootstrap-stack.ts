import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Construct } from "constructs";
import { LocalBackend, TerraformStack } from "../constructs/cdktf.js";
import { StateBucket } from "../constructs/state-bucket.js";
import { coreAccount, type Organization } from "../inventory/model.js";
import { executionRoleArnOf, localStatePath, MANAGED_BY, stateLocation } from "./account-stack.js";

/** Name of the workspace that creates the S3 backend's bucket, for organization `org`. */
export function stateBootstrapWorkspaceName(org: string): string {
  return `${org}-state-bootstrap`;
}

/**
 * The workspace that creates the bucket every other workspace keeps its state in
 * (organization.state), in the management account through its execution role. Applied
 * once by hand before any other workspace; its own state is local (it cannot live in a
 * bucket it creates) until it is moved there (docs/workflow.md).
 */
export class StateBootstrapStack extends TerraformStack {
  constructor(scope: Construct, organization: Organization) {
    const location = stateLocation(organization);
    if (!location) throw new Error("the state bootstrap workspace needs organization.state");
    const inventory = organization.inventory.organization;
    super(scope, stateBootstrapWorkspaceName(inventory.name));
    new LocalBackend(this, { path: localStatePath(this.node.id) });
    const roleArn = executionRoleArnOf(organization, coreAccount(organization, "management"));
    const provider = new AwsProvider(this, "aws", {
      region: location.region,
      assumeRole: [{ roleArn }],
      defaultTags: [{ tags: { "managed-by": MANAGED_BY } }],
    });
    new StateBucket(this, "state-bucket", { provider, bucketName: location.bucket, managerRoleArn: roleArn });
  }
}
