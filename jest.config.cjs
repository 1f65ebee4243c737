// Jest runs the pure modules through esbuild (the bundler we already ship with): no ts-jest, which stops at TypeScript 6.
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/tests/unit/**/*.test.ts'],
  transform: { '\\.ts$': '<rootDir>/tests/unit/esbuild-transform.cjs' },
};
