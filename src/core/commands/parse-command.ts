/**
 * `/courier …` commands in issue and pull-request comments. A command is a line of its own that starts
 * with `/courier`; lines in fenced code blocks and quoted lines (`> /courier …`, a reply quoting someone)
 * are not commands. Parsing is a split on whitespace: linear, no pattern from the comment is compiled.
 */

/** A parsed command. */
export type CourierCommand =
  | { verb: 'promote'; environment: string }
  | { verb: 'hold'; subject: string }
  | { verb: 'release'; subject: string; version?: string }
  | { verb: 'rollback'; target: string }
  | { verb: 'plan' }
  | { verb: 'rollout'; action: 'pause' | 'resume' | 'abort'; app: string }
  | { verb: 'stage'; app?: string }
  | { verb: 'rotate-keys' }
  | { verb: 'help' };

/** A `/courier` line that is not a valid command, with what to write instead. */
export interface CommandError {
  verb: 'invalid';
  line: string;
  error: string;
}

/** How to use each command, for `help` and error replies. */
export const COMMAND_USAGE = [
  '`/courier promote <environment>`: evaluate the promotion into an environment now',
  '`/courier hold <environment|image>`: stop promotions into an environment, or of an image',
  '`/courier release <environment|image[:tag]>`: lift a hold, or a rejection of an image (one tag, or all)',
  '`/courier rollback <environment|cluster>`: return an environment (or a rollout\'s cluster) to its last healthy state',
  '`/courier plan`: what Courier would do now, as a comment',
  '`/courier rollout pause|resume|abort <app>`: steer a staged rollout',
  '`/courier stage [app]`: (on a pull request) turn its change of a shared app folder into a staged rollout',
  '`/courier rotate-keys`: start a SOPS age key rotation',
  '`/courier help`: this list',
];

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** An environment or an image repository (registry, port, path): what a hold or release may name. */
const SUBJECT = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,254}$/;
/** An image repository with an optional tag: the tag is what follows the last `:` after the last `/`. */
function splitTag(value: string): { subject: string; version?: string } {
  const slash = value.lastIndexOf('/');
  const colon = value.lastIndexOf(':');
  return colon > slash && colon > 0 ? { subject: value.slice(0, colon), version: value.slice(colon + 1) } : { subject: value };
}

/** Parses one `/courier …` line (without the leading `/courier`). */
function parseOne(line: string, args: string[]): CourierCommand | CommandError {
  const invalid = (error: string): CommandError => ({ verb: 'invalid', line, error });
  const [verb, ...rest] = args;
  const one = (what: string): string | CommandError => {
    if (rest.length !== 1) return invalid(`\`/courier ${verb}\` takes one ${what}`);
    return rest[0]!;
  };
  switch (verb) {
    case undefined:
    case 'help':
      return { verb: 'help' };
    case 'stage':
      if (rest.length > 1) return invalid('use `/courier stage` or `/courier stage <app>`');
      if (rest.length === 1 && !NAME.test(rest[0]!)) return invalid(`"${rest[0]}" is not an app name`);
      return rest.length === 1 ? { verb, app: rest[0]! } : { verb };
    case 'plan':
    case 'rotate-keys':
      return rest.length === 0 ? { verb } : invalid(`\`/courier ${verb}\` takes no argument`);
    case 'promote': {
      const env = one('environment name');
      if (typeof env !== 'string') return env;
      return NAME.test(env) ? { verb, environment: env } : invalid(`"${env}" is not an environment name`);
    }
    case 'hold': {
      const subject = one('environment or image');
      if (typeof subject !== 'string') return subject;
      return SUBJECT.test(subject) ? { verb, subject } : invalid('name an environment or an image repository (letters, digits and . _ : / @ + -)');
    }
    case 'release': {
      const value = one('environment or image[:tag]');
      if (typeof value !== 'string') return value;
      if (!SUBJECT.test(value)) return invalid('name an environment, or an image repository with an optional :tag (letters, digits and . _ : / @ + -)');
      const { subject, version } = splitTag(value);
      return version !== undefined ? { verb, subject, version } : { verb, subject };
    }
    case 'rollback': {
      const target = one('environment or cluster');
      if (typeof target !== 'string') return target;
      return NAME.test(target) ? { verb, target } : invalid(`"${target}" is not an environment or cluster name`);
    }
    case 'rollout': {
      const [action, app, ...extra] = rest;
      if ((action !== 'pause' && action !== 'resume' && action !== 'abort') || !app || extra.length > 0) return invalid('use `/courier rollout pause|resume|abort <app>`');
      return NAME.test(app) ? { verb, action, app } : invalid(`"${app}" is not an app name`);
    }
    default:
      return invalid(`unknown command "${verb}"`);
  }
}

/** The commands of a comment body, in order (at most `limit`; the rest are ignored). */
export function parseCommands(body: string, limit = 5): Array<CourierCommand | CommandError> {
  const out: Array<CourierCommand | CommandError> = [];
  let fence: string | undefined;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    const fenceMark = /^(`{3,}|~{3,})/.exec(line)?.[1];
    if (fenceMark) {
      if (fence === undefined) fence = fenceMark[0];
      else if (fenceMark[0] === fence) fence = undefined;
      continue;
    }
    if (fence !== undefined || line.startsWith('>')) continue;
    const args = line.split(/\s+/);
    if (args[0] !== '/courier') continue;
    out.push(parseOne(line, args.slice(1)));
    if (out.length >= limit) break;
  }
  return out;
}
