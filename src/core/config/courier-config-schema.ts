/**
 * The strict schema of `.github/courier.yml`. Every field is documented here once: the JSON Schema in
 * `schema/` and the README's reference are generated from these `.describe()` texts.
 */
import picomatch from 'picomatch';
import { z } from 'zod';
import { tryParseImageRef } from '../image-update/image-ref.ts';
import { DURATION_PATTERN } from './parse-duration.ts';

const duration = (what: string) =>
  z.string().regex(DURATION_PATTERN, 'must be a duration like "30s", "5m" or "1h30m" (units ms, s, m, h, d)').describe(what);

/** picomatch compiles a glob it cannot understand to a regex that matches nothing. */
function isValidGlob(glob: string): boolean {
  return String(picomatch.makeRe(glob, { dot: true })) !== String(/$^/);
}

const glob = z
  .string()
  .min(1)
  .refine((g) => !g.startsWith('/') && !g.startsWith('./') && !g.includes('\\'), {
    message: 'must be a repo-relative POSIX glob without a leading "/" or "./" (e.g. "clusters/prod/**")',
  })
  .refine((g) => !g.split('/').includes('..'), { message: 'must not contain ".." segments' })
  .refine(isValidGlob, { message: 'is not a valid glob (check brackets and braces)' })
  .describe('A glob (picomatch syntax, dot files included) of repo-relative paths.');

const imageRepository = z
  .string()
  .refine((r) => {
    const ref = tryParseImageRef(r);
    return ref !== undefined && ref.tag === undefined && ref.digest === undefined;
  }, { message: 'must be an image repository without tag or digest, e.g. "ghcr.io/acme/app"' })
  .describe('Image repository without tag or digest, e.g. `ghcr.io/acme/app` or `nginx` (Docker Hub names are normalised).');

const order = z.enum(['asc', 'desc']).describe('Sort order; `asc` (the default) selects the highest value.');

/** Mirrors Flux's ImagePolicy `spec.policy`: exactly one of semver, alphabetical, numerical. */
export const policySchema = z
  .strictObject({
    semver: z
      .strictObject({ range: z.string().min(1).describe('Semver range, Masterminds syntax (e.g. `>=1.0.0 <2.0.0`, `^1.x`).') })
      .optional()
      .describe('Select the highest tag in a semver range.'),
    alphabetical: z.strictObject({ order: order.optional() }).optional().describe('Select the last tag in alphabetical order.'),
    numerical: z.strictObject({ order: order.optional() }).optional().describe('Select the highest tag read as a number.'),
  })
  .refine((p) => [p.semver, p.alphabetical, p.numerical].filter((x) => x !== undefined).length === 1, {
    message: 'set exactly one of semver, alphabetical or numerical',
  })
  .describe('Tag policy with Flux ImagePolicy semantics (exactly one of `semver`, `alphabetical`, `numerical`).');

const filterTags = z
  .strictObject({
    pattern: z.string().optional().describe('Regular expression (Go RE2 syntax, as in Flux) a tag must match.'),
    extract: z.string().optional().describe('Replacement (e.g. `$ts`) whose result the policy orders instead of the tag.'),
  })
  .describe('Flux `filterTags`: filter tags by pattern and extract the part the policy compares.');

const environment = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9._-]{0,61}[a-z0-9])?$/, 'must be lowercase letters, digits, ".", "_" or "-" (at most 63, used in branch names)')
      .describe('Environment name, used in branch names, labels and check names.'),
    clusters: z
      .array(z.string().min(1))
      .default([])
      .describe('Cluster names as the in-cluster reporters send them; a cluster belongs to one environment only.'),
    paths: z.array(glob).min(1).describe('Globs of the repo files that belong to this environment.'),
    autoMerge: z.boolean().default(false).describe('Enable GitHub auto-merge on pull requests for this environment.'),
    gates: z
      .strictObject({
        soak: duration('How long every cluster must stay healthy before promotion to the next environment.').optional(),
        approval: z.boolean().default(false).describe('Require an approving review before promotion to the next environment.'),
      })
      .default({ approval: false })
      .describe('Conditions a change must meet here before it is promoted to the next environment.'),
    windows: z
      .array(
        z.strictObject({
          days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).min(1).describe('Days of the week the window is open.'),
          start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24h)').describe('Local time the window opens, `HH:MM`.'),
          end: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'must be HH:MM (24h, 24:00 allowed)').describe('Local time the window closes, `HH:MM` (exclusive).'),
          timeZone: z
            .string()
            .refine((tz) => {
              try {
                new Intl.DateTimeFormat('en-US', { timeZone: tz });
                return true;
              } catch {
                return false;
              }
            }, 'must be an IANA time zone such as "Europe/Berlin"')
            .default('UTC')
            .describe('IANA time zone of `start` and `end`.'),
        }),
      )
      .default([])
      .describe('Change windows: promotions into this environment open only inside one of them (none = always open).'),
    rollback: z
      .enum(['auto', 'manual'])
      .default('manual')
      .describe('When a cluster here fails on a change: `auto` opens a PR returning this environment to its last all-green versions and freezes promotions out of it; `manual` waits for `/courier rollback`.'),
  })
  .describe('One environment, in promotion order.');

