/**
 * Three projects: `unit` (pure logic beside the code), `integration` (one service against real
 * Postgres / Kafka) and `e2e` (the whole graph through the gateway). Every test creates its own
 * databases and topics with unique names, so files run in parallel safely.
 */
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};

const moduleNameMapper = {
  '^@marketplace/platform$': '<rootDir>/platform/src/index.ts',
  '^@marketplace/platform/testing$': '<rootDir>/platform/src/testing/index.ts',
  '^@marketplace/migrations$': '<rootDir>/migrations/index.ts',
  '^@marketplace/(user|product|cart|order|payment|delivery)$': '<rootDir>/subgraphs/$1/src/server.ts',
  '^@marketplace/gateway$': '<rootDir>/gateway/src/server.ts',
};

const common = { rootDir: __dirname, transform, moduleNameMapper, testEnvironment: 'node' };

/** @type {import('jest').Config} */
module.exports = {
  maxWorkers: process.env.JEST_MAX_WORKERS || 2,
  // Every test and hook, unit to e2e. Asynchronous waits have deadlines of their own (a few seconds
  // for one Kafka hop, 20 s for a saga under load), so a lost event fails in seconds with a message
  // instead of hanging; start-up hooks and the broker-outage tests pass longer limits explicitly.
  testTimeout: 45_000,
  globalSetup: '<rootDir>/scripts/test/global-setup.ts',
  globalTeardown: '<rootDir>/scripts/test/global-teardown.ts',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/{platform,gateway,subgraphs/*,scripts}/src/**/*.test.ts',
        '<rootDir>/scripts/**/*.test.ts',
        '<rootDir>/migrations/**/*.test.ts',
      ],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{platform,gateway,subgraphs/*}/test/**/*.int.test.ts'],
      setupFiles: ['<rootDir>/scripts/test/env.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/e2e/**/*.e2e.test.ts'],
      setupFiles: ['<rootDir>/scripts/test/env.ts'],
    },
  ],
};
