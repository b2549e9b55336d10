import { describe, expect, it } from "vitest";
import {
  type NamingVars,
  PLACEHOLDER_NAMES,
  renderTemplate,
  unknownPlaceholders,
  workspaceName,
} from "../../inventory/naming.js";

const WITH_SYSTEM: NamingVars = {
  key: "prod-payments-api",
  org: "acme",
  env: "prod",
  team: "payments",
  system: "api",
  domain: "example.com",
};
const WITHOUT_SYSTEM: NamingVars = { ...WITH_SYSTEM, key: "prod-payments", system: undefined };

describe("renderTemplate", () => {
  it.each([
    ["{env}", "prod", "prod"],
    ["{team}", "payments", "payments"],
    ["{system}", "api", ""],
    ["{-system}", "-api", ""],
    ["{+env}", "+prod", "+prod"],
    ["{domain}", "example.com", "example.com"],
    ["{key}", "prod-payments-api", "prod-payments"],
    ["{org}", "acme", "acme"],
  ])("fills %s (with a system: %j, without: %j)", (template, withSystem, withoutSystem) => {
    expect(renderTemplate(template, WITH_SYSTEM)).toBe(withSystem);
    expect(renderTemplate(template, WITHOUT_SYSTEM)).toBe(withoutSystem);
  });

  it("covers every placeholder it knows", () => {
    expect(PLACEHOLDER_NAMES).toEqual([
      "{env}",
      "{team}",
      "{system}",
      "{-system}",
      "{+env}",
      "{domain}",
      "{key}",
      "{org}",
    ]);
  });

  it("fills the default templates of the contract", () => {
    expect(renderTemplate("{env}-{team}{-system}", WITH_SYSTEM)).toBe("prod-payments-api");
    expect(renderTemplate("{env}-{team}{-system}", WITHOUT_SYSTEM)).toBe("prod-payments");
    expect(renderTemplate("ml-aws-{team}{-system}{+env}@{domain}", WITH_SYSTEM)).toBe(
      "ml-aws-payments-api+prod@example.com",
    );
    expect(renderTemplate("ml-aws-{team}{-system}{+env}@{domain}", WITHOUT_SYSTEM)).toBe(
      "ml-aws-payments+prod@example.com",
    );
  });

  it("keeps text outside braces and placeholders it does not know", () => {
    expect(renderTemplate("aws-{org}/{nope}-{env}", WITH_SYSTEM)).toBe("aws-acme/{nope}-prod");
  });
});

describe("unknownPlaceholders", () => {
  it("finds none in a template of known placeholders", () => {
    expect(unknownPlaceholders("{org}-{env}-{team}{-system}{system}{+env}@{domain}/{key}")).toEqual([]);
  });

  it("lists every unknown one, braces included, in order", () => {
    expect(unknownPlaceholders("{enviroment}-{team}-{}-{Team}-{-env}")).toEqual([
      "{enviroment}",
      "{}",
      "{Team}",
      "{-env}",
    ]);
  });
});

describe("workspaceName", () => {
  it("prefixes the account key with the organization", () => {
    expect(workspaceName("acme", "prod-payments-api")).toBe("acme-prod-payments-api");
  });
});
