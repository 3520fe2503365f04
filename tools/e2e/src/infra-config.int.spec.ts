import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { REPO } from '@tickwire/testing';
import { renderKustomization } from './kustomization-fallback';
import { NginxBalancer } from './nginx-balancer';
import { metricNamesInPromQL } from './prometheus-text';
import { durationMs, serviceNodeOptions, serviceVariables } from './service-variables';

/**
 * The deployment files checked without running them: each with the tool that owns its format where
 * Debian has one (docker-compose, promtool, nginx, kubectl kustomize), and against each other and the
 * services (variables each app reads, ports, probes, references), which no schema knows.
 */

const INFRA = join(REPO, 'infra');
const COMPOSE_FILE = join(INFRA, 'compose', 'compose.yaml');
const APPS = ['exchange-sim', 'ingest', 'normalizer', 'snapshot', 'edge'] as const;
const DEFAULT_OPS_PORT = 9100;

type Json = Record<string, unknown>;

/** Runs a tool the checks need; a missing binary fails the test with how to get it. */
function tool(binary: string, args: string[], pkg: string, env: Record<string, string> = {}): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(binary, args, { encoding: 'utf8', cwd: REPO, env: { ...process.env, ...env }, maxBuffer: 32 * 1024 * 1024 });
  if (result.error) throw new Error(`${binary} is required for this check and could not run (${result.error.message}). Install it: apt-get install ${pkg} (tools/ci/install-system-packages.sh does).`);
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

