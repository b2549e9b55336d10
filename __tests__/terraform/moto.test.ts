import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MotoServer, pythonBinary, startMoto } from "../../terraform/moto.js";
import { requireTools } from "./support.js";

/** Runs boto3 against the server as the management account's OrganizationAccountAccessRole; prints JSON. */
async function asManagement(endpoint: string, code: string): Promise<unknown> {
  const script = `
import boto3, json
sts = boto3.client("sts", endpoint_url="${endpoint}", region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t")
c = sts.assume_role(RoleArn="arn:aws:iam::111111111111:role/OrganizationAccountAccessRole", RoleSessionName="fleetfile-test")["Credentials"]
org = boto3.client("organizations", endpoint_url="${endpoint}", region_name="us-east-1",
    aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
${code}`;
  const { stdout } = await promisify(execFile)(pythonBinary(), ["-c", script], { timeout: 60_000 });
  return JSON.parse(stdout);
}

// Each boto3 call starts Python, and moto's first Organizations call after a reset loads
// that service (2 s idle); beside the sandbox apply on two cores that passed 30 s once.
describe.skipIf(requireTools("moto").skip)("startMoto", { timeout: 120_000 }, () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it("serves on a loopback port it picked", async () => {
    expect(moto.endpoint).toBe(`http://127.0.0.1:${moto.port}`);
    expect((await fetch(`${moto.endpoint}/moto-api/data.json`)).status).toBe(200);
  });

  it("seeds an organization whose members have the ids given", async () => {
    await moto.seedOrganization({
      management: { id: "111111111111", name: "management", email: "m@example.com" },
      members: [{ id: "222222222222", name: "log-archive", email: "l@example.com" }],
      // The management account's own role, which asManagement assumes: Organizations does not make it there.
      prerequisites: ["execution-role"],
    });
    const accounts = await asManagement(
      moto.endpoint,
      'print(json.dumps(sorted((a["Id"], a["Name"]) for a in org.list_accounts()["Accounts"])))',
    );
    expect(accounts).toEqual([
      ["111111111111", "management"],
      ["222222222222", "log-archive"],
    ]);
  });

  it("forgets everything on reset", async () => {
    await moto.reset();
    const error = await asManagement(
      moto.endpoint,
      `
try:
    org.describe_organization()
    print(json.dumps(None))
except Exception as e:
    print(json.dumps(type(e).__name__))`,
    );
    expect(error).toBe("AWSOrganizationsNotInUseException");
  });

  it("fails with the reason when the server cannot start", async () => {
    await expect(startMoto({ python: "/nonexistent/python3" })).rejects.toThrow(/could not start: spawn .* ENOENT/);
  });
});
