/**
 * Workload containers: `containers`, `initContainers` and `ephemeralContainers` of every Pod-template
 * kind, each `image` being a full reference. Flux v1 annotations on the workload become per-container policies.
 */
import { isMap, isSeq } from 'yaml';
import type { Document, YAMLMap } from 'yaml';
import { joinField, mapAtPath, scalarAt, stringAt } from '../yaml/yaml-file.ts';
import { legacyAnnotations } from './legacy-annotations.ts';
import type { FinderContext, ImageSite } from './site.ts';

/** Where each kind keeps its Pod spec. */
const POD_SPEC_PATH: Record<string, readonly string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** Every container image of a workload document, with Flux v1 policies attached where annotated. */
export function containerSites(doc: Document.Parsed, ctx: FinderContext): ImageSite[] {
  const root = doc.contents;
  if (!isMap(root)) return [];
  const kind = stringAt(root, 'kind');
  const specPath = kind ? POD_SPEC_PATH[kind] : undefined;
  if (!specPath) return [];
  const podSpec = mapAtPath(root, specPath);
  if (!podSpec) return [];
  const legacy = legacyAnnotations(root as YAMLMap, ctx);
  const sites: ImageSite[] = [];
  for (const listKey of CONTAINER_LISTS) {
    const list = podSpec.get(listKey, true);
    if (!isSeq(list)) continue;
    list.items.forEach((container, index) => {
      if (!isMap(container)) return;
      const image = scalarAt(container, 'image');
      if (!image || typeof image.value !== 'string') return;
      const field = `${[...specPath, listKey].join('.')}[${index}]`;
      const inFlow = list.flow === true || container.flow === true;
      const site: ImageSite = { reason: 'container', ref: { node: image, field: joinField(field, 'image'), inFlow } };
      const name = stringAt(container, 'name');
      if (legacy.locked) site.locked = legacy.locked;
      const policy = name !== undefined ? legacy.policies.get(name) : undefined;
      if (policy) {
        site.policy = policy;
        site.reason = 'legacy-annotation';
      }
      sites.push(site);
    });
  }
  return sites;
}
