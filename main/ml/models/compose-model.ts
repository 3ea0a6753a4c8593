import protobuf from 'protobufjs';
import { NotFoundError, NotSupportedError, ShapeError, ValidationError } from '../../errors';
import { modelProtoType } from '../graph/onnx-proto';

/*
 * Plain forms of the decoded ModelProto. int64 fields stay decimal strings
 * (protobufjs `longs: String`) so that values above 2^53 survive the round trip.
 */
interface DimensionObject {
  dim_value?: string | number;
  dim_param?: string;
}

interface ValueInfoObject {
  name: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim: DimensionObject[] } } };
}

interface NodeObject {
  name?: string;
  op_type: string;
  domain?: string;
  input: string[];
  output: string[];
}

interface GraphObject {
  name?: string;
  node: NodeObject[];
  initializer: { name: string }[];
  input: ValueInfoObject[];
  output: ValueInfoObject[];
  value_info: ValueInfoObject[];
}

interface OpsetObject {
  domain?: string;
  version: string | number;
}

interface ModelObject {
  ir_version?: string | number;
  opset_import: OpsetObject[];
  graph?: GraphObject;
  metadata_props: { key: string; value: string }[];
}

export interface AppendHeadOptions {
  /** Also return the image model's output, under its own name. Defaults to false. */
  keepImageOutput?: boolean;
  /** Graph name of the composed model. */
  name?: string;
}

/**
 * Composes two ONNX models into one that runs `imageModel` and feeds its
 * output `imageOutputName` into the head's input `headInputName`. The head's
 * internal names get a prefix so they cannot clash with the image model's,
 * while its other inputs and its outputs keep their names. The outputs are the
 * head's, plus the image output when `keepImageOutput` is set.
 */
export function appendHead(imageModel: Uint8Array, imageOutputName: string, head: Uint8Array, headInputName: string, options: AppendHeadOptions = {}): Uint8Array {
  const image = decodeModel(imageModel, 'image model');
  const headModel = decodeModel(head, 'head model');
  const imageGraph = image.graph!;
  const headGraph = headModel.graph!;

  const imageOutput = findValueInfo(imageGraph.output, imageOutputName, 'output', 'image model');
  const headInput = findValueInfo(headGraph.input, headInputName, 'input', 'head model');
  checkInitializerFree(headGraph, headInputName);
  checkTensorsMatch(imageOutput, headInput);
  const opsets = mergeOpsets(image, headModel);

  const renamed = renameHeadGraph(imageGraph, headGraph, headInputName, imageOutputName);
  const outputs = options.keepImageOutput ? [imageOutput, ...renamed.output] : renamed.output;
  const graph = pruneGraph({
    name: options.name ?? `${imageGraph.name ?? 'image'}+${headGraph.name ?? 'head'}`,
    node: [...imageGraph.node, ...renamed.node],
    initializer: [...imageGraph.initializer, ...renamed.initializer],
    input: [...imageGraph.input, ...renamed.input],
    output: outputs,
    value_info: [...imageGraph.value_info, ...renamed.value_info],
  });

  const composed: ModelObject & { producer_name: string } = {
    ir_version: Math.max(Number(image.ir_version ?? 0), Number(headModel.ir_version ?? 0)),
    producer_name: 'mpreid-workstation',
    opset_import: opsets,
    graph,
    metadata_props: mergeMetadata(image.metadata_props, headModel.metadata_props),
  };
  return modelProtoType.encode(modelProtoType.fromObject(composed)).finish();
}

function decodeModel(bytes: Uint8Array, label: string): ModelObject {
  let unknownField: string | undefined;
  let model: ModelObject;
  try {
    unknownField = findUnknownField(modelProtoType, protobuf.Reader.create(bytes), bytes.length);
    model = modelProtoType.toObject(modelProtoType.decode(bytes), { longs: String, arrays: true }) as ModelObject;
  } catch (error) {
    throw new ValidationError(`The ${label} (${bytes.length} bytes) is not a valid ONNX ModelProto: ${(error as Error).message}. Pass the bytes of an .onnx file.`, { cause: error });
  }

  if (unknownField !== undefined) {
    // The schema subset in onnx-proto.ts would drop this field without a trace, so the composed model could differ in meaning.
    throw new NotSupportedError(`The ${label} uses ${unknownField}, which model composition cannot carry over (subgraphs, local functions, external data and sparse or string tensors are not supported); export the model without it.`);
  }
  if (!model.graph) {
    throw new ValidationError(`The ${label} has no graph; pass a complete ONNX model.`);
  }
  return model;
}

/** Walks the wire format and returns the first field number that `type` does not declare, as 'Message field N'. */
function findUnknownField(type: protobuf.Type, reader: protobuf.Reader, end: number): string | undefined {
  while (reader.pos < end) {
    const tag = reader.uint32();
    const fieldNumber = tag >>> 3;
    const wireType = tag & 7;
    const field = type.fieldsById[fieldNumber];
    if (!field) return `ONNX ${type.name} field ${fieldNumber}`;

    field.resolve();
    if (field.resolvedType instanceof protobuf.Type && wireType === 2) {
      const length = reader.uint32();
      const found = findUnknownField(field.resolvedType, reader, reader.pos + length);
      if (found !== undefined) return found;
    } else {
      reader.skipType(wireType);
    }
  }
  return undefined;
}

