import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PLAN_LABELS } from "../../review/comment.js";

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, string>;
}

interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly concurrency: { group: string; "cancel-in-progress": boolean };
  readonly env?: Record<string, string>;
  readonly jobs: Record<string, { steps: Step[]; env?: Record<string, string> }>;
}

/** A GitHub Actions expression as written in a workflow: `${{ text }}`. */
function expression(text: string): string {
  return `\${{ ${text} }}`;
}

function workflow(name: string): Workflow {
  return parse(readFileSync(new URL(`../../.github/workflows/${name}`, import.meta.url), "utf8")) as Workflow;
}

/**
 * GitHub cannot be reached from the test machines: these check the apply workflow's
 * structure as GitHub documents it (triggers, concurrency, permissions, steps), not a run.
 */
describe(".github/workflows/apply.yml", () => {
  const apply = workflow("apply.yml");
  const steps = apply.jobs.apply.steps;
  const index = (find: (s: Step) => boolean) => steps.findIndex(find);
  const applyStep = steps.find((s) => s.run?.includes("npm run -s apply"));
  const recordStep = steps.find((s) => s.run?.includes("npm run -s record-ids"));

  it("runs on every push to main, and on nothing else", () => {
    expect(apply.on).toEqual({ push: { branches: ["main"] } });
  });

  it("runs one apply at a time and never cancels one mid-apply", () => {
    expect(apply.concurrency).toEqual({ group: "apply", "cancel-in-progress": false });
  });

  it("asks only for the permissions it uses", () => {
    expect(apply.permissions).toEqual({ contents: "write", "pull-requests": "write", "id-token": "write" });
  });

  it("applies only what the merge changed: main against the commit before it, each synthesized by its own code", () => {
    const base = steps.find((s) => s.run?.includes("github.event.before"));
    expect(base?.run).toContain('--out "$RUNNER_TEMP/base"');
    expect(applyStep?.run).toContain('--synth "$RUNNER_TEMP/head"');
    expect(applyStep?.run).toContain("--affected-from");
    expect(index((s) => s === base)).toBeLessThan(index((s) => s === applyStep));
  });

  it("gives the Terraform Cloud token to the apply and record-ids steps alone, never to npm ci or the synths", () => {
    const holding = steps.filter((s) => JSON.stringify(s).includes("secrets."));
    expect(holding).toEqual([applyStep, recordStep]);
    expect(JSON.stringify(apply.env ?? {})).not.toContain("secrets.");
    expect(JSON.stringify(apply.jobs.apply.env ?? {})).not.toContain("secrets.");
  });

  it("brings the ids of vended accounts back as a pull request that edits accounts.yaml alone", () => {
    expect(index((s) => s === recordStep)).toBeGreaterThan(index((s) => s === applyStep));
    expect(recordStep?.run).toContain('--synth "$RUNNER_TEMP/head" --inventory accounts.yaml');
    const open = steps[index((s) => s === recordStep) + 1];
    expect(open.if).toBe(expression("always() && steps.ids.outputs.changed == 'true'"));
    expect(open.run).toContain('git commit -m "Record the ids of the accounts AWS created" -- accounts.yaml');
    expect(open.run).toContain("gh pr create --base main");
  });

  it("writes the summary to the job summary and to the merged pull request, even when the apply failed", () => {
    expect(applyStep?.run).toContain("--summary apply-summary.md");
    const after = steps.slice(index((s) => s === recordStep) + 2);
    const whenSummarized = expression("always() && hashFiles('apply-summary.md') != ''");
    expect(after.map((s) => s.if)).toEqual([whenSummarized, whenSummarized]);
    expect(after[0].run).toContain("GITHUB_STEP_SUMMARY");
    expect(after[1].with?.script).toContain("listPullRequestsAssociatedWithCommit");
  });
});

