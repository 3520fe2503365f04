// Shared Jest preset: SWC transpiles TypeScript (no type-check here; `typecheck` does that),
// and workspace imports resolve to sources so unit tests need no prior build.
const path = require('node:path');

const libs = path.join(__dirname, 'libs');
const apps = path.join(__dirname, 'apps');

/** @param {string} projectDir @param {'unit'|'int'} kind */
function jestConfig(projectDir, kind) {
  const name = path.basename(projectDir);
  return {
    displayName: kind === 'int' ? `${name}:int` : name,
    rootDir: projectDir,
    testEnvironment: 'node',
    // Every test's name in the output: CI logs show what ran (e.g. the Bus contract on each adapter).
    verbose: true,
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
          module: { type: 'commonjs' },
          sourceMaps: 'inline',
        },
      ],
      // jose 6 ships ES modules only; Node 20 requires them natively, Jest needs them transpiled.
      '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
    },
    transformIgnorePatterns: ['/node_modules/(?!jose/)'],
    moduleNameMapper: {
      '^@tickwire/([a-z-]+)/testing$': `${libs}/$1/src/testing/index.ts`,
      '^@tickwire/([a-z-]+)/grpc$': `${libs}/$1/src/grpc.ts`,
      // An app's service definition, for the embedded mode that hosts them all in one process.
      '^@tickwire/([a-z-]+)/app$': `${apps}/$1/src/$1-app.ts`,
      '^@tickwire/([a-z-]+)$': `${libs}/$1/src/index.ts`,
    },
    testMatch: kind === 'int' ? ['<rootDir>/src/**/*.int.spec.ts', '<rootDir>/test/**/*.int.spec.ts'] : ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    testPathIgnorePatterns: kind === 'int' ? ['/node_modules/', '/dist/'] : ['/node_modules/', '/dist/', '\\.int\\.spec\\.ts$'],
    testTimeout: kind === 'int' ? 120_000 : 20_000,
  };
}

module.exports = { jestConfig };
