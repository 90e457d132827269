// The house's arrows (../shared ARCHITECTURE "Which way the arrows run"), checked by `npm run lint`:
// domain and analysis are pure and run in the browser too; the store imports nothing above it; migrations are
// frozen and import no app code; SQL is written only in the store; the web reaches the server only for its pure
// rules and, type-only, for the API's types.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const NODE_BUILTINS = ['fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'http', 'https', 'net', 'stream', 'url', 'zlib', 'util'];
const NO_SQL = { name: 'kysely', importNames: ['sql'], message: 'SQL lives in server/store: add a repository function there' };
const restrict = (patterns, paths = []) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns, paths }],
});
const above = (...rooms) => rooms.map((room) => ({ group: [`**/${room}/*`, `**/${room}.ts`], message: `this room may not import ${room}: see "Which way the arrows run"` }));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'var/**', 'docs/**'] },
  {
    files: ['server/**/*.ts', 'web/**/*.{ts,tsx}', 'test/**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } },
    plugins: { '@typescript-eslint': tseslint.plugin, 'react-hooks': reactHooks },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: {},
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      ...restrict([
        ...['store', 'services', 'http', 'briefing', 'workers', 'cli', 'media', 'exchange'].map((room) => ({
          group: [`**/server/${room}/*`],
          allowTypeImports: true,
          message: `the web app uses the server's pure rules (server/domain) and, type-only, its API types; not server/${room}`,
        })),
        { group: ['**/server/app.ts'], allowTypeImports: true, message: 'the web app imports only the type of the API (AppType) from server/app.ts' },
      ]),
    },
  },
  {
    files: ['server/domain/**/*.ts', 'server/analysis/**/*.ts'],
    rules: restrict(
      [
        ...above('store', 'http', 'services', 'briefing', 'workers', 'cli', 'media', 'exchange'),
        { group: ['node:*'], message: 'domain and analysis run in the browser too: no Node modules' },
      ],
      [...NODE_BUILTINS.map((name) => ({ name, message: 'domain and analysis run in the browser too: no Node modules' })), NO_SQL],
    ),
  },
  {
    files: ['server/store/**/*.ts'],
    ignores: ['server/store/migrations/**'],
    rules: restrict(above('http', 'services', 'briefing', 'workers', 'cli', 'media', 'exchange')),
  },
  {
    files: ['server/store/migrations/**/*.ts'],
    rules: restrict([{ group: ['../*', '../../*', './*'], message: 'migrations are frozen: they import no app code, only kysely and libraries' }]),
  },
  {
    // End-to-end specs tell their story through the driver (test/e2e/driver.ts: TownMap for the desk, Phone for the
    // field): no page, selector, pause or Playwright of their own.
    files: ['test/e2e/specs/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name='page']", message: 'a spec speaks through the driver (test/e2e/driver.ts): add a method there for what it does' },
        { selector: "MemberExpression[property.name=/^(locator|waitForTimeout|waitForSelector|\\$|\\$\\$|\\$eval)$/]", message: 'a spec speaks through the driver (test/e2e/driver.ts), and waits for a condition, never a pause' },
      ],
      ...restrict([{ group: ['**/helper.ts', '**/field-phone.ts', '**/phone.ts', 'playwright-core'], message: 'a spec speaks through the driver (test/e2e/driver.ts), not Playwright' }]),
    },
  },
  {
    // SQL is written only in the store (migrations included); a rule's options replace earlier ones, so this block
    // leaves out the rooms whose own block above already says it
    files: ['server/**/*.ts'],
    ignores: ['server/store/**', 'server/domain/**', 'server/analysis/**'],
    rules: restrict([], [NO_SQL]),
  },
);