function obj(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what}: expected a mapping, got ${JSON.stringify(value)}`);
  return value as Json;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function str(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

/** The flags of `wanted` (`--name=value`) that the NODE_OPTIONS value `given` does not hold exactly. */
function missingFlags(wanted: readonly string[], given: string | undefined): string[] {
  const flags = new Set((given ?? '').split(/\s+/));
  return wanted.filter((flag) => !flags.has(flag));
}

/** `tickwire/edge:dev` or `registry.example.com/tickwire/edge:0.1.0` -> `edge`; undefined for other images. */
function appOfImage(image: string): string | undefined {
  const match = /(?:^|\/)tickwire\/([a-z-]+)(?::[^/]*)?$/.exec(image);
  return match && (APPS as readonly string[]).includes(match[1]!) ? match[1] : undefined;
}

describe('compose: infra/compose/compose.yaml', () => {
  let services: Record<string, Json>;

  beforeAll(() => {
    // DOCKER_HOST at a closed port: `config` must not need an engine.
    const rendered = tool('docker-compose', ['-f', COMPOSE_FILE, 'config'], 'docker-compose', { DOCKER_HOST: 'tcp://127.0.0.1:1' });
    if (rendered.status !== 0) throw new Error(`docker-compose config failed:\n${rendered.stderr}`);
    services = obj(obj(parse(rendered.stdout), 'compose').services, 'services') as Record<string, Json>;
  });

  const env = (service: string): Record<string, string> => Object.fromEntries(Object.entries(obj(services[service]?.environment ?? {}, `${service}.environment`)).map(([k, v]) => [k, str(v)]));
  const tickwireServices = (): [string, string][] => Object.entries(services).flatMap(([name, s]) => (appOfImage(str(s.image)) ? [[name, appOfImage(str(s.image))!]] : []));
  /** A snapshot replica that owns no shards: it neither connects to NATS nor writes. */
  const readsOnly = (name: string): boolean => appOfImage(str(services[name]?.image)) === 'snapshot' && env(name).SHARDS === 'none';

  it('is valid for docker-compose (config -q, offline)', () => {
    const result = tool('docker-compose', ['-f', COMPOSE_FILE, 'config', '-q'], 'docker-compose', { DOCKER_HOST: 'tcp://127.0.0.1:1' });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('mounts only files and folders that exist in the repository', () => {
    const missing: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      for (const volume of list(service.volumes)) {
        const source = typeof volume === 'string' ? volume.split(':')[0]! : str(obj(volume, 'volume').source);
        if (source.startsWith('/') && !existsSync(source)) missing.push(`${name}: ${source}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('runs every service once: a 3-node NATS cluster, Redis, each app, two normalizers, two snapshot replicas, two edges, HAProxy, Prometheus, Grafana', () => {
    const apps = tickwireServices().map(([, app]) => app).sort();
    expect(apps).toEqual(['edge', 'edge', 'exchange-sim', 'ingest', 'normalizer', 'normalizer', 'snapshot', 'snapshot']);
    expect(Object.keys(services).filter((s) => /^nats-\d$/.test(s))).toHaveLength(3);
    for (const name of ['redis', 'haproxy', 'prometheus', 'grafana']) expect(Object.keys(services)).toContain(name);
  });

  it('starts the NATS nodes from infra/nats/nats-cluster.conf, fully routed, and seeds every service with every node', () => {
    const conf = readFileSync(join(INFRA, 'nats', 'nats-cluster.conf'), 'utf8').replace(/#.*$/gm, '');
    const variables = [...new Set([...conf.matchAll(/\$([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!))];
    expect(variables.length).toBeGreaterThan(3);
    const nodes = Object.keys(services).filter((s) => /^nats-\d$/.test(s));
    for (const node of nodes) {
      const vars = env(node);
      expect({ node, missing: variables.filter((v) => vars[v] === undefined) }).toEqual({ node, missing: [] });
      expect(list(services[node]!.volumes).map(String).some((v) => v.includes('infra/nats/nats-cluster.conf:'))).toBe(true);
      expect(vars.NATS_SERVER_NAME).toBe(node);
      for (const peer of nodes) expect(vars.NATS_ROUTES).toContain(`nats-route://${peer}:6222`);
    }
    for (const [name, app] of tickwireServices()) {
      if (!serviceVariables(app).has('NATS_URL') || readsOnly(name)) continue;
      for (const node of nodes) expect({ name, seeds: env(name).NATS_URL }).toEqual({ name, seeds: expect.stringContaining(`nats://${node}:4222`) });
    }
  });

  it('gives each Tickwire service only variables it reads, and a stop grace period longer than its shutdown (and drain)', () => {
    for (const [name, app] of tickwireServices()) {
      const vars = env(name);
      const known = serviceVariables(app);
      expect({ name, unknown: Object.keys(vars).filter((v) => !known.has(v)) }).toEqual({ name, unknown: [] });
      const grace = durationMs(str(services[name]!.stop_grace_period || '10s'));
      const shutdown = durationMs(vars.SHUTDOWN_TIMEOUT ?? '25s');
      expect({ name, graceAboveShutdown: grace > shutdown }).toEqual({ name, graceAboveShutdown: true });
      if (app === 'edge') expect({ name, shutdownAboveDrain: shutdown > durationMs(vars.DRAIN_WINDOW ?? '10s') }).toEqual({ name, shutdownAboveDrain: true });
    }
    // Hot standby: both normalizers own the same shards under one lease.
    const normalizers = tickwireServices().filter(([, app]) => app === 'normalizer').map(([name]) => env(name));
    expect(new Set(normalizers.map((v) => `${v.LEASE_KEY}|${v.SHARDS}`)).size).toBe(1);
    expect(normalizers[0]!.LEASE_KEY).toBeTruthy();
  });

  it('passes each Tickwire service the Node options its --help lists, in NODE_OPTIONS', () => {
    for (const [name, app] of tickwireServices()) expect({ name, missing: missingFlags(serviceNodeOptions(app), env(name).NODE_OPTIONS) }).toEqual({ name, missing: [] });
    expect(serviceNodeOptions('snapshot')).toEqual(['--max-semi-space-size=4']);
  });

  it('starts the normalizers after ingest (RAW_STREAM) and the snapshot service (instrument directory) are ready', () => {
    for (const [name, app] of tickwireServices()) {
      if (app !== 'normalizer') continue;
      const dependsOn = obj(services[name]!.depends_on, `${name}.depends_on`);
      for (const upstream of ['ingest', 'snapshot']) {
        expect({ name, upstream, condition: obj(dependsOn[upstream] ?? {}, 'dependency').condition }).toEqual({ name, upstream, condition: 'service_healthy' });
        // Healthy must mean ready there: the check asks /readyz, not the image's /healthz.
        expect(list(obj(services[upstream]!.healthcheck, `${upstream}.healthcheck`).test).join(' ')).toContain('/readyz');
      }
    }
  });

  it('points the edges at a reads-only snapshot replica (SHARDS=none, no NATS, after Redis), the normalizers at a writer', () => {
    const edges = tickwireServices().filter(([, app]) => app === 'edge').map(([name]) => name);
    expect(edges.length).toBeGreaterThan(0);
    for (const edge of edges) {
      const [host, port] = (env(edge).SNAPSHOT_ADDRESS ?? '').split(':');
      expect({ edge, host, readsOnly: readsOnly(host!), port }).toEqual({ edge, host, readsOnly: true, port: env(host!).GRPC_PORT });
      expect({ host, natsUrl: env(host!).NATS_URL, dependsOn: Object.keys(obj(services[host!]!.depends_on, `${host}.depends_on`)) }).toEqual({ host, natsUrl: undefined, dependsOn: ['redis'] });
    }
    // The normalizers wait for a replica that subscribes (the instrument directory goes out once).
    for (const [name, app] of tickwireServices()) {
      if (app !== 'normalizer') continue;
      const snapshots = Object.keys(obj(services[name]!.depends_on, `${name}.depends_on`)).filter((s) => appOfImage(str(services[s]?.image)) === 'snapshot');
      expect({ name, snapshots: snapshots.map((s) => ({ s, writes: !readsOnly(s) })) }).toEqual({ name, snapshots: [{ s: 'snapshot', writes: true }] });
    }
  });

  it('puts every edge behind HAProxy running infra/haproxy/haproxy.cfg, at the edge client and ops ports', () => {
    const haproxy = env('haproxy');
    expect(list(services.haproxy!.volumes).map(String).some((v) => v.includes('infra/haproxy/haproxy.cfg:'))).toBe(true);
    const edges = tickwireServices().filter(([, app]) => app === 'edge').map(([name]) => name);
    for (const edge of edges) {
      const n = [1, 2, 3].find((i) => haproxy[`EDGE${i}`]?.startsWith(`${edge}:`));
      expect({ edge, listed: n !== undefined }).toEqual({ edge, listed: true });
      expect(haproxy[`EDGE${n}`]).toBe(`${edge}:${env(edge).PORT}`);
      expect(haproxy[`EDGE${n}_OPS_PORT`]).toBe(env(edge).OPS_PORT ?? String(DEFAULT_OPS_PORT));
    }
  });

  it('has Prometheus scrape every service ops port and every NATS exporter, with the alert rules; Grafana provisioned', () => {
    const config = obj(parse(readFileSync(join(INFRA, 'prometheus', 'prometheus.yml'), 'utf8')), 'prometheus.yml');
    const targets = new Map<string, string>();
    for (const job of list(config.scrape_configs).map((j) => obj(j, 'job'))) {
      for (const sc of list(job.static_configs)) for (const t of list(obj(sc, 'static_config').targets)) targets.set(String(t), str(job.job_name));
    }
    for (const [name, app] of tickwireServices()) expect({ name, job: targets.get(`${name}:${env(name).OPS_PORT ?? DEFAULT_OPS_PORT}`) }).toEqual({ name, job: `tickwire-${app}` });
    for (const exporter of Object.keys(services).filter((s) => s.startsWith('nats-exporter-'))) expect(targets.get(`${exporter}:7777`)).toBe('nats');
    // Nothing scraped that compose does not run.
    for (const target of targets.keys()) expect(Object.keys(services)).toContain(target.split(':')[0]);
    expect(list(config.rule_files)).toEqual(['alerts.yml']);
    expect(list(services.prometheus!.volumes).map(String).some((v) => v.includes('infra/prometheus:/etc/prometheus'))).toBe(true);

    const provider = obj(list(obj(parse(readFileSync(join(INFRA, 'grafana', 'provisioning', 'dashboards', 'tickwire.yaml'), 'utf8')), 'provider').providers)[0], 'provider');
    const dashboardsPath = str(obj(provider.options, 'options').path);
    expect(list(services.grafana!.volumes).map(String).some((v) => v.endsWith(`infra/grafana/dashboards:${dashboardsPath}:ro`))).toBe(true);
    expect(list(services.grafana!.volumes).map(String).some((v) => v.includes('infra/grafana/provisioning:/etc/grafana/provisioning'))).toBe(true);
  });
});

describe('Kubernetes: infra/k8s (kustomize base and overlays)', () => {
  const K8S = join(INFRA, 'k8s');
  const readme = readFileSync(join(K8S, 'README.md'), 'utf8');
  /** Secrets the README lists as created outside the repository. */
  const externalSecrets = new Set([...readme.matchAll(/^\| `(tickwire-[a-z-]+)` \| `([A-Z0-9_]+)` \|/gm)].map((m) => `${m[1]}/${m[2]}`));

  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).error === undefined;
  if (!kubectl) console.warn('kubectl is not installed (Debian has no current package): the overlays are rendered by tools/e2e/src/kustomization-fallback.ts, which every run with kubectl checks against kubectl kustomize');
  /** Generated Secrets without kustomize's content hash (and base64 unfolded), sorted, so both renderings compare. */
  const comparable = (docs: Json[]): Json[] =>
    (JSON.parse(JSON.stringify(docs, (key, value: unknown) => (key === 'data' && typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/\s/g, '') : v])) : value)).replace(/"(tickwire-[a-z-]+)-[a-z0-9]{10}"/g, '"$1"')) as Json[]).sort((a, b) => `${str(a['kind'])}/${str(obj(a['metadata'], 'metadata')['name'])}`.localeCompare(`${str(b['kind'])}/${str(obj(b['metadata'], 'metadata')['name'])}`));
  const render = (dir: string): Json[] => {
    const fallback = renderKustomization(join(K8S, dir));
    if (!kubectl) return fallback;
    const result = tool('kubectl', ['kustomize', join(K8S, dir)], 'kubectl (or any kustomize v5 as kubectl kustomize)');
    if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`);
    const rendered = parseAllDocuments(result.stdout).map((doc) => obj(doc.toJS(), `${dir} document`));
    // Keeps the fallback (used where kubectl is missing) honest: it must render exactly what kubectl does.
    expect(comparable(fallback)).toEqual(comparable(rendered));
    return rendered;
  };

  it('every kustomization lists files that exist', () => {
    const kustomizations: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (entry === 'kustomization.yaml') kustomizations.push(path);
      }
    };
    walk(K8S);
    expect(kustomizations.map((k) => relative(K8S, k)).sort()).toEqual(['base/kustomization.yaml', 'overlays/dev/kustomization.yaml', 'overlays/production/kustomization.yaml']);
    for (const file of kustomizations) {
      const k = obj(parse(readFileSync(file, 'utf8')), file);
      const paths = [...list(k.resources).map(String), ...list(k.patches).map((p) => str(obj(p, 'patch').path)).filter((p) => p !== '')];
      for (const path of paths) expect({ file: relative(K8S, file), path, exists: existsSync(join(dirname(file), path)) }).toEqual({ file: relative(K8S, file), path, exists: true });
    }
  });

  describe.each(['base', 'overlays/dev', 'overlays/production'])('%s', (dir) => {
    let docs: Json[];
    const ofKind = (kind: string): Json[] => docs.filter((d) => d.kind === kind);
    const named = (kind: string, name: string): Json | undefined => ofKind(kind).find((d) => obj(d.metadata, 'metadata').name === name);
    const spec = (d: Json): Json => obj(d.spec, `${str(d.kind)} spec`);
    const podSpec = (d: Json): Json => obj(obj(spec(d).template, 'template').spec, 'pod spec');
    const podLabels = (d: Json): Json => obj(obj(obj(spec(d).template, 'template').metadata, 'template metadata').labels, 'template labels');
    const matches = (selector: Json, labels: Json): boolean => Object.entries(selector).every(([k, v]) => labels[k] === v);
    const nameOf = (d: Json): string => str(obj(d.metadata, 'metadata').name);
    const containers = (d: Json): Json[] => list(podSpec(d).containers).map((c) => obj(c, 'container'));

    beforeAll(() => {
      docs = render(dir);
    });

    it('runs the services, never NATS or Redis (external dependencies)', () => {
      const apps = ofKind('Deployment').flatMap((d) => containers(d).map((c) => appOfImage(str(c.image))));
      expect(apps).not.toContain(undefined);
      for (const app of ['ingest', 'normalizer', 'snapshot', 'edge']) expect(apps).toContain(app);
      expect(ofKind('StatefulSet')).toEqual([]);
    });

    it('Deployments: selectors match pod labels, requests set, probes on the ops port at /healthz and /readyz', () => {
      for (const d of ofKind('Deployment')) {
        const name = nameOf(d);
        expect({ name, selectorMatchesPods: matches(obj(obj(spec(d).selector, 'selector').matchLabels, 'matchLabels'), podLabels(d)) }).toEqual({ name, selectorMatchesPods: true });
        for (const c of containers(d)) {
          const requests = obj(obj(c.resources, `${name} resources`).requests, `${name} requests`);
          expect({ name, cpu: Boolean(requests.cpu), memory: Boolean(requests.memory) }).toEqual({ name, cpu: true, memory: true });
          const ports = list(c.ports).map((p) => obj(p, 'port'));
          const ops = ports.find((p) => p.name === 'ops');
          expect({ name, opsPort: ops?.containerPort }).toEqual({ name, opsPort: Number(containerEnv(c).OPS_PORT ?? DEFAULT_OPS_PORT) });
          for (const [probe, path] of [['livenessProbe', '/healthz'], ['readinessProbe', '/readyz']] as const) {
            const get = obj(obj(c[probe], `${name} ${probe}`).httpGet, `${name} ${probe}.httpGet`);
            expect({ name, probe, path: get.path, port: get.port === 'ops' || get.port === ops?.containerPort }).toEqual({ name, probe, path, port: true });
          }
        }
      }
    });

    /** The environment a container gets: its ConfigMaps' keys (envFrom) and its own env entries. */
    const containerEnv = (c: Json): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const from of list(c.envFrom).map((f) => obj(f, 'envFrom'))) {
        if (from.configMapRef) Object.assign(out, obj(named('ConfigMap', str(obj(from.configMapRef, 'configMapRef').name))?.data ?? {}, 'data'));
      }
      for (const e of list(c.env).map((x) => obj(x, 'env'))) out[str(e.name)] = e.value === undefined ? '<from a reference>' : str(e.value);
      return out;
    };

    it('every ConfigMap and Secret referenced exists here or is a documented external Secret; every variable is one the app reads, and NODE_OPTIONS holds the Node options it lists', () => {
      for (const d of ofKind('Deployment')) {
        for (const c of containers(d)) {
          const app = appOfImage(str(c.image))!;
          for (const from of list(c.envFrom).map((f) => obj(f, 'envFrom'))) {
            if (from.configMapRef) expect({ configMap: str(obj(from.configMapRef, 'ref').name), exists: named('ConfigMap', str(obj(from.configMapRef, 'ref').name)) !== undefined }).toEqual({ configMap: str(obj(from.configMapRef, 'ref').name), exists: true });
            if (from.secretRef) throw new Error(`${nameOf(d)}: envFrom secretRef; reference single keys so each is documented`);
          }
          for (const e of list(c.env).map((x) => obj(x, 'env'))) {
            const valueFrom = e.valueFrom === undefined ? undefined : obj(e.valueFrom, 'valueFrom');
            if (valueFrom?.configMapKeyRef) throw new Error(`${nameOf(d)}: use envFrom for ConfigMaps`);
            if (valueFrom?.secretKeyRef) {
              const ref = obj(valueFrom.secretKeyRef, 'secretKeyRef');
              const secret = named('Secret', str(ref.name));
              const found = secret !== undefined ? str(ref.key) in obj(secret.data ?? {}, 'data') : externalSecrets.has(`${str(ref.name)}/${str(ref.key)}`);
              expect({ deployment: nameOf(d), secret: `${str(ref.name)}/${str(ref.key)}`, found }).toEqual({ deployment: nameOf(d), secret: `${str(ref.name)}/${str(ref.key)}`, found: true });
            }
          }
          const known = serviceVariables(app);
          expect({ deployment: nameOf(d), missingNodeOptions: missingFlags(serviceNodeOptions(app), containerEnv(c).NODE_OPTIONS) }).toEqual({ deployment: nameOf(d), missingNodeOptions: [] });
          expect({ deployment: nameOf(d), unknown: Object.keys(containerEnv(c)).filter((v) => !known.has(v)) }).toEqual({ deployment: nameOf(d), unknown: [] });
        }
      }
      // Generated Secrets (dev) carry a content hash; their names start with a documented Secret's name.
      for (const s of ofKind('Secret')) expect([...externalSecrets].some((e) => nameOf(s).startsWith(e.split('/')[0]!))).toBe(true);
    });

    it('Services select pods of one Deployment and target ports those containers declare', () => {
      for (const service of ofKind('Service')) {
        const selector = obj(spec(service).selector, 'service selector');
        const targets = ofKind('Deployment').filter((d) => matches(selector, podLabels(d)));
        expect({ service: nameOf(service), deployments: targets.length }).toEqual({ service: nameOf(service), deployments: 1 });
        const declared = containers(targets[0]!).flatMap((c) => list(c.ports).map((p) => obj(p, 'port')));
        for (const port of list(spec(service).ports).map((p) => obj(p, 'service port'))) {
          const target = port.targetPort ?? port.port;
          const ok = declared.some((p) => p.name === target || p.containerPort === target);
          expect({ service: nameOf(service), targetPort: target, declared: ok }).toEqual({ service: nameOf(service), targetPort: target, declared: true });
        }
      }
    });

    it('PDBs select a Deployment; every Deployment of two or more replicas has one and spreads over zones', () => {
      for (const pdb of ofKind('PodDisruptionBudget')) {
        const selector = obj(obj(spec(pdb).selector, 'pdb selector').matchLabels, 'matchLabels');
        expect({ pdb: nameOf(pdb), deployments: ofKind('Deployment').filter((d) => matches(selector, podLabels(d))).length }).toEqual({ pdb: nameOf(pdb), deployments: 1 });
      }
      for (const d of ofKind('Deployment').filter((x) => Number(spec(x).replicas ?? 1) >= 2 || nameOf(x) === 'edge')) {
        const covered = ofKind('PodDisruptionBudget').some((pdb) => matches(obj(obj(spec(pdb).selector, 'selector').matchLabels, 'matchLabels'), podLabels(d)));
        const terms = list(obj(obj(podSpec(d).affinity ?? {}, 'affinity').podAntiAffinity ?? {}, 'podAntiAffinity').preferredDuringSchedulingIgnoredDuringExecution);
        const zone = terms.some((t) => obj(obj(t, 'term').podAffinityTerm, 'podAffinityTerm').topologyKey === 'topology.kubernetes.io/zone');
        expect({ deployment: nameOf(d), pdb: covered, zoneAntiAffinity: zone }).toEqual({ deployment: nameOf(d), pdb: true, zoneAntiAffinity: true });
      }
    });

    /** The Deployment behind Service `name` (one, checked above). */
    const deploymentOfService = (name: string): Json | undefined => {
      const service = named('Service', name);
      return service && ofKind('Deployment').find((d) => matches(obj(spec(service).selector, 'service selector'), podLabels(d)));
    };
    const snapshotShards = (d: Json | undefined): string | undefined => (d === undefined || appOfImage(str(containers(d)[0]!.image)) !== 'snapshot' ? undefined : containerEnv(containers(d)[0]!).SHARDS);

    it('the edges read from reads-only snapshot replicas (SHARDS=none), two or more; the normalizer waits for a writer', () => {
      const edge = named('Deployment', 'edge')!;
      const [host, port] = (containerEnv(containers(edge)[0]!).SNAPSHOT_ADDRESS ?? '').split(':');
      const reads = deploymentOfService(host!);
      expect({ host, shards: snapshotShards(reads) }).toEqual({ host, shards: 'none' });
      expect(list(spec(named('Service', host!)!).ports).some((p) => String(obj(p, 'port').port) === port)).toBe(true);
      if (dir !== 'overlays/dev') expect(Number(spec(reads!).replicas)).toBeGreaterThanOrEqual(2);
      const init = list(podSpec(named('Deployment', 'normalizer')!).initContainers).map((c) => list(obj(c, 'init container').command).join(' ')).join(' ');
      const waitsFor = [...init.matchAll(/http:\/\/([a-z-]+):\d+\/readyz/g)].map((m) => m[1]!).filter((h) => snapshotShards(deploymentOfService(h)) !== undefined);
      expect(waitsFor.map((h) => ({ host: h, writes: snapshotShards(deploymentOfService(h)) !== 'none' }))).toEqual([{ host: 'snapshot', writes: true }]);
    });

    it('the normalizer runs an active and a hot standby under one lease', () => {
      const normalizer = named('Deployment', 'normalizer')!;
      expect(Number(spec(normalizer).replicas)).toBeGreaterThanOrEqual(2);
      expect(containerEnv(containers(normalizer)[0]!).LEASE_KEY).toBeTruthy();
    });

    it('the edge: grace period >= preStop + SHUTDOWN_TIMEOUT > preStop + DRAIN_WINDOW; rolled one at a time; HPA on CPU and connections', () => {
      const edge = named('Deployment', 'edge')!;
      const c = containers(edge)[0]!;
      const vars = containerEnv(c);
      const command = list(obj(obj(obj(c.lifecycle, 'lifecycle').preStop, 'preStop').exec, 'exec').command).map(String);
      expect(command[0]).toBe('sleep');
      const preStopMs = Number(command[1]) * 1_000;
      const graceMs = Number(podSpec(edge).terminationGracePeriodSeconds) * 1_000;
      const shutdownMs = durationMs(vars.SHUTDOWN_TIMEOUT ?? '25s');
      const drainMs = durationMs(vars.DRAIN_WINDOW ?? '10s');
      expect({ graceCoversShutdown: graceMs >= preStopMs + shutdownMs, shutdownCoversDrain: shutdownMs > drainMs }).toEqual({ graceCoversShutdown: true, shutdownCoversDrain: true });
      expect(obj(spec(edge).strategy, 'strategy').rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });

      const hpa = ofKind('HorizontalPodAutoscaler').find((h) => obj(spec(h).scaleTargetRef, 'scaleTargetRef').name === 'edge');
      expect(hpa).toBeDefined();
      expect(obj(spec(hpa!).scaleTargetRef, 'ref').kind).toBe('Deployment');
      const metrics = list(spec(hpa!).metrics).map((m) => obj(m, 'metric'));
      expect(metrics.some((m) => m.type === 'Resource' && obj(m.resource, 'resource').name === 'cpu')).toBe(true);
      expect(metrics.some((m) => m.type === 'Pods' && obj(obj(m.pods, 'pods').metric, 'metric').name === 'tickwire_edge_connections')).toBe(true);
      for (const h of ofKind('HorizontalPodAutoscaler')) expect(named('Deployment', str(obj(spec(h).scaleTargetRef, 'ref').name))).toBeDefined();
    });
  });
});

describe('Prometheus: infra/prometheus (promtool)', () => {
  it('prometheus.yml and alerts.yml pass promtool check', () => {
    const config = tool('promtool', ['check', 'config', join(INFRA, 'prometheus', 'prometheus.yml')], 'prometheus (for promtool)');
    expect({ status: config.status, out: config.stdout + config.stderr }).toEqual({ status: 0, out: expect.stringContaining('SUCCESS') });
    const rules = tool('promtool', ['check', 'rules', join(INFRA, 'prometheus', 'alerts.yml')], 'prometheus (for promtool)');
    expect({ status: rules.status, out: rules.stdout + rules.stderr }).toEqual({ status: 0, out: expect.stringContaining('SUCCESS') });
  });

  it('every alert has a severity, a summary, and a section in docs/operations.md', () => {
    const operations = readFileSync(join(REPO, 'docs', 'operations.md'), 'utf8');
    const rules = list(obj(parse(readFileSync(join(INFRA, 'prometheus', 'alerts.yml'), 'utf8')), 'alerts').groups).flatMap((g) => list(obj(g, 'group').rules).map((r) => obj(r, 'rule')));
    expect(rules.length).toBeGreaterThan(10);
    for (const rule of rules) {
      expect({ alert: rule.alert, severity: ['warning', 'critical'].includes(str(obj(rule.labels, 'labels').severity)), summary: Boolean(obj(rule.annotations, 'annotations').summary), documented: operations.includes(`\`${str(rule.alert)}\``) }).toEqual({ alert: rule.alert, severity: true, summary: true, documented: true });
      expect({ alert: rule.alert, metrics: metricNamesInPromQL(str(rule.expr)).length > 0 || /\bup\b/.test(str(rule.expr)) }).toEqual({ alert: rule.alert, metrics: true });
    }
  });
});

