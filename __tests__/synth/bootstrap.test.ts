import { describe, expect, it } from "vitest";
import { bootstrapWorkspaceName } from "../../stacks/bootstrap-stack.js";
import { ACCESS_VARIABLE, DIRECT_ACCESS } from "../../terraform/commands.js";
import { type Block, EXAMPLE_FILE, synthesizeOnce } from "./support.js";

describe("the Terraform Cloud bootstrap workspace of the example", () => {
  const synth = synthesizeOnce({ file: EXAMPLE_FILE });
  const bootstrap = () => synth().workspaces.get(bootstrapWorkspaceName("acme"))!;

  it("creates one Terraform Cloud workspace per account with an id, named like its Terraform workspace", () => {
    const workspaces = bootstrap().resource("tfe_workspace", "workspaces");
    const forEach = workspaces.for_each as Record<string, Block>;
    const withIds = synth().accountsWithWorkspace;
    expect(Object.keys(forEach).sort()).toEqual(withIds.map((a) => a.key).sort());
    for (const account of withIds) {
      expect(forEach[account.key].name).toBe(account.workspace);
      // No working directory: a CLI-driven run uploads the folder it runs in, wherever CI synthesized.
      expect(forEach[account.key].working_directory).toBeUndefined();
    }
    expect(forEach["dev-payments-api"]).toBeUndefined();
  });

  it("gives every account workspace a configuration that names no file outside its own folder, the upload", () => {
    for (const account of synth().accountsWithWorkspace) {
      expect(JSON.stringify(synth().of(account.key).json), account.key).not.toMatch(/\.\.\//);
    }
  });

  it("keeps them from destroy, so deleting an account from the inventory fails the plan", () => {
    const workspaces = bootstrap().resource("tfe_workspace", "workspaces");
    expect(workspaces.lifecycle).toEqual({ prevent_destroy: true });
    expect(workspaces.working_directory).toBeUndefined();
    expect(workspaces.auto_apply).toBe(true);
    expect(workspaces.allow_destroy_plan).toBe(false);
  });

  it("gives each dynamic AWS credentials with a role per run phase in its own account, and no role to assume", () => {
    const variables = new Map(
      bootstrap()
        .resources("tfe_variable")
        .map(([, v]) => [v.key as string, v]),
    );
    expect([...variables.keys()].sort()).toEqual([
      "TFC_AWS_APPLY_ROLE_ARN",
      "TFC_AWS_PLAN_ROLE_ARN",
      "TFC_AWS_PROVIDER_AUTH",
      ACCESS_VARIABLE,
    ]);
    const accounts = synth().accountsWithWorkspace;
    const each = (key: string) => variables.get(key)?.for_each as Record<string, string>;
    expect(each("TFC_AWS_PLAN_ROLE_ARN")).toEqual(
      Object.fromEntries(accounts.map((a) => [a.key, `arn:aws:iam::${a.id}:role/acme-terraform-cloud-plan`])),
    );
    expect(each("TFC_AWS_APPLY_ROLE_ARN")).toEqual(
      Object.fromEntries(accounts.map((a) => [a.key, `arn:aws:iam::${a.id}:role/acme-terraform-cloud-apply`])),
    );
    expect(Object.values(each(ACCESS_VARIABLE))).toEqual(accounts.map(() => DIRECT_ACCESS));
    expect(variables.get(ACCESS_VARIABLE)?.category).toBe("terraform");
    for (const key of ["TFC_AWS_PROVIDER_AUTH", "TFC_AWS_PLAN_ROLE_ARN", "TFC_AWS_APPLY_ROLE_ARN"])
      expect(variables.get(key)?.category, key).toBe("env");
    for (const variable of variables.values()) {
      expect(variable.workspace_id).toBe(`\${tfe_workspace.workspaces[each.key].id}`);
      expect(variable.value).toBe(`\${each.value}`);
    }
  });

  it("makes Terraform Cloud's OIDC provider and the management workspace's two phase roles in the management account", () => {
    const ws = bootstrap();
    const provider = (ws.json.provider as Block).aws as Block[];
    expect(provider[0].allowed_account_ids).toEqual(["111111111111"]);
    expect(provider[0].assume_role).toBeUndefined();
    const [[, oidc]] = ws.resources("aws_iam_openid_connect_provider");
    expect(oidc).toMatchObject({ url: "https://app.terraform.io", client_id_list: ["aws.workload.identity"] });
    const roles = Object.fromEntries(ws.resources("aws_iam_role").map(([, r]) => [r.name as string, r]));
    expect(Object.keys(roles).sort()).toEqual(["acme-terraform-cloud-apply", "acme-terraform-cloud-plan"]);
    for (const phase of ["plan", "apply"]) {
      const trust = JSON.parse(roles[`acme-terraform-cloud-${phase}`].assume_role_policy as string);
      expect(trust.Statement[0].Condition.StringEquals).toEqual({
        "app.terraform.io:aud": "aws.workload.identity",
        "app.terraform.io:sub": `organization:acme-infra:project:aws-accounts:workspace:acme-management:run_phase:${phase}`,
      });
    }
  });
});
