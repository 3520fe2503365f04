import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openFeedSource, type FeedHandler } from '@tickwire/feed-net';
import { FeedDump } from './feed-dump';
import { FeedStats } from './feed-stats';

const USAGE = `usage: npm run itch -- <command> <file>
  stats <file>   one JSON object: message counts by type, first/last timestamps and sequence numbers, errors
  dump <file>    every decoded message as one JSON object per line
<file> is a BinaryFILE or a pcap/pcapng capture of MoldUDP64, plain or gzip (told apart by content).`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, path, ...rest] = argv;
  if (command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if ((command !== 'stats' && command !== 'dump') || path === undefined || rest.length > 0) {
    process.stderr.write(`itch: expected "stats <file>" or "dump <file>"\n${USAGE}\n`);
    return 2;
  }
  const source = openFeedSource(pathToFileURL(resolve(path)).href);
  if (command === 'stats') {
    const stats = new FeedStats();
    await source.start(stats);
    process.stdout.write(`${JSON.stringify(stats.report(source.description))}\n`);
    return 0;
  }
  const dump = new FeedDump((text) => process.stdout.write(text));
  const handler: FeedHandler = dump;
  await source.start(handler);
  dump.flush();
  return 0;
}

// A reader that closes the pipe early (`| head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`itch: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
