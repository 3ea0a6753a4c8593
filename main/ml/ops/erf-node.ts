import { intAttribute } from '../graph/attributes';
import { dataTypeCodes, type DataType } from '../graph/dtype';
import type { GraphBuilder } from '../graph/graph-builder';

/**
 * Adds an Erf node from `input` to `output`. The CPU execution provider of
 * onnxruntime 1.31 has no float64 Erf kernel, so float64 values go through
 * float32 and back.
 */
export function emitErfNode(graph: GraphBuilder, input: string, output: string, dtype: DataType): void {
  if (dtype !== 'float64') {
    graph.addNode('Erf', [input], [output], {});
    return;
  }
  // NOTE: float64 erf is therefore only float32-accurate (about 1e-7 relative).
  const narrowed = graph.temporaryName('erf_input_float32');
  const result = graph.temporaryName('erf_float32');
  graph.addNode('Cast', [input], [narrowed], { to: intAttribute(dataTypeCodes.float32) });
  graph.addNode('Erf', [narrowed], [result], {});
  graph.addNode('Cast', [result], [output], { to: intAttribute(dataTypeCodes.float64) });
}
