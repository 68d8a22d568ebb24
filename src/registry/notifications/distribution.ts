/**
 * CNCF Distribution notifications (also sent by GitLab's container registry, a Distribution fork):
 * an envelope `{events: [...]}`; a tagged manifest push is `action: push` with `target.tag`.
 * https://distribution.github.io/distribution/about/notifications/
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

/** Tag pushes of a Distribution envelope; pulls, deletes, blob pushes and pushes by digest are ignored. */
export function parse(body: unknown, _headers: NotificationHeaders, options: ParseOptions = {}): ReleaseCandidate[] {
  if (!isRecord(body) || !Array.isArray(body.events)) {
    throw new NotificationShapeError('distribution', 'expected an envelope {"events": [...]}');
  }
  return uniqueCandidates(
    body.events.map((event: unknown) => {
      if (!isRecord(event) || event.action !== 'push' || !isRecord(event.target)) return undefined;
      const { target } = event;
      const mediaType = typeof target.mediaType === 'string' ? target.mediaType : '';
      if (mediaType && !/manifest|index/.test(mediaType)) return undefined;
      const host = options.registryHost ?? (isRecord(event.request) ? event.request.host : undefined);
      if (typeof host !== 'string' || typeof target.repository !== 'string') return undefined;
      return candidate(host, target.repository, target.tag, target.digest);
    }),
  );
}
