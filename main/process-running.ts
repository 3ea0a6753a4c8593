/**
 * Tells whether a process of this host exists, by sending it signal 0, which
 * checks without touching it. EPERM means it exists under another user.
 */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
