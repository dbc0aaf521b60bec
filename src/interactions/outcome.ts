/**
 * Every outcome an interaction can have, as one union: the pipeline's own (refusals, errors) and
 * the ones a command returns. The metrics labels (metrics.ts) and the words for a clear's outcome
 * (replies.ts) are tables over these types checked with `satisfies`, so an outcome added here, or
 * a clear outcome added to the core, fails the type check until both tables name it.
 */
import type { ClearAttempt } from '../core/clearing.js';
import type { ClearOutcome } from '../core/sdapi.js';

/** What the API answered a clear (also what /apikey status and /audit show of the last one). */
export type ClearOutcomeKind = ClearOutcome['kind'];

/** A /clearcache attempt that never reached the API. */
export type ClearRefusalKind = Exclude<ClearAttempt['kind'], 'done'>;

/** What a command may return as its outcome. */
/** `key-refused`: the API refused a key, which was not kept; `key-unchecked`: kept, but the API could not check it. */
export type CommandOutcome =
  | 'ok'
  | 'invalid-input'
  | 'store-error'
  | 'key-refused'
  | 'key-unchecked'
  | ClearRefusalKind
  | ClearOutcomeKind;

/** What the pipeline decides before or around a command: refusals and classified errors. */
/** `form-opened`: a modal was the answer; `not-understood`: a form or component the bot does not own. */
export type PipelineOutcome =
  | 'form-opened'
  | 'not-understood'
  | 'refused'
  | 'cooldown'
  | 'dm'
  | 'unknown-command'
  | 'invalid-input'
  | 'store-error'
  | 'damaged-record'
  | 'error';

/** One word for an interaction's log line and its metrics label. */
export type Outcome = CommandOutcome | PipelineOutcome;
