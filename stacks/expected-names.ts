import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import type { ExpectedNames } from "../inventory/discovery.js";
import type { Organization } from "../inventory/model.js";
import { AccountStack } from "./account-stack.js";
import { buildApp } from "./app.js";
import { baselineNames } from "./baseline.js";

/**
 * The names the baseline gives in each account (roles, topics, buckets, its trail), read
 * from the stacks as synth builds them, so that `discover` looks for exactly what synth
 * would create. Builds the app without writing it.
 */
export function expectedNames(organization: Organization): Map<string, ExpectedNames> {
  const outdir = mkdtempSync(join(tmpdir(), "fleetfile-names-"));
  const app = buildApp(organization, outdir);
  rmSync(outdir, { recursive: true, force: true });
  const names = new Map<string, ExpectedNames>();
  for (const stack of app.node.children) {
    if (!(stack instanceof AccountStack)) continue;
    const resources = stack.node.findAll();
    names.set(stack.account.key, {
      roles: resources.flatMap((r) => (r instanceof IamRole && r.nameInput ? [r.nameInput] : [])),
      topics: resources.flatMap((r) =>
        r instanceof SnsTopic && r.nameInput ? [{ region: stack.regionOf(r), name: r.nameInput }] : [],
      ),
      buckets: resources.flatMap((r) => (r instanceof S3Bucket && r.bucketInput ? [r.bucketInput] : [])),
      trail: baselineNames(stack).trail,
    });
  }
  return names;
}
