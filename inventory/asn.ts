/** The private ASN ranges AWS accepts as a Transit Gateway's Amazon side ASN. */
export const PRIVATE_ASN_RANGES = [
  { min: 64512, max: 65534 },
  { min: 4200000000, max: 4294967294 },
] as const;

/** Most distinct ASNs derived from one base: derived numbers stay close to `network.asn`. */
const DERIVED_SPAN = 1000;

/** Whether `asn` is a private ASN that a Transit Gateway accepts. */
export function isPrivateAsn(asn: number): boolean {
  return PRIVATE_ASN_RANGES.some((r) => asn >= r.min && asn <= r.max);
}

/** The private ranges, for messages. */
export const PRIVATE_ASN_WORDS = PRIVATE_ASN_RANGES.map((r) => `${r.min} to ${r.max}`).join(" or ");

/**
 * The ASN of environment `env`'s gateways when `network.asns` does not pin it: `base` plus
 * a number taken from the environment's name (FNV-1a), below the end of `base`'s private
 * range. It depends on the name alone, never on the position in `organization.environments`,
 * so that reordering the list or adding an environment renumbers no gateway (an ASN change
 * replaces the gateway and every attachment to it). Undefined when `base` is not private.
 */
export function derivedAsn(base: number, env: string): number | undefined {
  const range = PRIVATE_ASN_RANGES.find((r) => base >= r.min && base <= r.max);
  if (!range) return undefined;
  const span = Math.min(DERIVED_SPAN, range.max - base + 1);
  return base + (fnv1a(env) % span);
}

/**
 * The ASN of each environment's gateways: `asns[env]` when pinned, else {@link derivedAsn}.
 * Environments whose ASN cannot be worked out (a base outside the private ranges) are left out;
 * validation reports them.
 */
export function environmentAsns(
  environments: readonly string[],
  base: number,
  asns: Readonly<Record<string, number>> = {},
): Map<string, number> {
  const out = new Map<string, number>();
  for (const env of environments) {
    const asn = Object.hasOwn(asns, env) ? asns[env] : derivedAsn(base, env);
    if (asn !== undefined) out.set(env, asn);
  }
  return out;
}

/** 32-bit FNV-1a of a string's UTF-16 code units: small, fixed, and the same on every machine. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
