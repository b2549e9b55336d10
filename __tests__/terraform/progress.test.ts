import { describe, expect, it } from "vitest";
import { createProgress, isLive, renderEndLine, renderStatusLine } from "../../terraform/progress.js";

describe("renderStatusLine", () => {
  it("counts, then lists running steps", () => {
    expect(renderStatusLine({ done: 3, failed: 0, running: ["plan acme-a", "init acme-b"] }, 80)).toBe(
      "3 done, 2 running: plan acme-a, init acme-b",
    );
  });

  it("says how many failed", () => {
    expect(renderStatusLine({ done: 3, failed: 1, running: [] }, 80)).toBe("3 done, 1 failed, 0 running");
  });

  it("shows as many running steps as fit and counts the others", () => {
    const line = renderStatusLine({ done: 0, failed: 0, running: ["plan acme-a", "plan acme-b", "plan acme-c"] }, 40);
    expect(line).toBe("0 done, 3 running: plan acme-a +2");
    expect(line.length).toBeLessThanOrEqual(40);
  });
});

describe("renderEndLine", () => {
  it("gives outcome, step, workspace, seconds and a note", () => {
    expect(renderEndLine("acme-a", "apply", true, 4.21, "3 to add")).toBe("ok      apply     acme-a  4.2 s  3 to add");
    expect(renderEndLine("acme-a", "init", false, 0.5)).toMatch(/^FAILED {2}init/);
  });
});

describe("isLive", () => {
  it("is live on a terminal outside CI only", () => {
    expect(isLive({ isTTY: true }, {})).toBe(true);
    expect(isLive({ isTTY: true }, { CI: "true" })).toBe(false);
    expect(isLive({ isTTY: false }, {})).toBe(false);
    expect(isLive({}, {})).toBe(false);
  });
});

/** A stream that keeps what is written. */
function sink(columns = 80) {
  const written: string[] = [];
  const stream = { columns, write: (text: string) => written.push(text) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, text: () => written.join("") };
}

describe("createProgress", () => {
  it("writes one plain line per start and end when not live", () => {
    const out = sink();
    const progress = createProgress({ stream: out.stream, live: false });
    progress.started("acme-a", "init");
    progress.ended("acme-a", "init", true, 0.6);
    progress.close();
    expect(out.text()).toBe("start   init      acme-a\nok      init      acme-a  0.6 s\n");
  });

  it("redraws one line when live, keeps failures above it, and clears it on close", () => {
    const out = sink();
    const progress = createProgress({ stream: out.stream, live: true });
    progress.started("acme-a", "plan");
    progress.ended("acme-a", "plan", false, 1, "Error: boom");
    progress.close();
    const text = out.text();
    expect(text).toContain("\r\x1b[K0 done, 1 running: plan acme-a");
    expect(text).toContain("FAILED  plan      acme-a  1.0 s  Error: boom\n");
    expect(text.endsWith("\r\x1b[K")).toBe(true);
    expect(text).not.toContain("\nok");
  });
});