describe('NGINX: infra/nginx/nginx.conf', () => {
  it('renders (LISTEN_ADDR, EDGE1..3) into a config nginx -t accepts', async () => {
    const { prefix, config } = await NginxBalancer.prepare([], 18_080);
    const checked = NginxBalancer.check(prefix, config);
    expect(checked).toEqual({ ok: true, output: expect.stringContaining('test is successful') });
    const text = readFileSync(config, 'utf8');
    for (const needed of ['least_conn', 'proxy_set_header Upgrade $http_upgrade', 'proxy_set_header Connection $connection_upgrade', 'proxy_read_timeout 1h', 'proxy_next_upstream error timeout http_503']) expect(text).toContain(needed);
  });
});

describe('Grafana: infra/grafana', () => {
  const datasources = obj(parse(readFileSync(join(INFRA, 'grafana', 'provisioning', 'datasources', 'prometheus.yaml'), 'utf8')), 'datasources');
  const uid = str(obj(list(datasources.datasources)[0], 'datasource').uid);
  const dashboard = obj(JSON.parse(readFileSync(join(INFRA, 'grafana', 'dashboards', 'tickwire.json'), 'utf8')), 'dashboard');
  const PANEL_TYPES = new Set(['row', 'timeseries', 'stat', 'gauge', 'bargauge', 'table', 'heatmap', 'text']);

  it('the dashboard is a dashboard Grafana loads: uid, title, schemaVersion, panels on a 24-column grid without overlap', () => {
    expect(typeof dashboard.uid).toBe('string');
    expect(typeof dashboard.title).toBe('string');
    expect(Number(dashboard.schemaVersion)).toBeGreaterThanOrEqual(36);
    const panels = list(dashboard.panels).map((p) => obj(p, 'panel'));
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const cells = new Map<string, unknown>();
    for (const panel of panels) {
      expect({ id: panel.id, type: PANEL_TYPES.has(str(panel.type)), title: typeof panel.title }).toEqual({ id: panel.id, type: true, title: 'string' });
      const { x, y, w, h } = obj(panel.gridPos, 'gridPos') as { x: number; y: number; w: number; h: number };
      expect({ id: panel.id, fits: Number.isInteger(x) && Number.isInteger(y) && w > 0 && h > 0 && x + w <= 24 }).toEqual({ id: panel.id, fits: true });
      for (let cx = x; cx < x + w; cx++) {
        for (let cy = y; cy < y + h; cy++) {
          expect({ cell: `${cx},${cy}`, by: cells.get(`${cx},${cy}`) ?? panel.id }).toEqual({ cell: `${cx},${cy}`, by: panel.id });
          cells.set(`${cx},${cy}`, panel.id);
        }
      }
    }
  });

  it('every panel queries the provisioned Prometheus datasource by uid, with PromQL that names metrics', () => {
    expect(uid).toBe('tickwire-prometheus');
    for (const panel of list(dashboard.panels).map((p) => obj(p, 'panel')).filter((p) => p.type !== 'row')) {
      expect({ id: panel.id, datasource: panel.datasource }).toEqual({ id: panel.id, datasource: { type: 'prometheus', uid } });
      const targets = list(panel.targets).map((t) => obj(t, 'target'));
      expect({ id: panel.id, targets: targets.length > 0 }).toEqual({ id: panel.id, targets: true });
      expect(new Set(targets.map((t) => t.refId)).size).toBe(targets.length);
      for (const target of targets) {
        expect({ id: panel.id, datasource: target.datasource }).toEqual({ id: panel.id, datasource: { type: 'prometheus', uid } });
        expect({ id: panel.id, expr: str(target.expr), metrics: metricNamesInPromQL(str(target.expr)).length > 0 || /\bup\b/.test(str(target.expr)) }).toEqual({ id: panel.id, expr: str(target.expr), metrics: true });
      }
    }
  });
});