describe(".github/workflows/plan.yml", () => {
  const planWorkflow = workflow("plan.yml");
  type Job = { steps: Step[]; if?: string; needs?: string | string[]; strategy?: Record<string, unknown> };
  const jobs = planWorkflow.jobs as Record<string, Job>;
  const { prepare, plan, comment } = jobs;
  const allSteps = Object.values(jobs).flatMap((j) => j.steps);
  const planStep = plan.steps.find((s) => s.run?.includes("npm run -s plan"));

  it("has three jobs: prepare, the plan jobs of a matrix, and the one comment", () => {
    expect(Object.keys(jobs)).toEqual(["prepare", "plan", "comment"]);
    expect(plan.needs).toBe("prepare");
    expect(comment.needs).toEqual(["prepare", "plan"]);
  });

  it("gives the Terraform Cloud token to the plan step alone, never to npm ci, the synths or the base branch's code", () => {
    expect(allSteps.filter((s) => JSON.stringify(s).includes("secrets."))).toEqual([planStep]);
    expect(JSON.stringify(planWorkflow.env ?? {})).not.toContain("secrets.");
  });

  it("fans out to the jobs affected --matrix asks for, each planning its own group, none cancelling the others", () => {
    const matrix = prepare.steps.find((s) => s.run?.includes("--matrix"));
    expect(matrix?.run).toContain(
      'echo "matrix=$(npm run -s affected -- --base review/base --head review/head --matrix)"',
    );
    expect(plan.strategy).toEqual({ "fail-fast": false, matrix: expression("fromJSON(needs.prepare.outputs.matrix)") });
    expect(plan.if).toBe(
      expression(`needs.prepare.result == 'success' && needs.prepare.outputs.matrix != '{"shard":[]}'`),
    );
    expect(planStep?.run).toContain(
      `--shards ${expression("strategy.job-total")} --shard ${expression("matrix.shard")}`,
    );
    const upload = plan.steps[plan.steps.indexOf(planStep as Step) + 1];
    expect(upload.with?.name).toBe(`plans-${expression("matrix.shard")}`);
  });

  it("renders one comment from every group's plans, a group that never reported showing as failed workspaces", () => {
    const gather = comment.steps.find((s) => s.name === "Put the groups' plans together");
    expect(gather?.with).toMatchObject({ pattern: "plans-*", "merge-multiple": true, path: "plans" });
    const render = comment.steps.find((s) => s.name === "Render the comment");
    expect(render?.run).toContain(
      "npm run -s comment -- --plans plans --expect review/affected.txt --markdown comment.md",
    );
    expect(comment.if).toBe(expression("always() && needs.prepare.result != 'skipped'"));
  });

  it("labels the pull request with exactly the labels the comment command names", () => {
    const label = comment.steps.find((s) => s.run?.includes("--label"));
    const apply = comment.steps[comment.steps.indexOf(label as Step) + 1];
    expect(label?.run).toContain("npm run -s comment -- --plans plans --label");
    expect(apply.env?.LABEL).toBe(expression("steps.label.outputs.label"));
    const script = apply.with?.script ?? "";
    expect(script).toContain(`const labels = ${JSON.stringify(PLAN_LABELS).replace(/,/g, ", ")};`);
  });

  it("re-runs on a label only for allow-destroy", () => {
    expect(prepare.if).toBe(
      expression(
        "(github.event.action != 'labeled' && github.event.action != 'unlabeled') || github.event.label.name == 'allow-destroy'",
      ),
    );
  });

  it("replaces the plan comment with the errors when the inventory does not validate", () => {
    const validate = prepare.steps.find((s) => s.run?.includes("npm run -s validate"));
    expect(validate?.run).toContain("2> validation.txt");
    const failed = prepare.steps[prepare.steps.indexOf(validate as Step) + 1];
    expect(failed.if).toBe(expression("failure() && steps.validate.outcome == 'failure'"));
    expect(failed.run).toContain('echo "<!-- fleetfile-plan -->"');
    expect(failed.run).toContain("} > review/comment.md");
    const handOver = prepare.steps.at(-1);
    expect(handOver).toMatchObject({ if: expression("always()"), with: { name: "review", path: "review/" } });
    const render = comment.steps.find((s) => s.name === "Render the comment");
    expect(render?.run).toContain("cp review/comment.md comment.md");
    const post = comment.steps.find((s) => s.name === "Post or update the one plan comment");
    expect(post?.if).toBe(expression("always() && hashFiles('comment.md') != ''"));
  });
});

