import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMoldUdp64Packet, encodeMessage, PcapWriter } from '@tickwire/itch';

const CLI = join(__dirname, '../dist/main.js');
const SAMPLE = join(__dirname, '../../../../shared/data/itch/ritch-ex20101224.itch50');

function itch(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

describe('itch CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickwire-itch-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stats: one JSON object with the RITCH sample counts', () => {
    const run = itch('stats', SAMPLE);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ messages: 12_012, errors: 0, firstSequence: 1, lastSequence: 12_012 });
    expect(report.byType).toEqual({ P: 5000, A: 4997, D: 1745, E: 198, X: 45, U: 12, S: 6, R: 3, H: 3, F: 3 });
  });

  it('stats and dump read a pcap of MoldUDP64, with its gap', () => {
    const writer = new PcapWriter();
    const message = (i: number) => encodeMessage({ type: 'D', stockLocate: 1, trackingNumber: 0, timestampNs: 1_000 + i, orderRef: i });
    const packet = (first: number, count: number) => buildMoldUdp64Packet('SESSION001', first, Array.from({ length: count }, (_, i) => message(first + i)));
    const parts = [writer.header()];
    for (const [first, count] of [[1, 3], [4, 2], [9, 2]] as const) parts.push(writer.udp({ payload: packet(first, count), srcIp: 0x7f000001, dstIp: 0x7f000001, srcPort: 5000, dstPort: 6000, tsSeconds: 1, tsNanos: 0 }));
    const path = join(dir, 'feed.pcap');
    writeFileSync(path, Buffer.concat(parts));
    const stats = itch('stats', path);
    expect(stats.status).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ messages: 7, byType: { D: 7 }, firstSequence: 1, lastSequence: 10, gaps: [{ from: 6, to: 8 }] });
    const dump = itch('dump', path);
    const lines = dump.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.filter((l) => l.type === 'D').map((l) => l.sequence)).toEqual([1, 2, 3, 4, 5, 9, 10]);
  });

  it('fails with a clear message and usage for bad arguments or files', () => {
    expect(itch('frobnicate', SAMPLE)).toMatchObject({ status: 2, stderr: expect.stringContaining('usage: npm run itch') });
    const missing = itch('stats', join(dir, 'missing.itch50'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^itch: invalid feed URL .*missing\.itch50.*ENOENT/);
  });
});
