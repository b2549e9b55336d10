import { availableParallelism, freemem } from "node:os";

/** Memory one Terraform run takes with the AWS provider loaded (measured: about 600 MB, plus Terraform). */
export const TERRAFORM_RUN_BYTES = 700 * 1024 ** 2;

/** Fewest runs at once: below two, a slow workspace holds up every other. */
export const MIN_POOL_SIZE = 2;

/** What the pool size depends on. */
export interface PoolResources {
  readonly cores: number;
  readonly freeMemoryBytes: number;
  /** @default TERRAFORM_RUN_BYTES */
  readonly bytesPerRun?: number;
}

/** How many Terraform runs to have at once: one per core, as many as memory holds, never fewer than {@link MIN_POOL_SIZE}. */
export function poolSize(resources: PoolResources): number {
  const byMemory = Math.floor(resources.freeMemoryBytes / (resources.bytesPerRun ?? TERRAFORM_RUN_BYTES));
  return Math.max(MIN_POOL_SIZE, Math.min(resources.cores, byMemory));
}

/** {@link poolSize} of this machine, now. */
export function defaultPoolSize(): number {
  return poolSize({ cores: availableParallelism(), freeMemoryBytes: freemem() });
}

/** How one item of a pool run ended. */
export type Outcome<T, R> =
  | { readonly item: T; readonly ok: true; readonly value: R; readonly seconds: number }
  | { readonly item: T; readonly ok: false; readonly error: unknown; readonly seconds: number };

/** Options of {@link runPool}. */
export interface PoolOptions {
  /** Most items worked on at once. */
  readonly size: number;
  /**
   * How many items to finish, one at a time, before the rest run in parallel: a first
   * `terraform init` fills the shared plugin cache, which parallel inits into an empty
   * cache fail to do.
   * @default 0
   */
  readonly serialFirst?: number;
}

/**
 * Runs `worker` on every item, at most `size` at once, and returns every outcome in the
 * order of `items`. A failure does not stop the others: the caller sees them all.
 */
export async function runPool<T, R>(
  items: readonly T[],
  worker: (item: T) => Promise<R>,
  options: PoolOptions,
): Promise<Outcome<T, R>[]> {
  if (!Number.isInteger(options.size) || options.size < 1)
    throw new Error(`pool size ${options.size}: allowed a whole number of at least 1`);
  const outcomes: Outcome<T, R>[] = new Array(items.length);
  const settle = async (index: number) => {
    const item = items[index];
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const value = await worker(item);
      outcomes[index] = { item, ok: true, value, seconds: seconds() };
    } catch (error) {
      outcomes[index] = { item, ok: false, error, seconds: seconds() };
    }
  };
  const serial = Math.min(options.serialFirst ?? 0, items.length);
  for (let index = 0; index < serial; index++) await settle(index);
  let next = serial;
  const lane = async () => {
    while (next < items.length) await settle(next++);
  };
  await Promise.all(Array.from({ length: Math.min(options.size, items.length - serial) }, lane));
  return outcomes;
}
