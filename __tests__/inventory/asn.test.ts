import { describe, expect, it } from "vitest";
import { derivedAsn, environmentAsns, isPrivateAsn } from "../../inventory/asn.js";

describe("derivedAsn", () => {
  it("gives the same ASN for a name whatever else the list holds, or where the name stands in it", () => {
    const before = environmentAsns(["prod", "stg", "dev"], 64512);
    const reordered = environmentAsns(["dev", "prod", "stg"], 64512);
    const added = environmentAsns(["qa", "prod", "stg", "dev"], 64512);
    for (const env of ["prod", "stg", "dev"]) {
      expect(reordered.get(env), env).toBe(before.get(env));
      expect(added.get(env), env).toBe(before.get(env));
    }
    expect(before).toEqual(
      new Map([
        ["prod", 64596],
        ["stg", 65455],
        ["dev", 65068],
      ]),
    );
  });

  it("stays inside the private range of its base, however close to the range's end the base is", () => {
    for (const base of [64512, 65000, 65534, 4200000000, 4294967294]) {
      for (const env of ["prod", "stg", "dev", "qa", "sandbox", "production", "a", "z-9"]) {
        const asn = derivedAsn(base, env) ?? Number.NaN;
        expect(isPrivateAsn(asn), `${base} ${env}: ${asn}`).toBe(true);
        expect(asn).toBeGreaterThanOrEqual(base);
      }
    }
  });

  it("fails when the base is not a private ASN: nothing is derived", () => {
    expect(derivedAsn(65535, "prod")).toBeUndefined();
    expect(derivedAsn(100, "prod")).toBeUndefined();
  });

  it("leaves a pinned ASN as it is", () => {
    expect(environmentAsns(["prod", "dev"], 64512, { prod: 64512 }).get("prod")).toBe(64512);
  });
});
