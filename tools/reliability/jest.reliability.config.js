// The suite's tests are *.int.spec.ts: real servers and processes, like the integration tests.
module.exports = require('../../jest.preset.js').jestConfig(__dirname, 'int');
