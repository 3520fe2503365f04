// Lets Node run the suite's TypeScript without a build step (the storm workers the tests fork, the soak run):
// `node --require ./ts-register.cjs file.ts`. Types are stripped by TypeScript's transpileModule, one file at a
// time, with no type check (the `typecheck` target does that); `@tickwire/*` imports resolve to the built libs.
const { readFileSync } = require('node:fs');
const ts = require('typescript');

const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true };

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), { fileName: filename, compilerOptions });
  module._compile(outputText, filename);
};