function findValueInfo(values: ValueInfoObject[], name: string, kind: 'input' | 'output', label: string): ValueInfoObject {
  const value = values.find((candidate) => candidate.name === name);
  if (!value) {
    const names = values.map((candidate) => `"${candidate.name}"`).join(', ');
    throw new NotFoundError(`The ${label} has no ${kind} "${name}"; its ${kind}s are ${names}.`);
  }
  return value;
}

function checkInitializerFree(headGraph: GraphObject, headInputName: string): void {
  if (headGraph.initializer.some((tensor) => tensor.name === headInputName)) {
    throw new ValidationError(`Head input "${headInputName}" is an initializer with a stored value; pass the name of the input that takes image features.`);
  }
  if (headGraph.output.some((output) => output.name === headInputName)) {
    throw new ValidationError(`Head output "${headInputName}" is the head's input itself; a head must compute its outputs from the input.`);
  }
}

/** Rejects a head input whose element type, rank or fixed dimensions differ from the image output; symbolic dimensions match any size. */
function checkTensorsMatch(imageOutput: ValueInfoObject, headInput: ValueInfoObject): void {
  const imageType = imageOutput.type?.tensor_type;
  const headType = headInput.type?.tensor_type;
  const imageShape = imageType?.shape?.dim;
  const headShape = headType?.shape?.dim;
  const describe = () =>
    `image output "${imageOutput.name}" ${formatTensorType(imageType?.elem_type, imageShape)} and head input "${headInput.name}" ${formatTensorType(headType?.elem_type, headShape)}`;

  if (imageType?.elem_type === undefined || headType?.elem_type === undefined) {
    throw new ValidationError(`Cannot compare ${describe()} because one of them declares no tensor type; declare the element type and shape of both.`);
  }
  if (imageType.elem_type !== headType.elem_type) {
    throw new ShapeError(`The element types of ${describe()} differ; build the head for the image model's output type.`);
  }
  if (imageShape === undefined || headShape === undefined) return;

  const dimensionsAgree =
    imageShape.length === headShape.length &&
    imageShape.every((dim, i) => dim.dim_value === undefined || headShape[i].dim_value === undefined || Number(dim.dim_value) === Number(headShape[i].dim_value));
  if (!dimensionsAgree) {
    throw new ShapeError(`The shapes of ${describe()} differ; build the head for the image model's output shape.`);
  }
}

