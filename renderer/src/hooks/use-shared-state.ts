import { useSyncExternalStore } from 'react';

export interface SharedState<T> {
  get: () => T;
  set: (value: T) => void;
  subscribe: (listener: () => void) => () => void;
}

/** A value shared by every component that reads it, such as the dataset chosen on one page and kept on the next. */
export function createSharedState<T>(initial: T): SharedState<T> {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set: (next) => {
      value = next;
      for (const listener of listeners) listener();
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function useSharedState<T>(state: SharedState<T>): [T, (value: T) => void] {
  return [useSyncExternalStore(state.subscribe, state.get), state.set];
}
