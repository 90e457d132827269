import { defineConfig } from 'vitest/config';

// Tests run from the project root (vite.config.ts roots the web app in web/).
export default defineConfig({
  test: {
    root: '.',
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // builds nothing itself: names where this run's demo-town templates go, and removes them afterwards
    globalSetup: ['test/helpers/templates-setup.ts'],
    pool: 'forks',
    // Each of the two test processes runs its files one after another in one module graph, instead of importing the
    // server, Playwright and their libraries again for every file (that import was 166 s of a 618 s run; 16 s
    // without). Files that change a module's setting (the sign-in tests' password cost) put it back after them.
    isolate: false,
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
