/** One jest run over every package; @swc/jest transpiles TypeScript without type-checking (tsc does that). */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testMatch: ['**/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/.run/'],
  testTimeout: 30000,
};
