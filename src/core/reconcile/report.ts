/**
 * The versioned report a cluster's reporter sends to `POST /api/courier/reports`. The schema is
 * the contract between reporter and app; bump `version` for any incompatible change.
 */
import { z } from 'zod';

/** The four states a Flux object can be in for one commit (issue 4, item 2). */
export const reconcileStates = ['pending', 'in_progress', 'success', 'failure'] as const;

/** Where the object's configuration comes from (a Git repository). */
export const reportSourceSchema = z.strictObject({
  url: z.string().min(1),
  host: z.string().min(1),
  owner: z.string().min(1),
  repo: z.string().min(1),
});

/** One Kustomization or HelmRelease as interpreted by the reporter. */
export const reportObjectSchema = z.strictObject({
  kind: z.enum(['Kustomization', 'HelmRelease']),
  apiVersion: z.string().min(1),
  namespace: z.string().min(1),
  name: z.string().min(1),
  source: reportSourceSchema,
  revision: z.strictObject({
    /** Flux's last applied revision as written (a chart version for HelmReleases). */
    applied: z.string().optional(),
    /** The revision being worked on or fetched and waiting. */
    attempting: z.string().optional(),
    /** The Git commit this object's state is about. */
    sha: z
      .string()
      .regex(/^[0-9a-f]{40}$/)
      .optional(),
  }),
  state: z.enum(reconcileStates),
  reason: z.string().optional(),
  message: z.string().optional(),
  failing: z.array(z.string()).optional(),
  lastTransitionTime: z.string().optional(),
});

/** A whole report: every object sent in one request. */
export const reportSchema = z.strictObject({
  version: z.literal(1),
  cluster: z.string().min(1),
  /** ISO 8601 time the reporter built the report. */
  sentAt: z.string().min(1),
  objects: z.array(reportObjectSchema),
});

export type ReconcileState = (typeof reconcileStates)[number];
export type ReportSource = z.infer<typeof reportSourceSchema>;
export type ReportObject = z.infer<typeof reportObjectSchema>;
export type Report = z.infer<typeof reportSchema>;
