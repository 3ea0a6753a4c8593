import type { ApiEventName, ApiEventPayload } from './contract';

type Listener = (event: ApiEventName, payload: unknown) => void;

/** Fans progress events out to every open door: IPC windows, WebSocket clients, the CLI. */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit<E extends ApiEventName>(event: E, payload: ApiEventPayload<E>): void {
    for (const listener of this.listeners) listener(event, payload);
  }

  /** Returns a function that removes the listener. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
