/**
 * Harbor webhooks, "Default" payload format: `type: PUSH_ARTIFACT` with the pushed tags in
 * `event_data.resources[]`. https://goharbor.io/docs/main/working-with-projects/project-configuration/configure-webhooks/
 */
import {
  type NotificationHeaders,
  type ParseOptions,
  type ReleaseCandidate,
  NotificationShapeError,
  candidate,
  hostOfReference,
  isRecord,
  uniqueCandidates,
} from '../notification-parser.ts';

/** Tag pushes of a Harbor event; other event types give none. The CloudEvents format is not supported. */
export function parse(body: unknown, _headers: NotificationHeaders, options: ParseOptions = {}): ReleaseCandidate[] {
  if (!isRecord(body) || typeof body.type !== 'string' || !isRecord(body.event_data)) {
    throw new NotificationShapeError(
      'harbor',
      'expected {"type": …, "event_data": {…}} (set the webhook\'s payload format to "Default")',
    );
  }
  if (body.type !== 'PUSH_ARTIFACT') return [];
  const data = body.event_data;
  const repo = isRecord(data.repository) ? data.repository.repo_full_name : undefined;
  if (typeof repo !== 'string' || !Array.isArray(data.resources)) {
    throw new NotificationShapeError('harbor', 'PUSH_ARTIFACT without event_data.repository.repo_full_name or resources');
  }
  return uniqueCandidates(
    data.resources.map((resource: unknown) => {
      if (!isRecord(resource)) return undefined;
      // resource_url is `host/project/repo:tag`; its host is the registry's external name.
      const url = typeof resource.resource_url === 'string' ? resource.resource_url : '';
      const host = options.registryHost ?? hostOfReference(url) ?? '';
      // A push by digest carries the digest in `tag`; the tag check drops it.
      return candidate(host, repo, resource.tag, resource.digest);
    }),
  );
}
