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
 * folder, because the model stays registered after its run is deleted. The
 * content hash is in the name because SQLite may give a deleted run's id to a
 * new run, whose model must not overwrite the registered file.
 */
export function searchModelPathFor(runDirectory: string, contentHash: string): string {
  return join(dirname(runDirectory), 'search-models', `run-${basename(runDirectory)}-${contentHash.slice(0, 12)}.onnx`);
}

/** Returns the folder of the attribute-head models trained for a workspace: `<workspace file>.attribute-heads/`. */
export function attributeHeadsDirectoryFor(workspacePath: string): string {
  return `${workspacePath}.attribute-heads`;
}

/** Returns where downloaded CLIP weights of a hub repository go: `<workspace file>.models/<owner>--<name>.safetensors`. */
export function clipWeightsPathFor(workspacePath: string, repository: string): string {
  return join(`${workspacePath}.models`, `${repository.replace('/', '--')}.safetensors`);
}
