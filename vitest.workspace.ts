/**
 * The one list of test projects. Vitest 4 no longer reads this file by itself; the root
 * `vitest.config.ts` imports it as `test.projects`.
 */
export default ['packages/*', 'examples/demo', 'examples/custom-state-store'];
