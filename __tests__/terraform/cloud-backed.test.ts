import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DIRECT_ACCESS, reviewAccess } from "../../terraform/commands.js";
import { MOTO_OVERRIDE_FILE, motoOverride } from "../../terraform/moto-overrides.js";
import { cloudBacked } from "../../terraform/runner.js";

const CLOUD = { terraform: { cloud: { organization: "acme-infra", workspaces: { name: "acme-audit" } } } };

describe("cloudBacked: whether a workspace runs in Terraform Cloud", () => {
  // Every folder made, not only the last: a test may make more than one.
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const workspace = (config: unknown, overrides: Record<string, unknown> = {}) => {
    const dir = mkdtempSync(join(tmpdir(), "fleetfile-cloud-"));
    dirs.push(dir);
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(config));
    for (const [file, content] of Object.entries(overrides)) writeFileSync(join(dir, file), JSON.stringify(content));
    return dir;
  };

  it("is true for a configuration with a cloud block, false for a backend", () => {
    expect(cloudBacked(workspace(CLOUD))).toBe(true);
    expect(cloudBacked(workspace({ terraform: { backend: { local: { path: "x.tfstate" } } } }))).toBe(false);
  });

  it("is false once an override file sets a backend, as the sandbox's does: Terraform runs it locally", () => {
    expect(cloudBacked(workspace(CLOUD, { [MOTO_OVERRIDE_FILE]: motoOverride(CLOUD) }))).toBe(false);
  });

  it("picks the role a review plan asks for: the plan role locally, none in Terraform Cloud", () => {
    expect(reviewAccess(false)).toBe("plan");
    expect(reviewAccess(true)).toBe(DIRECT_ACCESS);
  });
});
