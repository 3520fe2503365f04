import { runTokenCommand } from './token-command';

runTokenCommand(process.argv.slice(2), { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