const image = z
  .strictObject({
    repository: imageRepository,
    policy: policySchema.optional(),
    filterTags: filterTags.optional(),
    exclusionList: z.array(z.string()).optional().describe('Regular expressions of tags never to select (Flux ImageRepository `exclusionList`).'),
    source: z
      .strictObject({
        repository: z
          .string()
          .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be "owner/repo"')
          .describe('GitHub repository as `owner/repo`.'),
      })
      .optional()
      .describe('GitHub repository whose published releases are releases of this image.'),
    poll: z
      .boolean()
      .optional()
      .describe(
        'Whether the resync looks up this image\'s newest tag in its registry, the safety net for lost webhooks and crashes: on unless `false`. Set `false` for a registry Courier cannot or should not query.',
      ),
  })
  .describe('An image Courier updates, with its tag policy.');

const sopsSettings = z
  .strictObject({
    keySecrets: z
      .array(
        z.strictObject({
          path: glob.describe('Glob of the SOPS-encrypted Flux key Secret manifests, e.g. `clusters/*/flux-system/sops-age.enc.yaml`.'),
          key: z
            .string()
            .regex(/^[-._a-zA-Z0-9]+$/, 'must be a Secret data key such as "age.agekey"')
            .default('age.agekey')
            .describe('Entry of the Secret (`stringData`, or base64 `data`) holding the age identities; Flux reads every `*.agekey` entry.'),
        }),
      )
      .default([])
      .describe('Flux decryption Secrets whose age keys `rotate-keys` replaces; clusters with separate keys keep separate keys.'),
    maxKeyAge: duration('Age after which a scheduled rotation starts (e.g. "90d"); unset means rotate only on request.').optional(),
  })
  .default({ keySecrets: [] })
  .describe('SOPS key rotation and the secrets check.');

const folderPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.startsWith('./') && !p.endsWith('/') && !p.includes('\\') && !p.split('/').includes('..') && !/[*?[\]{}]/.test(p), {
    message: 'must be a repo-relative folder without glob characters, a leading "/" or "./", a trailing "/" or ".." (e.g. "overlays/dev/foo")',
  });

/** Files a folder sync never copies by default: encrypted and per-environment patch files. */
export const DEFAULT_SYNC_EXCLUDE = ['*.enc.yaml', '*.enc.yml', '*.sops.yaml', '*.sops.yml', '*-patch.yaml', '*-patch.yml', '*.patch.yaml', '*.patch.yml'];

const promotionSettings = z
  .strictObject({
    folders: z
      .array(
        z.strictObject({
          from: folderPath.describe('Folder of an environment whose files are promoted (e.g. `overlays/dev/foo`).'),
          to: folderPath.describe('Folder of the next environment that receives them (e.g. `overlays/prod/foo`).'),
          exclude: z
            .array(glob)
            .default(DEFAULT_SYNC_EXCLUDE)
            .describe('Globs (relative to the folders; a glob without "/" matches a file name anywhere) of per-environment files kept on both sides. Replaces the default list, which keeps SOPS-encrypted and `*-patch` files.'),
        }),
      )
      .default([])
      .describe('Whole folders promoted file by file, opt-in per component: changed and new files are copied, files deleted in `from` are deleted in `to`, excluded files are kept. An environment\'s own overlay root is never synced.'),
  })
  .default({ folders: [] })
  .describe('How promotions carry more than versions.');

const rolloutSettings = z
  .strictObject({
    naming: z
      .string()
      .regex(/^[a-z0-9._-]*\{app\}[a-z0-9._-]*\{n\}[a-z0-9._-]*$/, 'must hold "{app}" then "{n}" and otherwise only lowercase letters, digits, ".", "_" or "-" (e.g. "{app}-v{n}")')
      .default('{app}-v{n}')
      .describe('Name of the versioned copy of an app folder made by `stage`, beside the folder: `{app}` is the folder\'s name without its version, `{n}` the next version (2 for the first copy).'),
    order: z
      .array(z.string().min(1))
      .optional()
      .describe('Clusters in the order a staged rollout switches them. Default: environment order, then the order of `clusters` in each environment; clusters not listed here come after the listed ones, in that default order.'),
  })
  .default({ naming: '{app}-v{n}' })
  .describe('Staged rollouts of a shared app folder, one cluster at a time.');

