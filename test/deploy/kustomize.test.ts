import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { FLUX_KINDS } from '../../src/watch/flux-resources.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
if (!hasKubectl) console.warn('kubectl not found: skipping the kustomize build tests of deploy/');

function build(dir: string): any[] {
  const out = execFileSync('kubectl', ['kustomize', path.join(repoRoot, dir)], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJS());
}

describe.skipIf(!hasKubectl)('deploy/reporter', () => {
  const objects = hasKubectl ? build('deploy/reporter') : [];
  const of = (kind: string) => objects.filter((o) => o.kind === kind);

  it('grants get/list/watch on exactly the Flux kinds the reporter watches, and nothing else', () => {
    expect(of('Role')).toEqual([]);
    expect(of('RoleBinding')).toEqual([]);
    const [role] = of('ClusterRole');
    expect(of('ClusterRole')).toHaveLength(1);
    const granted = role.rules.flatMap((r: any) =>
      r.apiGroups.flatMap((g: string) => r.resources.map((res: string) => `${g}/${res}:${[...r.verbs].sort().join(',')}`)),
    );
    expect(role.rules.every((r: any) => !r.nonResourceURLs && !r.resourceNames)).toBe(true);
    const expected = FLUX_KINDS.map((k) => `${k.group}/${k.plural}:get,list,watch`);
    expect(granted.sort()).toEqual(expected.sort());
  });

  it('binds the role to the reporter service account only', () => {
    const [binding] = of('ClusterRoleBinding');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'courier-reporter' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'courier-reporter', namespace: 'courier-system' }]);
    expect(of('ServiceAccount')[0].metadata).toMatchObject({ name: 'courier-reporter', namespace: 'courier-system' });
    expect(of('Namespace')[0].metadata.name).toBe('courier-system');
  });

  it('runs the reporter non-root with limits and its config from the Secret', () => {
    const [deployment] = of('Deployment');
    const pod = deployment.spec.template.spec;
    const [c] = pod.containers;
    expect(pod.serviceAccountName).toBe('courier-reporter');
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(c.command).toEqual(['node', 'dist/reporter.js']);
    expect(c.resources.requests).toBeDefined();
    expect(c.resources.limits.memory).toBe('128Mi');
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom.secretKeyRef]));
    expect(env).toMatchObject({
      COURIER_URL: { name: 'courier-reporter', key: 'url' },
      COURIER_CLUSTER: { name: 'courier-reporter', key: 'cluster' },
      COURIER_CLUSTER_SECRET_FILE: '/var/run/secrets/courier/cluster-secret',
    });
    expect(pod.volumes[0].secret.secretName).toBe('courier-reporter');
    expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
  });
});

describe.skipIf(!hasKubectl)('deploy/app', () => {
  const objects = hasKubectl ? build('deploy/app') : [];

  it('runs the app with its GitHub App secrets and the cluster secrets file', () => {
    const deployment = objects.find((o) => o.kind === 'Deployment');
    const [c] = deployment.spec.template.spec.containers;
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom.secretKeyRef]));
    expect(env).toMatchObject({
      APP_ID: { name: 'courier-app', key: 'app-id' },
      PRIVATE_KEY: { name: 'courier-app', key: 'private-key' },
      WEBHOOK_SECRET: { name: 'courier-app', key: 'webhook-secret' },
      COURIER_CLUSTER_SECRETS_FILE: '/var/run/secrets/courier-clusters/clusters.yaml',
    });
    const mount = c.volumeMounts.find((m: any) => m.mountPath === '/var/run/secrets/courier-clusters');
    const volume = deployment.spec.template.spec.volumes.find((v: any) => v.name === mount.name);
    expect(volume.secret.secretName).toBe('courier-cluster-secrets');
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(c.readinessProbe.httpGet.path).toBe('/healthz');
  });

  it('gives every directory the app writes a writable volume under the read-only root filesystem', () => {
    // The image's ENV (Dockerfile) unless the Deployment overrides it.
    const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
    const imageCacheDir = /COURIER_CACHE_DIR=(\S+)/.exec(dockerfile)?.[1];
    const deployment = objects.find((o) => o.kind === 'Deployment');
    const pod = deployment.spec.template.spec;
    const [c] = pod.containers;
    const cacheDir = c.env.find((e: any) => e.name === 'COURIER_CACHE_DIR')?.value ?? imageCacheDir;
    expect(cacheDir).toBeDefined();
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    const writable = c.volumeMounts.filter((m: any) => !m.readOnly && pod.volumes.find((v: any) => v.name === m.name)?.emptyDir);
    for (const dir of ['/tmp', cacheDir]) {
      expect(writable.some((m: any) => dir === m.mountPath || dir.startsWith(`${m.mountPath}/`)), dir).toBe(true);
    }
    // emptyDir volumes are owned by fsGroup; the container's user must be in it to write there.
    expect(pod.securityContext.fsGroup).toBe(pod.securityContext.runAsGroup);
  });

  it('exposes the app through a Service that selects its pods', () => {
    const service = objects.find((o) => o.kind === 'Service');
    const deployment = objects.find((o) => o.kind === 'Deployment');
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http' }]);
    expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(objects.every((o) => o.kind === 'Namespace' || o.metadata.namespace === 'courier')).toBe(true);
  });
});
