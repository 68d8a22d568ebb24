/**
 * Generates a deterministic synthetic Flux fleet for benchmarks: apps with workloads, kustomize
 * overlays with `images:`, HelmReleases and per-cluster Flux Kustomizations, spread over environments.
 */
import type { RepoFile } from '../src/core/repo-model/repo-file.ts';

export interface FleetShape {
  manifests: number;
  images: number;
  environments: string[];
  clustersPerEnvironment: number;
}

export const DEFAULT_SHAPE: FleetShape = {
  manifests: 10_000,
  images: 200,
  environments: ['dev', 'staging', 'prod'],
  clustersPerEnvironment: 3,
};

/** The image repository of synthetic service i. */
export function imageOf(i: number): string {
  return `ghcr.io/bench/svc-${i}`;
}

function envVars(seed: number): string {
  let out = '';
  for (let k = 0; k < 16; k++) {
    out += `            - name: SETTING_${seed}_${k}\n              value: "value-${(seed * 31 + k) % 997}-lorem-ipsum-dolor-sit-amet"\n`;
  }
  return out;
}

function deployment(app: number, env: string, copy: number, tag: string): string {
  const name = `svc-${app}-${copy}`;
  return `# Workload ${name} in ${env}; generated for benchmarks.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${env}
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/part-of: bench
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
    spec:
      containers:
        - name: app
          image: ${imageOf(app)}:${tag}
          ports:
            - containerPort: 8080
          env:
${envVars(app + copy)}          resources:
            requests:
              cpu: 10m
              memory: 64Mi
            limits:
              memory: 128Mi
          readinessProbe:
            httpGet:
              path: /healthz
              port: 8080
`;
}

function helmRelease(app: number, env: string, tag: string): string {
  return `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: svc-${app}
  namespace: ${env}
spec:
  interval: 30m
  chart:
    spec:
      chart: generic
      version: "1.2.3"
      sourceRef:
        kind: HelmRepository
        name: charts
  values:
    image:
      repository: ${imageOf(app)}
      tag: ${tag}
`;
}

function overlay(app: number, tag: string): string {
  return `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment-0.yaml
images:
  - name: ${imageOf(app)}
    newTag: ${tag}
`;
}

/** Generates the fleet as in-memory files, about 2 KB per manifest. */
export function generateFleet(shape: FleetShape = DEFAULT_SHAPE): RepoFile[] {
  const files: RepoFile[] = [];
  const envs = shape.environments;
  const perEnv = Math.floor(shape.manifests / envs.length);
  envs.forEach((env, e) => {
    const tag = `1.${10 - e}.0`;
    for (let m = 0; m < perEnv; m++) {
      const app = m % shape.images;
      const copy = Math.floor(m / shape.images);
      const cluster = `${env}-${m % shape.clustersPerEnvironment}`;
      const dir = `clusters/${cluster}/apps/svc-${app}`;
      if (m % 10 === 9) files.push({ path: `${dir}/helmrelease-${copy}.yaml`, text: helmRelease(app, env, tag) });
      else if (m % 10 === 8 && copy === 0) files.push({ path: `${dir}/kustomization.yaml`, text: overlay(app, tag) });
      else files.push({ path: `${dir}/deployment-${copy}.yaml`, text: deployment(app, env, copy, tag) });
    }
  });
  const config = `environments:\n${envs
    .map((env) => {
      const clusters = Array.from({ length: shape.clustersPerEnvironment }, (_, i) => `${env}-${i}`);
      return `  - name: ${env}\n    clusters: [${clusters.join(', ')}]\n    paths: [${clusters.map((c) => `"clusters/${c}/**"`).join(', ')}]\n`;
    })
    .join('')}`;
  files.push({ path: '.github/courier.yml', text: config });
  return files;
}
