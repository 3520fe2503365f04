import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

type Json = Record<string, unknown>;

const isMapping = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Renders a kustomization for the infra checks when no `kubectl` is installed (Debian has no current
 * one): only the features infra/k8s uses — resources (files and directories), namespace, labels on
 * metadata and pod templates, images, secretGenerator literals (names without kustomize's hash suffix),
 * and patches merged by kind and name (lists of named items, such as containers, merged by name).
 * Anything else in a kustomization is an error, so the fallback never checks less than it claims.
 */
export function renderKustomization(dir: string): Json[] {
  const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Json;
  const known = new Set(['apiVersion', 'kind', 'namespace', 'labels', 'resources', 'images', 'secretGenerator', 'patches']);
  const unknown = Object.keys(kustomization).filter((key) => !known.has(key));
  if (unknown.length > 0) throw new Error(`${dir}: the kustomize fallback does not handle ${unknown.join(', ')}; install kubectl`);

  const docs: Json[] = [];
  for (const resource of (kustomization['resources'] as string[] | undefined) ?? []) {
    const path = join(dir, resource);
    if (statSync(path).isDirectory()) docs.push(...renderKustomization(path));
    else docs.push(...parseAllDocuments(readFileSync(path, 'utf8')).map((doc) => doc.toJS() as Json));
  }
  for (const generator of (kustomization['secretGenerator'] as Json[] | undefined) ?? []) {
    const data = Object.fromEntries(((generator['literals'] as string[] | undefined) ?? []).map((literal) => [literal.slice(0, literal.indexOf('=')), Buffer.from(literal.slice(literal.indexOf('=') + 1)).toString('base64')]));
    docs.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: generator['name'] }, type: 'Opaque', data });
  }
  for (const patch of (kustomization['patches'] as Json[] | undefined) ?? []) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, String(patch['path'])), 'utf8'))) {
      const change = doc.toJS() as Json;
      const name = (change['metadata'] as Json)['name'];
      const target = docs.find((d) => d['kind'] === change['kind'] && (d['metadata'] as Json)['name'] === name);
      if (target === undefined) throw new Error(`${dir}: patch for ${String(change['kind'])}/${String(name)} matches no resource`);
      mergeInto(target, change);
    }
  }
  const namespace = kustomization['namespace'];
  for (const doc of docs) {
    const metadata = doc['metadata'] as Json;
    if (typeof namespace === 'string' && doc['kind'] !== 'Namespace') metadata['namespace'] = namespace;
    for (const label of (kustomization['labels'] as Json[] | undefined) ?? []) {
      const pairs = label['pairs'] as Json;
      metadata['labels'] = { ...(metadata['labels'] as Json | undefined), ...pairs };
      const template = ((doc['spec'] as Json | undefined)?.['template'] as Json | undefined)?.['metadata'] as Json | undefined;
      if (label['includeTemplates'] === true && template !== undefined) template['labels'] = { ...(template['labels'] as Json | undefined), ...pairs };
    }
    for (const image of (kustomization['images'] as Json[] | undefined) ?? []) {
      for (const container of podContainers(doc)) {
        if (String(container['image']).split(':')[0] === image['name']) container['image'] = `${String(image['newName'] ?? image['name'])}:${String(image['newTag'])}`;
      }
    }
  }
  return docs;
}

function podContainers(doc: Json): Json[] {
  const pod = ((doc['spec'] as Json | undefined)?.['template'] as Json | undefined)?.['spec'] as Json | undefined;
  return [...((pod?.['containers'] as Json[] | undefined) ?? []), ...((pod?.['initContainers'] as Json[] | undefined) ?? [])];
}

/** A strategic merge as far as these manifests need it: mappings deep, lists of named items by name, the rest replaced. */
function mergeInto(target: Json, change: Json): void {
  for (const [key, value] of Object.entries(change)) {
    const current = target[key];
    if (isMapping(current) && isMapping(value)) mergeInto(current, value);
    else if (Array.isArray(current) && Array.isArray(value) && value.every((item) => isMapping(item) && typeof item['name'] === 'string')) {
      for (const item of value as Json[]) {
        const match = (current as unknown[]).find((existing) => isMapping(existing) && existing['name'] === item['name']);
        if (isMapping(match)) mergeInto(match, item);
        else current.push(item);
      }
    } else target[key] = value;
  }
}
