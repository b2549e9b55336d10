/** Reports Terraform steps (init, plan, apply...) of many workspaces as they start and end. */
export interface Progress {
  /** A workspace's step began. */
  started(workspace: string, step: string): void;
  /** A workspace's step ended; `note` is a short detail (`3 to add`, an error's first line). */
  ended(workspace: string, step: string, ok: boolean, seconds: number, note?: string): void;
  /** Removes the live line, if any; call before printing anything else. */
  close(): void;
}

/** What the live line shows. */
export interface ProgressState {
  readonly done: number;
  readonly failed: number;
  /** `step workspace` of each running step, oldest first. */
  readonly running: readonly string[];
}

/** Whether to keep one updating line: on a terminal, and not in CI, where logs keep every byte. */
export function isLive(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.CI;
}

/** The live line: counts, then as many running steps as fit in `width` columns. */
export function renderStatusLine(state: ProgressState, width: number): string {
  let line = `${state.done} done${state.failed > 0 ? `, ${state.failed} failed` : ""}, ${state.running.length} running`;
  for (const [index, step] of state.running.entries()) {
    const left = state.running.length - index - 1;
    const next = `${line}${index === 0 ? ": " : ", "}${step}`;
    if (next.length + (left > 0 ? ` +${left}`.length : 0) > width)
      return `${line} +${state.running.length - index}`.slice(0, width);
    line = next;
  }
  return line.slice(0, width);
}

/** The plain line of a step's end: `ok     apply   acme-audit  4.2 s  3 added`. */
export function renderEndLine(workspace: string, step: string, ok: boolean, seconds: number, note?: string): string {
  return [ok ? "ok    " : "FAILED", step.padEnd(8), workspace, `${seconds.toFixed(1)} s`, ...(note ? [note] : [])].join(
    "  ",
  );
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** @default process.stderr */
  readonly stream?: NodeJS.WriteStream;
  /** @default - {@link isLive} of the stream */
  readonly live?: boolean;
}

/**
 * A {@link Progress} writing to a stream: one updating line on a terminal, with failed
 * steps kept above it; elsewhere one plain line as each step starts and ends.
 */
export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const live = options.live ?? isLive(stream);
  const running: string[] = [];
  let done = 0;
  let failed = 0;
  const clear = () => stream.write("\r\x1b[K");
  const draw = () => {
    clear();
    stream.write(renderStatusLine({ done, failed, running }, (stream.columns || 80) - 1));
  };
  return {
    started(workspace, step) {
      running.push(`${step} ${workspace}`);
      if (live) draw();
      else stream.write(`start   ${step.padEnd(8)}  ${workspace}\n`);
    },
    ended(workspace, step, ok, seconds, note) {
      const index = running.indexOf(`${step} ${workspace}`);
      if (index >= 0) running.splice(index, 1);
      done += 1;
      if (!ok) failed += 1;
      const line = `${renderEndLine(workspace, step, ok, seconds, note)}\n`;
      if (!live) stream.write(line);
      else {
        clear();
        if (!ok) stream.write(line);
        draw();
      }
    },
    close() {
      if (live) clear();
    },
  };
}
