import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";

/** Keys of an AWS session. */
export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Where and as whom the AWS SDK calls go. */
export interface AwsTarget {
  /** Region of the calls that have one region (Organizations, STS, IAM). */
  readonly region: string;
  /**
   * Endpoint of every service (moto in tests).
   * @default - AWS, or AWS_ENDPOINT_URL as the SDK reads it
   */
  readonly endpoint?: string;
  /** @default - the SDK's standard credential chain */
  readonly credentials?: AwsCredentialIdentity;
}

/**
 * Attempts per call. The SDK's adaptive mode backs off on throttling errors and slows the
 * client's own rate, which Organizations needs: it throttles hard at a few hundred accounts.
 */
export const MAX_ATTEMPTS = 10;

/** The configuration of an SDK client for `target`, in `region`, with `credentials`. */
export function clientConfig(target: AwsTarget, region = target.region, credentials = target.credentials) {
  return {
    region,
    maxAttempts: MAX_ATTEMPTS,
    retryMode: "adaptive" as const,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  };
}

/** Credentials of a session of `roleArn`, assumed with the target's credentials. */
export async function assumeRole(target: AwsTarget, roleArn: string): Promise<AwsCredentialIdentity> {
  const sts = new STSClient(clientConfig(target));
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "fleetfile-discover", DurationSeconds: 3600 }),
  );
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole of ${roleArn} returned no credentials`);
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

/** The error's AWS code (`AccessDenied`, `NoSuchEntity`), or its name. */
export function errorCode(cause: unknown): string {
  const e = cause as { Code?: string; code?: string; name?: string };
  return e?.Code ?? e?.code ?? e?.name ?? "Error";
}