describe(".github/workflows/drift.yml", () => {
  const drift = workflow("drift.yml");
  type Job = { steps: Step[]; if?: string; needs?: string | string[]; strategy?: Record<string, unknown> };
  const jobs = drift.jobs as Record<string, Job>;
  const steps = jobs.drift.steps;
  const check = steps.find((s) => s.run?.includes("npm run -s drift"));
  const issues = steps.find((s) => s.name === "Keep one issue per drifted workspace");

  it("runs on a schedule and on demand, and on nothing else", () => {
    expect(Object.keys(drift.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
  });

  it("asks only for what it uses: reading the code, issues, and the OIDC token of the read-only role", () => {
    expect(drift.permissions).toEqual({ contents: "read", issues: "write", "id-token": "write" });
    expect(steps.find((s) => s.with && "role-to-assume" in s.with)?.with?.["role-to-assume"]).toBe(
      expression("vars.AWS_PLAN_ROLE_ARN"),
    );
  });

  it("applies nothing", () => {
    const everyStep = Object.values(jobs).flatMap((j) => j.steps);
    expect(everyStep.filter((s) => /npm run -s (apply|record-ids)|terraform apply/.test(s.run ?? ""))).toEqual([]);
    expect(check?.run).toContain("npm run -s drift -- --synth cdktf.out --out drift");
  });

  it("fans out to the jobs drift --matrix asks for, each checking its own group, none cancelling the others", () => {
    expect(Object.keys(jobs)).toEqual(["prepare", "drift"]);
    expect(jobs.prepare.steps.find((s) => s.run?.includes("--matrix"))?.run).toBe(
      'echo "matrix=$(npm run -s drift -- --synth cdktf.out --matrix)" >> "$GITHUB_OUTPUT"',
    );
    expect(jobs.drift.needs).toBe("prepare");
    expect(jobs.drift.strategy).toEqual({
      "fail-fast": false,
      matrix: expression("fromJSON(needs.prepare.outputs.matrix)"),
    });
    expect(check?.run).toContain(`--shards ${expression("strategy.job-total")} --shard ${expression("matrix.shard")}`);
    expect(steps.find((s) => s.with?.path === "drift/")?.with?.name).toBe(`drift-${expression("matrix.shard")}`);
  });

  it("opens, updates and closes one issue per drifted workspace from the report", () => {
    const script = issues?.with?.script ?? "";
    expect(script).toContain('JSON.parse(fs.readFileSync("drift/drift.json", "utf8"))');
    expect(script).toContain("github.rest.issues.create(");
    expect(script).toContain("github.rest.issues.update({ owner, repo, issue_number: issue.number, body })");
    expect(script).toContain('state: "closed"');
    expect(script).toContain("github.rest.issues.createComment(");
  });
});

/**
 * A tag can be moved to other code; a commit cannot. The commits were taken from public
 * workflows that pin the same release (GitHub itself is not reachable here); the comment
 * after each says which release it is, for Dependabot and for readers.
 */
describe("every workflow", () => {
  const names = ["apply.yml", "drift.yml", "plan.yml"];
  const text = (name: string) => readFileSync(new URL(`../../.github/workflows/${name}`, import.meta.url), "utf8");

  it.each(names)("%s runs actions pinned by commit, each with its release beside it", (name) => {
    const uses = Object.values(workflow(name).jobs).flatMap((job) =>
      job.steps.flatMap((s) => (s.uses ? [s.uses] : [])),
    );
    expect(uses.length).toBeGreaterThan(0);
    expect(uses.filter((u) => !/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/.test(u))).toEqual([]);
    const lines = text(name)
      .split("\n")
      .filter((l) => /^\s*(- )?uses: /.test(l));
    expect(lines.filter((l) => !/ # v\d+\.\d+\.\d+$/.test(l))).toEqual([]);
  });

  it("pins each action to one commit across the workflows", () => {
    const pins = new Map<string, Set<string>>();
    for (const name of names)
      for (const job of Object.values(workflow(name).jobs))
        for (const { uses } of job.steps) {
          if (!uses) continue;
          const [action, commit] = uses.split("@");
          pins.set(action, (pins.get(action) ?? new Set()).add(commit));
        }
    expect([...pins].filter(([, commits]) => commits.size > 1)).toEqual([]);
  });
});