/** The whole `.github/courier.yml`. */
export const courierConfigSchema = z
  .strictObject({
    _extends: z.string().optional().describe('Probot config inheritance: `repo` or `owner/repo[:path]` whose config this one extends.'),
    environments: z.array(environment).min(1).describe('Environments in promotion order: the first receives new images.'),
    images: z.array(image).default([]).describe('Images Courier manages, with policies that override the repository manifests.'),
    imagePolicies: z
      .strictObject({
        fromRepository: z
          .boolean()
          .default(true)
          .describe('Use the Flux `ImagePolicy`/`ImageRepository` manifests committed in the repository as policies.'),
      })
      .default({ fromRepository: true })
      .describe('Where image policies come from besides `images`.'),
    pullRequests: z
      .strictObject({
        labels: z.array(z.string().min(1)).default([]).describe('Labels added to every Courier pull request.'),
        reviewers: z.array(z.string().min(1)).default([]).describe('Users asked to review every Courier pull request.'),
        teamReviewers: z.array(z.string().min(1)).default([]).describe('Team slugs asked to review every Courier pull request.'),
        groupWindow: duration('Group commit: releases arriving while a write for the repository is in flight go out together in its next write, which starts when that write ends or after this long at the latest. A release for a quiet repository starts at once.').default('10s'),
        supersede: z
          .enum(['update', 'close'])
          .default('update')
          .describe('What a newer release does to the open PR for the same image and environment: `update` it in place, or `close` it with a link to the new one.'),
        templates: z
          .string()
          .min(1)
          .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), { message: 'must be a repo-relative folder' })
          .optional()
          .describe('Repo folder whose `*.hbs` files override the built-in templates.'),
      })
      .default({ labels: [], reviewers: [], teamReviewers: [], groupWindow: '10s', supersede: 'update' })
      .describe('How Courier opens pull requests.'),
    sops: sopsSettings,
    promotion: promotionSettings,
    rollout: rolloutSettings,
    polling: z
      .strictObject({
        interval: duration(
          'Least time between two resyncs of this repository (registry look-ups of the listed images, and every job planned again). The App looks at each repository every `COURIER_RESYNC_INTERVAL` (10m by default), which is the floor.',
        ).default('10m'),
      })
      .default({ interval: '10m' })
      .describe('Level-triggered safety net.'),
  })
  .superRefine((config, ctx) => {
    const envs = new Map<string, number>();
    const clusters = new Map<string, string>();
    config.environments.forEach((env, i) => {
      if (env.name === 'gate' || env.name === 'rollout') {
        ctx.addIssue({ code: 'custom', path: ['environments', i, 'name'], message: `"${env.name}" is reserved: Courier's own check runs are named courier/gate/<environment> and courier/rollout/<app>` });
      }
      if (envs.has(env.name)) {
        ctx.addIssue({ code: 'custom', path: ['environments', i, 'name'], message: `duplicate environment "${env.name}" (also environments[${envs.get(env.name)}])` });
      }
      envs.set(env.name, i);
      env.clusters.forEach((cluster, j) => {
        const owner = clusters.get(cluster);
        if (owner !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['environments', i, 'clusters', j], message: `cluster "${cluster}" is already in environment "${owner}"` });
        }
        clusters.set(cluster, env.name);
      });
    });
    config.rollout.order?.forEach((cluster, i) => {
      if (!clusters.has(cluster)) ctx.addIssue({ code: 'custom', path: ['rollout', 'order', i], message: `unknown cluster "${cluster}": list it in environments[].clusters first` });
    });
    const images = new Map<string, number>();
    config.images.forEach((img, i) => {
      const repo = tryParseImageRef(img.repository)?.repository ?? img.repository;
      if (images.has(repo)) ctx.addIssue({ code: 'custom', path: ['images', i, 'repository'], message: `duplicate image "${repo}" (also images[${images.get(repo)}])` });
      images.set(repo, i);
    });
  })
  .describe('Courier configuration (`.github/courier.yml`).');

/** A validated configuration with every default filled in. */
export type CourierConfig = z.output<typeof courierConfigSchema>;
/** One environment of a validated configuration. */
export type EnvironmentConfig = CourierConfig['environments'][number];
/** One image of a validated configuration. */
export type ImageConfig = CourierConfig['images'][number];
