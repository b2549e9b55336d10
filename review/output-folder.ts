import {
  accessSync,
  constants,
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  type Stats,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, sep } from "node:path";

/**
 * The mark fleetfile leaves in every folder it fills (a synth output, a plans folder):
 * which command wrote it and every file it wrote. A command replaces a folder only when
 * the mark is there and lists everything in it, so that `--out .` or `--out notes.txt`
 * never deletes what the user had.
 */
export const MARK_FILE = "fleetfile-output.json";

/** What filled a marked folder. */
export type OutputKind = "synth" | "plans" | "drift";

/** The content of {@link MARK_FILE}. */
export interface OutputMark {
  readonly writtenBy: "fleetfile";
  readonly kind: OutputKind;
  /** Every file written, relative to the folder, with `/` between parts. */
  readonly files: readonly string[];
  /** For a synth: the AWS account id of each workspace, so that a renamed key can be told from a new account. */
  readonly accounts?: Readonly<Record<string, string>>;
  /** For a synth: the account type of each account workspace (`log-archive`, `workload`...), which orders applies. */
  readonly types?: Readonly<Record<string, string>>;
}

/** A folder a command refuses to write to or read from; the message says why and what to do. */
export class FolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FolderError";
  }
}

/** Names of Terraform's working files in a workspace folder that hold no state: `terraform init` remakes them. */
export const TERRAFORM_CACHE = new Set([".terraform", ".terraform.lock.hcl"]);

/**
 * Files fleetfile's own Terraform runs write into a workspace folder of a synth output
 * (terraform/runner.ts: the saved plan, its JSON, the log; the sandbox's moto override):
 * written by fleetfile, so replaced with the output.
 */
export const RUN_FILES = new Set(["tfplan", "tfplan.json", "terraform.log", "moto_override.tf.json"]);

/** Whether a file name is Terraform state (local state, its backup, a crash dump, workspace states). */
export function isStateFile(name: string): boolean {
  return /\.tfstate(\.|$)/.test(name) || name === "terraform.tfstate.d";
}

/** What replacing a folder involves, once {@link checkReplaceable} has allowed it. */
export interface Replaceable {
  /** Whether the folder is there (possibly empty). */
  readonly exists: boolean;
  /** Terraform caches (relative paths) to carry into the new content: they are not fleetfile's, but hold nothing lost. */
  readonly carry: readonly string[];
}

const SHOWN = 5;

/** What a folder of each kind is called in messages. */
const CALLED: Readonly<Record<OutputKind, string>> = {
  synth: "a synth output",
  plans: "a plans folder",
  drift: "a drift report folder",
};

/** `path` relative to `dir`, with `/` between parts, as the mark lists files. */
function relativeTo(dir: string, path: string): string {
  return relative(dir, path).split(sep).join("/");
}

/**
 * Checks that `dir` may be filled with new output of `kind`: it does not exist, or is an
 * empty folder, or holds only what an earlier run of the same kind wrote (and Terraform's
 * caches). Throws a {@link FolderError} otherwise, naming what is in the way; nothing is touched.
 *
 * @param option how the user named the folder, for messages: `--out cdktf.out`
 */
export function checkReplaceable(dir: string, kind: OutputKind, option: string): Replaceable {
  const stat = statOf(dir, option);
  if (!stat) return { exists: false, carry: [] };
  const what = CALLED[kind];
  if (!stat.isDirectory()) {
    throw new FolderError(
      `${option}: is ${stat.isSymbolicLink() ? "a symbolic link" : "a file"}, not a folder; nothing written. Name a new folder for ${what}`,
    );
  }
  const top = readdirSync(dir);
  if (top.length === 0) return { exists: true, carry: [] };
  const mark = readMark(dir);
  if (!mark || mark.kind !== kind) {
    const held = mark ? CALLED[mark.kind] : `files fleetfile did not write (${listed(top.sort())})`;
    throw new FolderError(
      `${option}: holds ${held}; nothing written. fleetfile replaces only ${what} it wrote itself: name a new or empty folder`,
    );
  }
  const ours = new Set([MARK_FILE, ...mark.files]);
  const carry: string[] = [];
  const state: string[] = [];
  const foreign: string[] = [];
  const folders: string[] = [];
  const visit = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      const rel = relativeTo(dir, path);
      if (ours.has(rel) || (kind === "synth" && RUN_FILES.has(name))) continue;
      if (isStateFile(name)) state.push(rel);
      else if (TERRAFORM_CACHE.has(name) && kind === "synth") carry.push(rel);
      // lstat: a symbolic link to a folder is an entry of its own, never followed.
      else if (lstatSync(path).isDirectory()) {
        folders.push(path);
        visit(path);
      } else foreign.push(rel);
    }
  };
  visit(dir);
  const locked = [dir, dirname(dir), ...folders].filter((folder) => !writable(folder));
  if (locked.length > 0) {
    throw new FolderError(
      `${option}: cannot be replaced, ${listed(locked.map((f) => relative(dir, f) || "."))} not writable; nothing written`,
    );
  }
  if (state.length > 0) {
    throw new FolderError(
      `${option}: holds Terraform state (${listed(state)}); nothing written. fleetfile never deletes state: move it out of the folder (state lives in terraform-state/ beside it, see docs/commands.md), then run again`,
    );
  }
  if (foreign.length > 0) {
    throw new FolderError(
      `${option}: holds files fleetfile did not write (${listed(foreign)}); nothing written. Move them out, or name another folder`,
    );
  }
  return { exists: true, carry };
}

