import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DescribeOrganizationCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientConfig } from "../../aws/clients.js";

/** A stand-in for Organizations that throttles the first `throttled` calls, as it does at a few hundred accounts. */
function throttlingServer(throttled: number): { server: Server; calls: () => number } {
  let calls = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      calls++;
      response.setHeader("Content-Type", "application/x-amz-json-1.1");
      if (calls <= throttled) {
        response.statusCode = 400;
        response.end(
          JSON.stringify({
            __type: "TooManyRequestsException",
            Message: "AWS Organizations can't complete your request because another request is already in progress",
          }),
        );
        return;
      }
      response.end(JSON.stringify({ Organization: { Id: "o-abc123defg", MasterAccountId: "123456789012" } }));
    });
  });
  return { server, calls: () => calls };
}

describe("AWS calls under throttling", () => {
  const throttling = throttlingServer(3);
  let endpoint = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => throttling.server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(throttling.server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => throttling.server.close(() => resolve())));

  it("retries a throttled call until it succeeds", async () => {
    const client = new OrganizationsClient(
      clientConfig({ region: "us-east-1", endpoint, credentials: { accessKeyId: "a", secretAccessKey: "b" } }),
    );
    const answer = await client.send(new DescribeOrganizationCommand({}));
    expect(answer.Organization?.MasterAccountId).toBe("123456789012");
    expect(throttling.calls()).toBe(4);
  }, 60_000);
});
