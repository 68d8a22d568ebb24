/**
 * Docker Hub repository webhooks: one push per call, `push_data.tag` and `repository.repo_name`.
 * https://docs.docker.com/docker-hub/repos/manage/webhooks/
 */
import {
  type NotificationHeaders,
  type ParseOptions,
  type ReleaseCandidate,
  NotificationShapeError,
  candidate,
  isRecord,
  uniqueCandidates,
} from '../notification-parser.ts';

/** The pushed tag of a Docker Hub webhook (no digest in the payload). */
export function parse(body: unknown, _headers: NotificationHeaders, options: ParseOptions = {}): ReleaseCandidate[] {
  if (!isRecord(body) || !isRecord(body.push_data) || !isRecord(body.repository)) {
    throw new NotificationShapeError('dockerhub', 'expected {"push_data": {…}, "repository": {…}}');
  }
  const name = body.repository.repo_name;
  if (typeof name !== 'string') throw new NotificationShapeError('dockerhub', 'repository.repo_name is missing');
  return uniqueCandidates([candidate(options.registryHost ?? 'docker.io', name, body.push_data.tag)]);
}
