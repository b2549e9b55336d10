import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The wrapper that patches moto's known defects and serves it (see docs/testing.md). */
export const MOTO_SERVER_SCRIPT = fileURLToPath(new URL("../harness/moto_server.py", import.meta.url));

/** Python to run moto with: `$FLEETFILE_PYTHON`, else `python3` from PATH. */
export function pythonBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLEETFILE_PYTHON || "python3";
}

/** An AWS account as moto should know it before the first apply. */
export interface SeedAccount {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  /** Invited into the organization rather than created by it: no execution role. @default false */
  readonly invited?: boolean;
}

/** An AWS organization that exists before fleetfile runs: its management account and members. */
export interface OrganizationSeed {
  readonly management: SeedAccount;
  readonly members: readonly SeedAccount[];
  /**
   * Prerequisites done by hand before the first apply, by id (terraform/prerequisites.ts):
   * moto does each as a user would, and refuses what depends on one left out.
   * @default []
   */
  readonly prerequisites?: readonly string[];
  /**
   * The roles and users that the trust policies name, created by the `identity-principals` prerequisite.
   * @default []
   */
  readonly principals?: readonly SeedPrincipal[];
  /**
   * The Identity Center instance's region and the groups that `groups` names, created in its
   * identity store by the `identity-principals` prerequisite.
   * @default - no groups
   */
  readonly identityCenter?: { readonly region: string; readonly groups: readonly string[] };
  /**
   * The role Organizations creates in each member, and the `execution-role` prerequisite in the management account.
   * @default "OrganizationAccountAccessRole"
   */
  readonly executionRoleName?: string;
  /**
   * The service principals the `trusted-access` prerequisite gives trusted access in AWS Organizations.
   * @default []
   */
  readonly trustedServices?: readonly string[];
}

/** A role or user that must exist before a trust policy may name it. */
export interface SeedPrincipal {
  readonly account: string;
  readonly kind: "role" | "user";
  readonly name: string;
}

/** A running moto server on loopback. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`: the AWS_ENDPOINT_URL of everything that should talk to it. */
  readonly endpoint: string;
  readonly port: number;
  /** Forgets every resource of every account (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  /**
   * Creates an organization with members of exactly these ids, each with its
   * OrganizationAccountAccessRole: what the workspaces expect to find. Once per reset.
   */
  seedOrganization(seed: OrganizationSeed): Promise<void>;
  /** Stops the server; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Options of {@link startMoto}. */
export interface StartMotoOptions {
  /** @default - {@link pythonBinary} */
  readonly python?: string;
  /**
   * Longest wait for the server to listen.
   * @default 30_000
   */
  readonly timeoutMs?: number;
  /** Receives the server's request log and errors, line by line. @default - kept only for error messages */
  readonly log?: (line: string) => void;
}

/**
 * Starts the patched moto server on a free loopback port, which the server picks itself
 * (port 0) and announces: no window for another process to take it.
 */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const child = spawn(options.python ?? pythonBinary(), [MOTO_SERVER_SCRIPT, "--host", "127.0.0.1", "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: "true" },
  });
  const tail: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (line) => {
    options.log?.(line);
    tail.push(line);
    if (tail.length > 20) tail.shift();
  });
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  try {
    const port = await announcedPort(child, options.timeoutMs ?? 30_000, () => tail.join("\n"));
    const endpoint = `http://127.0.0.1:${port}`;
    return {
      endpoint,
      port,
      async reset() {
        const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
        if (!response.ok) throw new Error(`moto reset at ${endpoint} answered ${response.status}`);
      },
      async seedOrganization(seed) {
        const response = await fetch(`${endpoint}/fleetfile-api/organization`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(seed),
        });
        if (!response.ok) throw new Error(`moto did not seed the organization: ${await response.text()}`);
      },
      stop: () => stopChild(child, exited),
    };
  } catch (cause) {
    await stopChild(child, exited);
    throw cause;
  }
}

/** The port of the server's first stdout line, `{"host": ..., "port": N}`. */
function announcedPort(child: ChildProcess, timeoutMs: number, errors: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      const log = errors();
      reject(new Error(`moto server (${MOTO_SERVER_SCRIPT}) ${why}${log ? `:\n${log}` : ""}`));
    };
    const timer = setTimeout(() => fail(`did not listen within ${timeoutMs} ms`), timeoutMs);
    child.once("error", (error) => fail(`could not start: ${error.message}`));
    child.once("exit", (code) => fail(`exited ${code} before listening`));
    createInterface({ input: child.stdout! }).once("line", (line) => {
      clearTimeout(timer);
      try {
        resolve((JSON.parse(line) as { port: number }).port);
      } catch {
        fail(`announced ${JSON.stringify(line)} instead of its port`);
      }
    });
  });
}

/** SIGTERM, then SIGKILL if the process has not exited within 5 s. */
async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
