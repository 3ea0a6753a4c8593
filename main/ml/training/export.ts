import { ValidationError } from '../../errors';
import type { GraphBuilder } from '../graph/graph-builder';
import { serializeGraph } from '../graph/serialize';

/**
 * Writes a forward graph as an ordinary inference model, its parameters and
 * buffers stored as initializers with the trained `values`. The graph must
 * be built with the same names as the training graph (the same layer calls
 * in inference mode) and have its outputs declared.
 */
export function exportInferenceModel(graph: GraphBuilder, values: ReadonlyMap<string, Float32Array | Float64Array>, metadata: Record<string, string> = {}): Uint8Array {
  const missing = [...graph.parameters, ...graph.buffers].map((state) => state.tensor.name).filter((name) => !values.has(name));
  if (missing.length > 0) {
    throw new ValidationError(`No trained value for ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''}; build the inference graph with the training graph's scope names.`);
  }
  return serializeGraph(graph, { parameters: 'initializers', parameterValues: values, metadata });
}
