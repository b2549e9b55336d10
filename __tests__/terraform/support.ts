import { spawnSync } from "node:child_process";
import { pythonBinary } from "../../terraform/moto.js";

/** An outside program some tests need. */
export type Tool = "terraform" | "moto";

/** How to tell each tool is there: a command that exits 0 when it is. */
const PROBES: Record<Tool, () => readonly [string, readonly string[]]> = {
  terraform: () => ["terraform", ["version"]],
  moto: () => [pythonBinary(), ["-c", "import moto, boto3, werkzeug"]],
};

/** Which of `tools` are missing on this machine. */
export function missingTools(tools: readonly Tool[]): Tool[] {
  return tools.filter((tool) => {
    const [command, args] = PROBES[tool]();
    return spawnSync(command, args, { stdio: "ignore", timeout: 30_000 }).status !== 0;
  });
}

/**
 * What to do about missing tools: run when none is missing; skip, saying why, on a
 * developer's machine; fail in CI, where a silently skipped Terraform test hides breakage.
 */
export function toolsVerdict(
  missing: readonly Tool[],
  ci: boolean,
): { readonly skip: boolean; readonly reason?: string } {
  if (missing.length === 0) return { skip: false };
  const reason = `${missing.join(" and ")} not found (terraform on PATH; moto and boto3 in ${pythonBinary()}, or set FLEETFILE_PYTHON)`;
  if (ci) throw new Error(`CI=true and ${reason}: install them, the Terraform tests must run in CI`);
  return { skip: true, reason };
}

/**
 * Checks the tools a test file needs, at collection time. Returns whether to skip the
 * file's suites (`describe.skipIf(requireTools().skip)`), printing the reason when it
 * does; throws when CI=true, so that the file fails instead.
 */
export function requireTools(...tools: Tool[]): { readonly skip: boolean } {
  const verdict = toolsVerdict(
    missingTools(tools.length > 0 ? tools : ["terraform", "moto"]),
    process.env.CI === "true",
  );
  if (verdict.skip) console.warn(`skipping: ${verdict.reason}`);
  return verdict;
}

/** Temporary credentials of an assumed role, as STS returns them. */
export interface MotoCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/**
 * Calls a Query API of moto (IAM, STS) as the holder of `accessKeyId`, whose account it
 * acts in. Unsigned: moto checks no signature while IAM enforcement is off, which is the
 * only time the tests call it this way. Resolves to the response's XML; rejects on an error.
 */
export async function motoQuery(
  endpoint: string,
  service: "iam" | "sts",
  accessKeyId: string,
  params: Readonly<Record<string, string>>,
): Promise<string> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams({ Version: service === "iam" ? "2010-05-08" : "2011-06-15", ...params }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${service} ${params.Action}: ${response.status} ${text}`);
  return text;
}

/**
 * A call to a JSON-protocol service of moto (`X-Amz-Target`, such as Config's
 * `StarlingDoveService.DeleteConfigRule`) as the holder of `accessKeyId`, in `region`.
 */
export async function motoJsonCall(
  endpoint: string,
  service: string,
  target: string,
  region: string,
  accessKeyId: string,
  body: Readonly<Record<string, unknown>>,
): Promise<string> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": target,
      Authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${target}: ${response.status} ${text}`);
  return text;
}

/**
 * Creates `groups` in the identity store of the Identity Center instance in `region` of
 * the account of `accessKeyId`, as an identity provider's sync does before a group is
 * named in `groups`.
 */
export async function createIdentityStoreGroups(
  endpoint: string,
  region: string,
  accessKeyId: string,
  groups: readonly string[],
): Promise<void> {
  const instances = JSON.parse(
    await motoJsonCall(endpoint, "sso", "SWBExternalService.ListInstances", region, accessKeyId, {}),
  );
  for (const group of groups) {
    await motoJsonCall(endpoint, "identitystore", "AWSIdentityStore.CreateGroup", region, accessKeyId, {
      IdentityStoreId: instances.Instances[0].IdentityStoreId,
      DisplayName: group,
    });
  }
}

/** A session of `roleArn`, assumed by the holder of `accessKeyId` (moto's default account's `testing`). */
export async function motoSession(
  endpoint: string,
  roleArn: string,
  accessKeyId = "testing",
): Promise<MotoCredentials> {
  const xml = await motoQuery(endpoint, "sts", accessKeyId, {
    Action: "AssumeRole",
    RoleArn: roleArn,
    RoleSessionName: "fleetfile-test",
  });
  const field = (name: string) => {
    const value = new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1];
    if (!value) throw new Error(`AssumeRole of ${roleArn} answered without ${name}: ${xml}`);
    return value;
  };
  return {
    accessKeyId: field("AccessKeyId"),
    secretAccessKey: field("SecretAccessKey"),
    sessionToken: field("SessionToken"),
  };
}

/**
 * Turns moto's IAM enforcement on (every request is authenticated and authorized by the
 * caller's policies, `/moto-api/reset-auth`) or off. It holds for the whole server.
 */
export async function setIamEnforcement(endpoint: string, on: boolean): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset-auth`, {
    method: "POST",
    headers: { "Content-Type": "text/plain" },
    body: on ? "0" : "inf",
  });
  if (!response.ok) throw new Error(`reset-auth ${on}: ${response.status} ${await response.text()}`);
}
