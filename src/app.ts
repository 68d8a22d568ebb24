/**
 * Courier's Probot app: wiring only — each trigger goes to its handler in `src/handlers/`.
 */
import type { ApplicationFunction } from 'probot';
import type { AppDeps } from './app-deps.ts';
import type { CourierMetrics } from './metrics.ts';
import { checkConfigOnPullRequest, checkConfigOnPush } from './handlers/config-check.ts';
import { releaseFromDispatch } from './handlers/dispatch-release.ts';
import { fanOut, handleFixedReleases } from './handlers/image-events.ts';
import { resyncAddedRepositories } from './handlers/installation.ts';
import { releasesFromPackageEvent } from './handlers/package-release.ts';
import type { InstallationCache } from './handlers/installation-cache.ts';
import type { ReleaseBatcher } from './handlers/release-batcher.ts';
import { releasesFromSourceRelease } from './handlers/source-release.ts';
import { promoteOnCheckRun, promoteOnDispatch, promoteOnPush, promoteOnReview } from './handlers/promotion-events.ts';
import { ROTATE_DISPATCH_TYPE, rotateOnDispatch } from './handlers/rotation-events.ts';
import { handleCommentCommands } from './handlers/comment-commands.ts';
import { checkSecretsOnPullRequest } from './handlers/secrets-check-events.ts';

/** The long-lived pieces the app shares with the server. */
export interface AppServices {
  deps: AppDeps;
  metrics: CourierMetrics;
  batcher: ReleaseBatcher;
  cache: InstallationCache;
}

/** Builds the Probot application function. */
export function courierApp(services: AppServices): ApplicationFunction {
  const { deps, metrics, cache } = services;
  return (app) => {
    app.onAny((context) => {
      const action = (context.payload as { action?: unknown }).action;
      metrics.events.inc({ event: context.name, action: typeof action === 'string' ? action : '' });
    });
    app.on(['registry_package.published', 'package.published'], (context) =>
      handleFixedReleases(context, releasesFromPackageEvent(context.payload), services),
    );
    app.on('repository_dispatch', async (context) => {
      if (context.payload.action === 'courier-promote') await promoteOnDispatch(context, deps, cache);
      else if (context.payload.action === ROTATE_DISPATCH_TYPE) await rotateOnDispatch(context, deps, cache);
      else await handleFixedReleases(context, releaseFromDispatch(context.payload), services);
    });
    app.on('release.published', async (context) => {
      await fanOut(context, services, (config) => releasesFromSourceRelease(context.payload, config));
    });
    app.on('push', async (context) => {
      await checkConfigOnPush(context, deps, cache);
      await promoteOnPush(context, deps, cache);
    });
    app.on('check_run.completed', (context) => promoteOnCheckRun(context, deps, cache));
    app.on('issue_comment.created', (context) => handleCommentCommands(context, deps, cache));
    app.on(['pull_request_review.submitted', 'pull_request_review.dismissed'], (context) => promoteOnReview(context, deps, cache));
    app.on(['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened'], async (context) => {
      // The secrets check starts first (it does not hold the webhook); a failing config check cannot stop it.
      await checkSecretsOnPullRequest(context, deps, cache);
      await checkConfigOnPullRequest(context, deps);
    });
    app.on(['installation.created', 'installation_repositories.added'], async (context) => {
      cache.forgetInstallation(context.payload.installation.id);
      await resyncAddedRepositories(context, deps);
    });
    app.on(['installation.deleted', 'installation_repositories.removed'], (context) => {
      cache.forgetInstallation(context.payload.installation.id);
    });
  };
}