/** TensorProto.DataType names of the codes that image and head models use. */
const elementTypeNames: Record<number, string> = { 1: 'float32', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64', 16: 'bfloat16' };

function formatTensorType(elementType: number | undefined, shape: DimensionObject[] | undefined): string {
  const typeName = elementType === undefined ? 'untyped' : (elementTypeNames[elementType] ?? `type ${elementType}`);
  const dims = shape?.map((dim) => (dim.dim_value !== undefined ? String(dim.dim_value) : (dim.dim_param ?? '?'))).join(', ');
  return `${typeName}[${dims ?? 'unknown shape'}]`;
}

/**
 * Default-domain ops by the opsets at which their interface changed in a way
 * that a node written for an older opset would be misread, such as an
 * attribute that became an input or a changed default axis.
 * NOTE: The list covers the common ops of image models and is not exhaustive.
 */
const breakingOpsetChanges: Record<string, readonly number[]> = {
  BatchNormalization: [9],
  Clip: [11],
  Dropout: [7, 12],
  GroupNormalization: [21],
  Hardmax: [13],
  LogSoftmax: [13],
  Pad: [11],
  ReduceL1: [18],
  ReduceL2: [18],
  ReduceLogSum: [18],
  ReduceLogSumExp: [18],
  ReduceMax: [18],
  ReduceMean: [18],
  ReduceMin: [18],
  ReduceProd: [18],
  ReduceSum: [13],
  ReduceSumSquare: [18],
  Resize: [11],
  Scatter: [11],
  Slice: [10],
  Softmax: [13],
  Split: [13, 18],
  Squeeze: [13],
  TopK: [10],
  Unsqueeze: [13],
  Upsample: [10],
};

/**
 * Takes the higher opset of each domain. Raising a model's default-domain
 * opset is rejected when one of its ops changed interface in between, and
 * other domains must already agree because their histories are unknown here.
 */
function mergeOpsets(image: ModelObject, head: ModelObject): OpsetObject[] {
  const imageVersions = opsetVersions(image);
  const headVersions = opsetVersions(head);
  const merged: OpsetObject[] = [];

  for (const domain of new Set([...imageVersions.keys(), ...headVersions.keys()])) {
    const imageVersion = imageVersions.get(domain);
    const headVersion = headVersions.get(domain);
    if (imageVersion !== undefined && headVersion !== undefined && imageVersion !== headVersion) {
      const [lower, label] = imageVersion < headVersion ? [image, 'image model'] : [head, 'head model'];
      checkOpsetRaise(lower.graph!, domain, Math.min(imageVersion, headVersion), Math.max(imageVersion, headVersion), label);
    }
    merged.push({ domain, version: Math.max(imageVersion ?? 0, headVersion ?? 0) });
  }
  return merged;
}

function opsetVersions(model: ModelObject): Map<string, number> {
  const versions = new Map<string, number>();
  for (const opset of model.opset_import) versions.set(canonicalDomain(opset.domain), Number(opset.version));
  return versions;
}

/** 'ai.onnx' and the empty string both name the default domain. */
function canonicalDomain(domain: string | undefined): string {
  return domain === undefined || domain === 'ai.onnx' ? '' : domain;
}

function checkOpsetRaise(graph: GraphObject, domain: string, from: number, to: number, label: string): void {
  const domainName = domain === '' ? 'default (ai.onnx)' : `"${domain}"`;
  if (domain !== '') {
    throw new NotSupportedError(`The image and head models import the ${domainName} domain at opsets ${from} and ${to}; convert them to the same opset first.`);
  }

  for (const node of graph.node) {
    if (canonicalDomain(node.domain) !== '') continue;
    const change = breakingOpsetChanges[node.op_type]?.find((version) => version > from && version <= to);
    if (change === undefined) continue;
    throw new NotSupportedError(
      `Cannot raise the ${label} from opset ${from} to ${to} because ${node.op_type} (node "${node.name ?? ''}") changed its interface at opset ${change}; convert the ${label} to opset ${to} first, for example with onnx.version_converter.`,
    );
  }
}

interface RenamedHead {
  node: NodeObject[];
  initializer: { name: string }[];
  input: ValueInfoObject[];
  output: ValueInfoObject[];
  value_info: ValueInfoObject[];
}

/**
 * Renames the head's values for the composed graph: its feature input becomes
 * the image output, its outputs and other inputs keep their names, and every
 * other value and node name gets a prefix that no image name starts with.
 */
function renameHeadGraph(imageGraph: GraphObject, headGraph: GraphObject, headInputName: string, imageOutputName: string): RenamedHead {
  const imageNames = graphNames(imageGraph);
  const initializerNames = new Set(headGraph.initializer.map((tensor) => tensor.name));
  const extraInputs = headGraph.input.filter((input) => input.name !== headInputName && !initializerNames.has(input.name));
  const keptNames = new Set([...headGraph.output, ...extraInputs].map((value) => value.name));

  for (const name of keptNames) {
    if (imageNames.has(name)) {
      throw new ValidationError(`Head value "${name}" has the name of a value in the image model; rename that head input or output.`);
    }
  }
  const prefix = choosePrefix([...imageNames, ...keptNames]);
  const rename = (name: string): string => {
    if (name === '' || keptNames.has(name)) return name;
    return name === headInputName ? imageOutputName : prefix + name;
  };
  const renameValue = <T extends { name: string }>(value: T): T => ({ ...value, name: rename(value.name) });

  return {
    node: headGraph.node.map((node) => ({ ...node, name: prefix + (node.name ?? node.op_type), input: node.input.map(rename), output: node.output.map(rename) })),
    initializer: headGraph.initializer.map(renameValue),
    input: extraInputs,
    output: headGraph.output,
    value_info: headGraph.value_info.filter((value) => value.name !== headInputName).map(renameValue),
  };
}

function graphNames(graph: GraphObject): Set<string> {
  const names = new Set<string>();
  for (const value of [...graph.input, ...graph.output, ...graph.value_info, ...graph.initializer]) names.add(value.name);
  for (const node of graph.node) {
    for (const name of [...node.input, ...node.output]) names.add(name);
    if (node.name) names.add(node.name);
  }
  return names;
}

function choosePrefix(names: readonly string[]): string {
  for (let attempt = 1; ; attempt++) {
    const prefix = attempt === 1 ? 'head/' : `head_${attempt}/`;
    if (!names.some((name) => name.startsWith(prefix))) return prefix;
  }
}

/** Keeps the nodes, initializers and value infos that the graph outputs depend on; nodes stay in topological order. */
function pruneGraph(graph: GraphObject): GraphObject {
  const needed = new Set(graph.output.map((output) => output.name));
  const keep = new Array<boolean>(graph.node.length).fill(false);
  for (let i = graph.node.length - 1; i >= 0; i--) {
    const node = graph.node[i];
    if (!node.output.some((name) => needed.has(name))) continue;
    keep[i] = true;
    for (const name of node.input) needed.add(name);
  }

  return {
    ...graph,
    node: graph.node.filter((_, i) => keep[i]),
    initializer: graph.initializer.filter((tensor) => needed.has(tensor.name)),
    value_info: graph.value_info.filter((value) => needed.has(value.name)),
  };
}

/** Merges metadata: the image model's entries, plus the head's entries under keys the image model does not use. */
function mergeMetadata(image: ModelObject['metadata_props'], head: ModelObject['metadata_props']): ModelObject['metadata_props'] {
  const keys = new Set(image.map((entry) => entry.key));
  return [...image, ...head.filter((entry) => !keys.has(entry.key))];
}
