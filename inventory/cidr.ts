/** An IPv4 block as a closed range of addresses. */
export interface Cidr {
  readonly text: string;
  readonly first: number;
  readonly last: number;
  readonly prefix: number;
}

/** Parses `a.b.c.d/n`; returns a reason instead when the text is not a network address. */
export function parseCidr(text: string): Cidr | { readonly reason: string } {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return { reason: "is not an IPv4 CIDR block" };
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255)) return { reason: "has an octet above 255" };
  if (prefix > 32) return { reason: "has a prefix above 32" };
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) {
    return {
      reason: `has host bits set (the network address is ${formatAddress(address - (address % size))}/${prefix})`,
    };
  }
  return { text, first: address, last: address + size - 1, prefix };
}

/** Dotted form of a 32-bit address. */
export function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

/** Splits `cidr` into `count` equal subnets (the smallest power of two that holds `count`), first `count` of them. */
export function splitCidr(cidr: Cidr, count: number): string[] {
  const extraBits = Math.ceil(Math.log2(Math.max(1, count)));
  const prefix = cidr.prefix + extraBits;
  const size = 2 ** (32 - prefix);
  return Array.from({ length: count }, (_, i) => `${formatAddress(cidr.first + i * size)}/${prefix}`);
}

/**
 * Pairs of overlapping blocks, each reported once against the earlier block it overlaps.
 * Sorting makes this O(n log n), so a thousand VPCs cost nothing.
 */
export function findOverlaps<T extends { readonly cidr: Cidr }>(items: readonly T[]): [T, T][] {
  const sorted = [...items].sort((a, b) => a.cidr.first - b.cidr.first || b.cidr.last - a.cidr.last);
  const overlaps: [T, T][] = [];
  let widest: T | undefined;
  for (const item of sorted) {
    if (widest && item.cidr.first <= widest.cidr.last) overlaps.push([widest, item]);
    if (!widest || item.cidr.last > widest.cidr.last) widest = item;
  }
  return overlaps;
}
