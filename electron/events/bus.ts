import {
  resolveAudience, type Audience, type AudienceArgs, type BusEventName, type EventPayload,
} from '../../shared/contract';
import type { Logger } from '../log';

/** One event as it travels: name, payload and the audience it was declared for (all plain data). */
export type BusEvent = { [E in BusEventName]: { name: E; payload: EventPayload<E>; audience: Audience } }[BusEventName];

/**
 * What a service is given to tell others something changed. Call it after the write committed;
 * the audience is the contract's rule for the event (see shared/contract/event-audience.ts): omitted
 * when the payload decides it, required when the publisher knows who.
 */
export interface EventPublisher {
  publish<E extends BusEventName>(name: E, payload: EventPayload<E>, ...audience: AudienceArgs<E>): void;
}

/** The port: publishers on one side, the hub (and anyone else) subscribed on the other. */
export interface EventBus extends EventPublisher {
  /** Every event published on the bus, this process's and (on a shared store) the others'. Returns the unsubscribe. */
  subscribe(handler: (event: BusEvent) => void): () => void;
  close(): Promise<void>;
}

/** Builds the travelling event, applying the contract's audience rule; throws for a missing audience. */
export function busEvent<E extends BusEventName>(name: E, payload: EventPayload<E>, given: Audience | undefined): BusEvent {
  return { name, payload, audience: resolveAudience(name, payload, given) } as BusEvent;
}

/** Calls each handler; one that throws is logged and does not keep the event from the others. */
export class Subscribers {
  private readonly handlers = new Set<(event: BusEvent) => void>();

  constructor(private readonly log: Logger) {}

  add(handler: (event: BusEvent) => void): () => void {
    this.handlers.add(handler);
    return () => { this.handlers.delete(handler); };
  }

  deliver(event: BusEvent): void {
    for (const h of [...this.handlers]) {
      try {
        h(event);
      } catch (e) {
        this.log.error('event subscriber failed', { event: event.name, error: (e as Error).stack ?? String(e) });
      }
    }
  }
}

/**
 * The single-seat bus (SQLite store, one process): an event reaches the subscribers at once, in the
 * publisher's call, in publish order.
 */
export class InProcessEventBus implements EventBus {
  private readonly subscribers: Subscribers;
  private closed = false;

  constructor(log: Logger) {
    this.subscribers = new Subscribers(log);
  }

  publish<E extends BusEventName>(name: E, payload: EventPayload<E>, ...audience: AudienceArgs<E>): void {
    if (this.closed) return;
    this.subscribers.deliver(busEvent(name, payload, audience[0]));
  }

  subscribe(handler: (event: BusEvent) => void): () => void {
    return this.subscribers.add(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
