import { describe, expect, it } from "vitest";
import { bootstrapWorkspaceName } from "../../stacks/bootstrap-stack.js";
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

  it("gives each dynamic AWS credentials through the management account's Terraform Cloud role", () => {
    const variables = bootstrap().resources("tfe_variable");
    expect(Object.fromEntries(variables.map(([, v]) => [v.key, v.value]))).toEqual({
      TFC_AWS_PROVIDER_AUTH: "true",
      TFC_AWS_RUN_ROLE_ARN: "arn:aws:iam::111111111111:role/acme-terraform-cloud",
    });
    for (const [, variable] of variables) {
      expect(variable.workspace_id).toBe(`\${tfe_workspace.workspaces[each.key].id}`);
      expect(Object.keys(variable.for_each as Block).length).toBe(synth().accountsWithWorkspace.length);
    }
  });
});
