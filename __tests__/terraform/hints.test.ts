import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeCliConfig } from "../../terraform/cli-config.js";
import { failureHint, firstLine, init, type RunnerProps, runTerraform } from "../../terraform/runner.js";
import { requireTools } from "./support.js";

/** `call`'s failure as the one line a command prints for it. */
async function failureOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return firstLine(error);
  }
  throw new Error("the call succeeded");
}

/**
 * The failures a user meets first on a machine that is not set up, made by real Terraform:
 * each one line that says what to set. (The test machines have no network: Terraform Cloud
 * is unreachable here for real.)
 */
describe.skipIf(requireTools("terraform").skip)("what a failure says to set", () => {
  const root = mkdtempSync(join(tmpdir(), "fleetfile-hints-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const workspace = (name: string, config: unknown) => {
    const dir = join(root, name);
    mkdirSync(dir);
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(config));
    return dir;
  };
  // No AWS_* variable of this machine may reach the run, nor the instance metadata service.
  const runner: RunnerProps = {
    cliConfigFile: writeCliConfig(),
    env: {
      ...Object.fromEntries(
        Object.keys(process.env)
          .filter((k) => k.startsWith("AWS_"))
          .map((k) => [k, undefined]),
      ),
      AWS_EC2_METADATA_DISABLED: "true",
      TF_TOKEN_app_terraform_io: undefined,
    },
  };

  it("names the network and the token when Terraform Cloud cannot be reached", async () => {
    const dir = workspace("cloud", { terraform: { cloud: { organization: "acme-infra", workspaces: { name: "x" } } } });
    const line = await failureOf(init(dir, runner));
    expect(line).toMatch(/^Error: Failed to request discovery document/);
    expect(line).toContain("(Terraform Cloud cannot be reached from here: check the network");
  });

  it("names the AWS credentials to set when there are none", async () => {
    const dir = workspace("aws", {
      terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
      provider: { aws: { region: "us-east-1" } },
      data: { aws_caller_identity: { me: {} } },
    });
    await init(dir, runner);
    const line = await failureOf(runTerraform(dir, ["plan", "-input=false", "-no-color"], runner));
    expect(line).toBe(`Error: No valid credential sources found (${failureHint("No valid credential sources found")})`);
    expect(line).toContain("set AWS_PROFILE");
  }, 60_000);

  it("says nothing more of a failure it does not know", () => {
    expect(failureHint("Error: Invalid reference")).toBeUndefined();
    expect(failureHint("Error: Required token could not be found")).toContain("set TF_TOKEN_app_terraform_io");
  });
});
