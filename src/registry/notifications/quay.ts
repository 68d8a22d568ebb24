/**
 * Quay "Repository Push" notifications: `docker_url` names the repository with its host and
 * `updated_tags` lists the tags (an array; older Quay sent an object keyed by tag).
 * https://docs.redhat.com/en/documentation/red_hat_quay/3.3/html/use_red_hat_quay/repository_notifications
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

/** Tags of a Quay push; the payload carries no digest (older object values are legacy image ids). */
export function parse(body: unknown, _headers: NotificationHeaders, options: ParseOptions = {}): ReleaseCandidate[] {
  if (!isRecord(body) || typeof body.repository !== 'string' || !('updated_tags' in body)) {
    throw new NotificationShapeError('quay', 'expected a Repository Push body with "repository" and "updated_tags"');
  }
  const tags = Array.isArray(body.updated_tags)
    ? body.updated_tags
    : isRecord(body.updated_tags)
      ? Object.keys(body.updated_tags)
      : undefined;
  if (!tags) throw new NotificationShapeError('quay', '"updated_tags" must be a list of tags');
  const dockerUrl = typeof body.docker_url === 'string' ? body.docker_url : '';
  const host = options.registryHost ?? hostOfReference(dockerUrl) ?? 'quay.io';
  const repository = body.repository;
  return uniqueCandidates(tags.map((tag) => candidate(host, repository, tag)));
}
