import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { type PolicyStatement, policyDocument, serviceTrust } from "./policy.js";

/** Props of {@link ServiceRole}. */
export interface ServiceRoleProps {
  readonly roleName: string;
  /** Service principal that assumes the role, e.g. `config.amazonaws.com`. */
  readonly service: string;
  /** AWS managed policies to attach, by name (`service-role/AWS_ConfigRole`). */
  readonly managedPolicies?: readonly string[];
  /** Inline statements. */
  readonly statements?: readonly PolicyStatement[];
  readonly provider?: AwsProvider;
}

/** An IAM role that one AWS service assumes, with managed and inline permissions. */
export class ServiceRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "Resource", {
      provider: props.provider,
      name: props.roleName,
      assumeRolePolicy: serviceTrust(props.service),
    });
    for (const policy of props.managedPolicies ?? []) {
      new IamRolePolicyAttachment(this, policy.split("/").at(-1) ?? policy, {
        provider: props.provider,
        role: this.role.name,
        policyArn: `arn:aws:iam::aws:policy/${policy}`,
      });
    }
    if (props.statements?.length) {
      new IamRolePolicy(this, "inline", {
        provider: props.provider,
        role: this.role.id,
        name: props.roleName,
        policy: policyDocument(props.statements),
      });
    }
  }

  /** The role's ARN. */
  get roleArn(): string {
    return this.role.arn;
  }
}