function writable(folder: string): boolean {
  try {
    accessSync(folder, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** What a synth's mark says of its accounts: {@link OutputMark.accounts} and {@link OutputMark.types}. */
export type SynthAccounts = Pick<OutputMark, "accounts" | "types">;

/** Writes the mark of `dir`, listing every file in it now. */
export function writeMark(dir: string, kind: OutputKind, synth: SynthAccounts = {}): void {
  const files: string[] = [];
  const visit = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) visit(path);
      else files.push(relativeTo(dir, path));
    }
  };
  visit(dir);
  const mark: OutputMark = { writtenBy: "fleetfile", kind, files: files.sort(), ...synth };
  writeFileSync(join(dir, MARK_FILE), `${JSON.stringify(mark, null, 2)}\n`);
}

/** The mark of `dir`, or undefined when there is none or it is not one of fleetfile's. */
export function readMark(dir: string): OutputMark | undefined {
  const file = join(dir, MARK_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const mark = JSON.parse(readFileSync(file, "utf8")) as OutputMark;
    return mark.writtenBy === "fleetfile" && Array.isArray(mark.files) ? mark : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks that `dir` is a folder a command can read as `kind` and returns its mark, if any.
 * A synth output is recognised by its mark or, when an older fleetfile wrote it (the base
 * branch of a pull request), by cdktf's `manifest.json`. A missing folder, a file or a
 * folder of something else is an error, never an empty result.
 */
export function checkReadable(dir: string, kind: OutputKind, option: string, hint: string): OutputMark | undefined {
  const stat = statOf(dir, option);
  if (!stat) throw new FolderError(`${option}: no such folder; ${hint}`);
  if (!stat.isDirectory()) throw new FolderError(`${option}: is a file, not a folder; ${hint}`);
  const mark = readMark(dir);
  if (mark?.kind === kind) return mark;
  if (kind === "synth" && !mark && isCdktfOutput(dir)) return undefined;
  const found = mark
    ? CALLED[mark.kind]
    : readdirSync(dir).length === 0
      ? "an empty folder"
      : "a folder fleetfile did not write";
  throw new FolderError(`${option}: is ${found}, not ${CALLED[kind]}; ${hint}`);
}

/** lstat of `dir`, undefined when it does not exist; a path that cannot be looked at is a {@link FolderError}. */
function statOf(dir: string, option: string): Stats | undefined {
  try {
    return lstatSync(dir, { throwIfNoEntry: false });
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === "ENOTDIR" ? "a part of the path is a file, not a folder" : code;
    throw new FolderError(`${option}: cannot be used (${why}); nothing written`);
  }
}

function isCdktfOutput(dir: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { stacks?: unknown };
    return typeof manifest.stacks === "object" && manifest.stacks !== null;
  } catch {
    return false;
  }
}

function listed(paths: readonly string[]): string {
  const shown = paths.slice(0, SHOWN).join(", ");
  return paths.length > SHOWN ? `${shown} and ${paths.length - SHOWN} more` : shown;
}

/**
 * Refuses a file to replace (`option` names it in the message) unless it is new or starts
 * with `marker`, the first line of every file of that kind fleetfile writes (`what`, such
 * as "a comment"): no option may overwrite the inventory or any file of the user's.
 */
export function checkMarkedFile(file: string, option: string, marker: string, what: string): void {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isFile()) throw new FolderError(`${option}: is a folder, not a file; nothing written`);
  const head = readFileSync(file, "utf8").slice(0, marker.length);
  if (head !== marker) {
    throw new FolderError(
      `${option}: holds something other than ${what} fleetfile wrote; nothing written. Name a new file`,
    );
  }
}
