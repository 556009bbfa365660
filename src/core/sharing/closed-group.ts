import { z } from 'zod';
import { instantMs } from '../declaration/validation.ts';
import { validUntilMs } from '../rules/compile-criteria.ts';
import type { AlertFeedback } from './alert.ts';
import { SEIZURE_CATEGORIES, type SeizureCategory } from './seizure.ts';
import { instant, objectId, type ParseResult, parseWith, partyName, text } from './shared-fields.ts';

/**
 * A closed user group for a joint operation (WCO CENcomm): a fixed set of member
 * administrations, a time window, and alerts, messages and seizure reports that only members
 * see. At the end, a summary: hits and seizures by category.
 */

export const ClosedGroupSchema = z
  .strictObject({
    id: objectId,
    /** Operation name, e.g. "Operation STOP III". */
    name: text(200),
    /** The administration that runs the operation; always a member. */
    coordinator: partyName,
    members: z.array(partyName).min(1, 'must list at least one member').max(200),
    from: instant,
    /** Last instant of the operation (a date alone: the whole day). */
    until: instant,
    purpose: text(2000).optional(),
  })
  .superRefine((g, ctx) => {
    if (new Set(g.members).size !== g.members.length) {
      ctx.addIssue({ code: 'custom', path: ['members'], message: 'lists a member twice' });
    }
    if (!g.members.includes(g.coordinator)) {
      ctx.addIssue({
        code: 'custom',
        path: ['members'],
        message: `must include the coordinator ${g.coordinator}`,
      });
    }
    if (instantMs(g.from) > validUntilMs(g.until)) {
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'until must not be before from' });
    }
  });
export type ClosedGroup = z.output<typeof ClosedGroupSchema>;

export function parseClosedGroup(input: unknown): ParseResult<ClosedGroup> {
  return parseWith(ClosedGroupSchema, input);
}

/** Something posted to a group. */
export interface GroupPost {
  kind: 'alert' | 'message' | 'seizure';
  /** The member that posted it. */
  by: string;
  /** Epoch ms it was posted. */
  at: number;
}

export type GroupDecision = { allowed: true } | { allowed: false; reason: string };

export function isMember(group: ClosedGroup, administration: string): boolean {
  return group.members.includes(administration);
}

/** Is the operation running at `now` (epoch ms)? */
export function isOpen(group: ClosedGroup, now: number): boolean {
  return now >= instantMs(group.from) && now <= validUntilMs(group.until);
}

/** Members see the group and everything posted to it, during the operation and after; nobody else ever does. */
export function mayViewGroup(group: ClosedGroup, administration: string): GroupDecision {
  return isMember(group, administration)
    ? { allowed: true }
    : { allowed: false, reason: `${administration} is not a member of group ${group.id}` };
}

/** Members post while the operation runs. */
export function mayPostToGroup(group: ClosedGroup, administration: string, now: number): GroupDecision {
  const view = mayViewGroup(group, administration);
  if (!view.allowed) return view;
  if (!isOpen(group, now)) {
    return {
      allowed: false,
      reason: `group ${group.id} runs from ${group.from} until ${group.until}: not open at ${new Date(now).toISOString()}`,
    };
  }
  return { allowed: true };
}

/** A seizure reported to the group: who reported it, when, and what category. */
export interface GroupSeizure extends GroupPost {
  kind: 'seizure';
  category: SeizureCategory;
  /** Value of the seizure, when estimated, by currency. */
  estimatedValue?: { amount: number; currency: string };
}

export interface OperationSummary {
  groupId: string;
  name: string;
  from: string;
  until: string;
  members: number;
  alerts: number;
  messages: number;
  /** Feedback with outcome hit, discrepancy or seizure on the group's alerts. */
  hits: number;
  hitsByMember: Record<string, number>;
  seizures: number;
  seizuresByCategory: Record<SeizureCategory, number>;
  /** Estimated value of the seizures, per currency (amounts in different currencies are not added). */
  seizedValue: Record<string, number>;
  /** Posts outside the window or by non-members, left out of the figures (a sign of a bug upstream). */
  ignored: number;
}

const HIT_OUTCOMES: ReadonlySet<AlertFeedback['outcome']> = new Set(['hit', 'discrepancy', 'seizure']);

/**
 * The end-of-operation summary, a pure aggregation: what members posted during the window, the
 * hits reported on the group's alerts, seizures by category. Posts by non-members or outside the
 * window do not count.
 */
export function operationSummary(
  group: ClosedGroup,
  posts: ReadonlyArray<GroupPost | GroupSeizure>,
  feedback: ReadonlyArray<Pick<AlertFeedback, 'alertId' | 'from' | 'outcome' | 'at'>>,
  groupAlertIds: ReadonlySet<string>,
): OperationSummary {
  const seizuresByCategory = Object.fromEntries(SEIZURE_CATEGORIES.map((c) => [c, 0])) as Record<
    SeizureCategory,
    number
  >;
  const counts = { alerts: 0, messages: 0, seizures: 0, ignored: 0 };
  const seizedValue: Record<string, number> = {};
  const counted = (who: string, at: number) => isMember(group, who) && isOpen(group, at);
  for (const post of posts) {
    if (!counted(post.by, post.at)) {
      counts.ignored += 1;
      continue;
    }
    if (post.kind === 'alert') counts.alerts += 1;
    else if (post.kind === 'message') counts.messages += 1;
    else {
      const seizure = post as GroupSeizure;
      counts.seizures += 1;
      seizuresByCategory[seizure.category] += 1;
      if (seizure.estimatedValue) {
        const { currency, amount } = seizure.estimatedValue;
        seizedValue[currency] = (seizedValue[currency] ?? 0) + amount;
      }
    }
  }
  const hitsByMember: Record<string, number> = {};
  let hits = 0;
  for (const f of feedback) {
    if (!groupAlertIds.has(f.alertId) || !HIT_OUTCOMES.has(f.outcome)) continue;
    if (!counted(f.from, instantMs(f.at))) {
      counts.ignored += 1;
      continue;
    }
    hits += 1;
    hitsByMember[f.from] = (hitsByMember[f.from] ?? 0) + 1;
  }
  return {
    groupId: group.id,
    name: group.name,
    from: group.from,
    until: group.until,
    members: group.members.length,
    alerts: counts.alerts,
    messages: counts.messages,
    hits,
    hitsByMember,
    seizures: counts.seizures,
    seizuresByCategory,
    seizedValue,
    ignored: counts.ignored,
  };
}
