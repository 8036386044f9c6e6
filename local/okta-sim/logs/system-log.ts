/**
 * The System Log store. Events are kept in persistence order (the order Okta's polling queries follow) in an
 * array whose index is the persistence sequence, so a polling cursor finds its place in O(1). A second array
 * keeps them ordered by `published` for bounded queries; late (backdated) events are inserted into it by binary
 * search, so they show up in polling but can be missed by a bounded window that already passed.
 */
import type { LogEventLike } from '../types.js';

export interface StoredEvent {
  event: LogEventLike;
  /** 1-based persistence sequence. */
  seq: number;
  persistedAt: number;
  publishedMs: number;
  /** Lower-cased JSON of the event, built on first use by a `q` keyword search. */
  text?: string;
}

export class SystemLog {
  private readonly persisted: StoredEvent[] = [];
  private readonly byPublished: StoredEvent[] = [];
  private readonly listeners = new Set<(event: LogEventLike) => void>();

  get size(): number {
    return this.persisted.length;
  }

  /** Appends an event as persisted at `persistedAt`; its `published` may be earlier (a late event). */
  append(event: LogEventLike, persistedAt: number): StoredEvent {
    const last = this.persisted[this.persisted.length - 1];
    const stored: StoredEvent = {
      event,
      seq: this.persisted.length + 1,
      // Persistence time never goes backwards, even when a test sets the clock back.
      persistedAt: last ? Math.max(last.persistedAt, persistedAt) : persistedAt,
      publishedMs: Date.parse(event.published),
    };
    this.persisted.push(stored);
    const position = this.publishedInsertionPoint(stored.publishedMs, stored.seq);
    if (position === this.byPublished.length) this.byPublished.push(stored);
    else this.byPublished.splice(position, 0, stored);
    for (const listener of this.listeners) listener(event);
    return stored;
  }

  onAppend(listener: (event: LogEventLike) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events in persistence order (read-only view). */
  inPersistenceOrder(): readonly StoredEvent[] {
    return this.persisted;
  }

  /** Events ordered by (published, seq) (read-only view). */
  inPublishedOrder(): readonly StoredEvent[] {
    return this.byPublished;
  }

  /** Index in persistence order of the first event persisted at or after `epochMs`. */
  firstPersistedAtOrAfter(epochMs: number): number {
    let low = 0;
    let high = this.persisted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.persisted[middle] as StoredEvent).persistedAt < epochMs) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Index in published order of the first event after (publishedMs, seq); seq 0 means "at publishedMs". */
  publishedInsertionPoint(publishedMs: number, seq: number): number {
    let low = 0;
    let high = this.byPublished.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const item = this.byPublished[middle] as StoredEvent;
      if (item.publishedMs < publishedMs || (item.publishedMs === publishedMs && item.seq < seq)) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
