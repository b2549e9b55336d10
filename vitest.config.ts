import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["__tests__/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 600_000,
    pool: "forks",
    // Both cores: the shared sandbox apply (most of the suite's time, waiting on moto as
    // much as computing) runs beside the other files instead of before or after them.
    maxWorkers: 2,
  },
});
