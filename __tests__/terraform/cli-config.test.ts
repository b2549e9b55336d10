import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  DEFAULT_PROVIDER_MIRROR,
  defaultTerraformHome,
  findProviderMirror,
  mirroredProviders,
  PROVIDER_MIRROR_ENV,
  renderCliConfig,
  writeCliConfig,
} from "../../terraform/cli-config.js";

const temps: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), "fleetfile-cli-config-"));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A mirror folder holding the given `host/namespace/type/version/platform` paths. */
function mirrorWith(...providers: string[]): string {
  const mirror = temp();
  for (const provider of providers) mkdirSync(join(mirror, provider, "1.0.0", "linux_amd64"), { recursive: true });
  return mirror;
}

describe("findProviderMirror", () => {
  it("takes the environment variable first", () => {
    expect(findProviderMirror({ [PROVIDER_MIRROR_ENV]: "/m" }, () => true)).toBe("/m");
  });

  it("falls back to the default mirror when it exists, else to none", () => {
    expect(findProviderMirror({}, (p) => p === DEFAULT_PROVIDER_MIRROR)).toBe(DEFAULT_PROVIDER_MIRROR);
    expect(findProviderMirror({}, () => false)).toBeUndefined();
  });

  it("fails when the environment names a folder that does not exist", () => {
    expect(() => findProviderMirror({ [PROVIDER_MIRROR_ENV]: "/nope" }, () => false)).toThrow(
      "FLEETFILE_PROVIDER_MIRROR=/nope: no such folder",
    );
  });
});

describe("mirroredProviders", () => {
  it("lists the host/namespace/type folders of a mirror", () => {
    const mirror = mirrorWith("registry.terraform.io/hashicorp/aws", "registry.terraform.io/hashicorp/tfe");
    expect(mirroredProviders(mirror).sort()).toEqual([
      "registry.terraform.io/hashicorp/aws",
      "registry.terraform.io/hashicorp/tfe",
    ]);
  });
});

describe("renderCliConfig", () => {
  it("installs mirrored providers only from the mirror and the rest from their registry", () => {
    const text = renderCliConfig({
      pluginCacheDir: "/cache",
      mirror: { path: "/opt/tf-plugins", providers: ["registry.terraform.io/hashicorp/aws"] },
    });
    expect(text).toContain('plugin_cache_dir = "/cache"');
    expect(text).toContain("plugin_cache_may_break_dependency_lock_file = true");
    expect(text).toContain(
      'filesystem_mirror {\n    path    = "/opt/tf-plugins"\n    include = ["registry.terraform.io/hashicorp/aws"]',
    );
    expect(text).toContain('direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]');
  });

  it("installs everything from the registry without a mirror", () => {
    const text = renderCliConfig({ pluginCacheDir: "/cache" });
    expect(text).not.toContain("filesystem_mirror");
    expect(text).toContain("  direct {}");
  });
});

describe("writeCliConfig", () => {
  it("writes the config and creates the plugin cache, which Terraform requires to exist", () => {
    const home = temp();
    const mirror = mirrorWith("registry.terraform.io/hashicorp/aws");
    const file = writeCliConfig(home, { [PROVIDER_MIRROR_ENV]: mirror });
    expect(file).toBe(join(home, "terraformrc"));
    expect(statSync(join(home, "plugin-cache")).isDirectory()).toBe(true);
    expect(readFileSync(file, "utf8")).toContain(`path    = ${JSON.stringify(mirror)}`);
  });

  it("treats an empty mirror as none", () => {
    const home = temp();
    const file = writeCliConfig(home, { [PROVIDER_MIRROR_ENV]: temp() });
    expect(readFileSync(file, "utf8")).not.toContain("filesystem_mirror");
  });

  it("keeps its files under the user's cache folder by default", () => {
    expect(defaultTerraformHome({ XDG_CACHE_HOME: "/xdg" })).toBe("/xdg/fleetfile/terraform");
  });
});
