import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { providerAddress, requiredProviders, unavailableProviders } from "../../terraform/providers.js";

describe("providerAddress", () => {
  it("reads a source as Terraform does", () => {
    expect(providerAddress("aws")).toBe("registry.terraform.io/hashicorp/aws");
    expect(providerAddress("hashicorp/tfe")).toBe("registry.terraform.io/hashicorp/tfe");
    expect(providerAddress("example.com/Acme/Thing")).toBe("example.com/acme/thing");
  });
});

describe("requiredProviders", () => {
  it("lists the addresses of required_providers, by source or else by name", () => {
    const config = { terraform: { required_providers: { aws: { source: "aws" }, tfe: { source: "hashicorp/tfe" } } } };
    expect(requiredProviders(config)).toEqual([
      "registry.terraform.io/hashicorp/aws",
      "registry.terraform.io/hashicorp/tfe",
    ]);
    expect(requiredProviders({ terraform: { required_providers: { random: {} } } })).toEqual([
      "registry.terraform.io/hashicorp/random",
    ]);
    expect(requiredProviders({})).toEqual([]);
  });
});

describe("unavailableProviders", () => {
  it("names what a workspace needs beyond the providers given", () => {
    const dir = mkdtempSync(join(tmpdir(), "fleetfile-providers-"));
    try {
      writeFileSync(
        join(dir, "cdk.tf.json"),
        JSON.stringify({
          terraform: { required_providers: { aws: { source: "aws" }, tfe: { source: "hashicorp/tfe" } } },
        }),
      );
      expect(unavailableProviders(dir, ["registry.terraform.io/hashicorp/aws"])).toEqual([
        "registry.terraform.io/hashicorp/tfe",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
