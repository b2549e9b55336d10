import { vi } from "vitest";

/**
 * Captures what the commands print, one string per console.log or console.error call, and
 * unsets CDKTF_OUTDIR as in a plain shell. `vi.restoreAllMocks()` and `vi.unstubAllEnvs()`
 * undo both.
 */
export function captureCommandOutput(): string[] {
  const printed: string[] = [];
  const capture = (...parts: unknown[]) => {
    printed.push(parts.map(String).join(" "));
  };
  vi.spyOn(console, "log").mockImplementation(capture);
  vi.spyOn(console, "error").mockImplementation(capture);
  // cdktf's own CLI sets this; a test run must write where --out says.
  vi.stubEnv("CDKTF_OUTDIR", undefined);
  return printed;
}
