import { describe, expect, it } from "vitest";
import {
  applyArgs,
  destroyArgs,
  initArgs,
  planArgs,
  showJsonArgs,
  terraformEnv,
  validateArgs,
} from "../../terraform/commands.js";

describe("command lines", () => {
  it("inits with the backend unless told not to", () => {
    expect(initArgs()).toEqual(["init", "-input=false", "-no-color"]);
    expect(initArgs({ backend: false })).toEqual(["init", "-input=false", "-no-color", "-backend=false"]);
  });

  it("validates as JSON", () => {
    expect(validateArgs()).toEqual(["validate", "-json", "-no-color"]);
  });

  it("plans into a file, optionally with the detailed exit code or for destruction", () => {
    expect(planArgs({ out: "tfplan" })).toEqual(["plan", "-input=false", "-no-color", "-out=tfplan"]);
    expect(planArgs({ out: "p", detailedExitCode: true, destroy: true })).toEqual([
      "plan",
      "-input=false",
      "-no-color",
      "-out=p",
      "-detailed-exitcode",
      "-destroy",
    ]);
  });

  it("shows a saved plan as JSON and applies exactly that plan", () => {
    expect(showJsonArgs("tfplan")).toEqual(["show", "-json", "-no-color", "tfplan"]);
    expect(applyArgs("tfplan")).toEqual(["apply", "-input=false", "-no-color", "tfplan"]);
  });

  it("destroys without a prompt", () => {
    expect(destroyArgs()).toContain("-auto-approve");
  });
});

describe("terraformEnv", () => {
  const base = { PATH: "/bin", HOME: "/root", TF_INPUT: "1", UNSET: undefined };

  it("keeps the base and makes Terraform unattended, offline-capable and configured", () => {
    const env = terraformEnv(base, "/cache/terraformrc");
    expect(env).toMatchObject({
      PATH: "/bin",
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
      TF_CLI_CONFIG_FILE: "/cache/terraformrc",
    });
    expect(env).not.toHaveProperty("UNSET");
  });

  it("lets extra win, and removes what extra sets to undefined", () => {
    const env = terraformEnv(base, "/rc", { HOME: undefined, AWS_ENDPOINT_URL: "http://127.0.0.1:1" });
    expect(env).not.toHaveProperty("HOME");
    expect(env.AWS_ENDPOINT_URL).toBe("http://127.0.0.1:1");
  });
});
