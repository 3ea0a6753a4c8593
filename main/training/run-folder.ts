import { rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Returns the folder of a run's checkpoints and ONNX artifacts:
 * `<workspace file>.runs/<run id>/`, next to the workspace so that moving
 * both together keeps them paired.
 */
export function runDirectoryFor(workspacePath: string, runId: number): string {
  return join(`${workspacePath}.runs`, String(runId));
}

/** Removes a run folder with everything in it; a folder that is already gone is fine. */
export function removeRunDirectory(runDirectory: string): void {
  rmSync(runDirectory, { recursive: true, force: true });
}

/**
 * Returns the path of a run's composed search model. It sits outside the run
 * folder, because the model stays registered after its run is deleted.
 */
export function searchModelPathFor(runDirectory: string): string {
  return join(dirname(runDirectory), 'search-models', `run-${basename(runDirectory)}.onnx`);
}

/** Returns the folder of the attribute-head models trained for a workspace: `<workspace file>.attribute-heads/`. */
export function attributeHeadsDirectoryFor(workspacePath: string): string {
  return `${workspacePath}.attribute-heads`;
}
