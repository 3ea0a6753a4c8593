import { createContext, useContext } from 'react';

export interface NotificationInput {
  title: string;
  message?: string;
  tone: 'success' | 'error' | 'info';
}

export type Notify = (notification: NotificationInput) => void;

export const NotifyContext = createContext<Notify | null>(null);

/** Shows a short message in the corner of the window; errors stay until closed. */
export function useNotify(): Notify {
  const notify = useContext(NotifyContext);
  if (!notify) throw new Error('useNotify needs a NotificationCenter above it in the component tree.');
  return notify;
}
