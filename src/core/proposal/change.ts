/**
 * The record every job's planner returns beside its edits: one entry per edited value, and the
 * warnings that did not stop the run. PR bodies, commit messages, logs and metrics are rendered from
 * these. Each job extends `Change` with its own fields (`ImageChange` in image-update/).
 */

/** Identity of the YAML document (Kubernetes object) that holds a change; fields absent when unknown. */
export interface ObjectRef {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
}

/** One edited value, whatever the job. */
export interface Change {
  /** Repo-relative POSIX path. */
  file: string;
  /** 1-based line of the edited value; 0 when the change is the whole file (created or deleted). */
  line: number;
  object: ObjectRef | null;
  /** Dotted YAML path of the edited scalar, e.g. `spec.template.spec.containers[0].image`; empty for a whole file. */
  field: string;
  old: string;
  new: string;
  /** Which kind of reference or file the change edited; each job names its own (`ImageChangeReason`…). */
  reason: string;
  /** Why this particular value was chosen (policy, never-downgrade rule…), one short sentence. */
  why?: string;
}

/** Something the user should see that did not stop the run (skipped file, refused tag, unknown policy). */
export interface Warning {
  code: string;
  message: string;
  file?: string;
  line?: number;
  field?: string;
}
