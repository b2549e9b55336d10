import { describe, expect, it } from "vitest";
import { type Cidr, findOverlaps, formatAddress, parseCidr, splitCidr } from "../../inventory/cidr.js";

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if ("reason" in parsed) throw new Error(`${text} ${parsed.reason}`);
  return parsed;
}

describe("parseCidr", () => {
  it("gives the first and last address and the prefix", () => {
    expect(parseCidr("10.10.0.0/16")).toEqual({
      text: "10.10.0.0/16",
      first: 0x0a0a0000,
      last: 0x0a0affff,
      prefix: 16,
    });
    expect(parseCidr("0.0.0.0/0")).toEqual({ text: "0.0.0.0/0", first: 0, last: 2 ** 32 - 1, prefix: 0 });
    expect(parseCidr("255.255.255.255/32")).toMatchObject({ first: 2 ** 32 - 1, last: 2 ** 32 - 1 });
  });

  it.each([
    ["10.10.0/16", "is not an IPv4 CIDR block"],
    ["10.10.0.0", "is not an IPv4 CIDR block"],
    ["10.10.0.0/16 ", "is not an IPv4 CIDR block"],
    ["fd00::/8", "is not an IPv4 CIDR block"],
    ["10.256.0.0/16", "has an octet above 255"],
    ["10.0.0.0/33", "has a prefix above 32"],
    ["10.10.1.0/16", "has host bits set (the network address is 10.10.0.0/16)"],
    ["10.0.0.1/31", "has host bits set (the network address is 10.0.0.0/31)"],
  ])("fails when given %s: %s", (text, reason) => {
    expect(parseCidr(text)).toEqual({ reason });
  });
});

describe("formatAddress", () => {
  it("writes a 32-bit address in dotted form", () => {
    expect(formatAddress(0)).toBe("0.0.0.0");
    expect(formatAddress(0x0a141e28)).toBe("10.20.30.40");
    expect(formatAddress(2 ** 32 - 1)).toBe("255.255.255.255");
  });
});

describe("splitCidr", () => {
  it("splits into the smallest power of two that holds the count, and returns the first ones", () => {
    expect(splitCidr(cidr("10.10.0.0/16"), 1)).toEqual(["10.10.0.0/16"]);
    expect(splitCidr(cidr("10.10.0.0/16"), 2)).toEqual(["10.10.0.0/17", "10.10.128.0/17"]);
    expect(splitCidr(cidr("10.10.0.0/16"), 3)).toEqual(["10.10.0.0/18", "10.10.64.0/18", "10.10.128.0/18"]);
    expect(splitCidr(cidr("10.40.0.0/20"), 6)).toEqual([
      "10.40.0.0/23",
      "10.40.2.0/23",
      "10.40.4.0/23",
      "10.40.6.0/23",
      "10.40.8.0/23",
      "10.40.10.0/23",
    ]);
  });
});

describe("findOverlaps", () => {
  const blocks = (...texts: string[]) => texts.map((text) => ({ name: text, cidr: cidr(text) }));
  const names = (pairs: [{ name: string }, { name: string }][]) => pairs.map(([a, b]) => [a.name, b.name]);

  it("finds nothing among disjoint and adjacent blocks", () => {
    expect(findOverlaps(blocks("10.0.1.0/24", "10.0.0.0/24", "10.1.0.0/16", "192.168.0.0/16"))).toEqual([]);
  });

  it("finds equal blocks", () => {
    expect(names(findOverlaps(blocks("10.0.0.0/16", "10.0.0.0/16")))).toEqual([["10.0.0.0/16", "10.0.0.0/16"]]);
  });

  it("finds blocks nested in another, whatever the order given, each once against the wider block", () => {
    const expected = [
      ["10.0.0.0/8", "10.1.0.0/16"],
      ["10.0.0.0/8", "10.1.2.0/24"],
      ["10.0.0.0/8", "10.200.0.0/16"],
    ];
    expect(names(findOverlaps(blocks("10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.200.0.0/16")))).toEqual(expected);
    expect(names(findOverlaps(blocks("10.200.0.0/16", "10.1.2.0/24", "10.1.0.0/16", "10.0.0.0/8")))).toEqual(expected);
  });

  it("finds a block nested in a later one that starts at the same address", () => {
    expect(names(findOverlaps(blocks("10.0.0.0/24", "10.0.0.0/16", "10.1.0.0/16")))).toEqual([
      ["10.0.0.0/16", "10.0.0.0/24"],
    ]);
  });
});
