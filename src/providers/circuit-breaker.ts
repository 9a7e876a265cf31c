import type { CircuitState } from '../domain/providers.js';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one trial call is let through. */
  openMs: number;
  now: () => number;
  /** Called on every state change, e.g. to update the circuit-state gauge. */
  onTransition: (state: CircuitState) => void;
}

/** The breaker's answer to "may I send?": yes, or no with how long the caller should wait. */
export type Admission = { allowed: true } | { allowed: false; retryAfterMs: number; trialRunning: boolean };

/**
 * A consecutive-failure circuit breaker for one provider. While a provider is down, every call would wait for its
 * own timeout and pile up connections; opening the circuit makes callers fail fast (with a retry hint) and gives
 * the provider room to recover. After `openMs` exactly one trial call is let through: its success closes the
 * circuit, its failure opens it again for another `openMs`.
 *
 * The caller reports each admitted call with `recordSuccess` or `recordFailure` (or `release` when it produced no
 * verdict), so a half-open trial slot is always given back.
 */
export class CircuitBreaker {
  private current: CircuitState = 'CLOSED';
  private consecutiveFailures = 0;
  private openedAt = 0;
  private trialRunning = false;

  constructor(private readonly options: CircuitBreakerOptions) {}

  /** Current state; OPEN turns HALF_OPEN lazily, on the first look after `openMs` has passed. */
  get state(): CircuitState {
    if (this.current === 'OPEN' && this.options.now() - this.openedAt >= this.options.openMs) {
      this.transition('HALF_OPEN');
    }
    return this.current;
  }

  /** Asks to send one call. In HALF_OPEN the first caller becomes the trial; others are refused until it ends. */
  admit(): Admission {
    const state = this.state;
    if (state === 'CLOSED') return { allowed: true };
    if (state === 'HALF_OPEN' && !this.trialRunning) {
      this.trialRunning = true;
      return { allowed: true };
    }
    if (state === 'HALF_OPEN') return { allowed: false, retryAfterMs: 0, trialRunning: true };
    const retryAfterMs = Math.max(0, this.openedAt + this.options.openMs - this.options.now());
    return { allowed: false, retryAfterMs, trialRunning: false };
  }

  /** The provider answered normally (anything that is not an outage, 4xx included). */
  recordSuccess(): void {
    this.consecutiveFailures = 0;
    this.trialRunning = false;
    if (this.current !== 'CLOSED') this.transition('CLOSED');
  }

  /** The provider failed (network error, timeout, 5xx). */
  recordFailure(): void {
    this.trialRunning = false;
    this.consecutiveFailures += 1;
    if (this.current === 'HALF_OPEN' || (this.current === 'CLOSED' && this.consecutiveFailures >= this.options.failureThreshold)) {
      this.openedAt = this.options.now();
      this.transition('OPEN');
    }
  }

  /** Gives back an admission that ended without a verdict (e.g. a bug before anything was sent). */
  release(): void {
    this.trialRunning = false;
  }

  private transition(state: CircuitState): void {
    this.current = state;
    this.options.onTransition(state);
  }
}
