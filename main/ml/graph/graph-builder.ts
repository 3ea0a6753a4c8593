import { ShapeError, ValidationError } from '../../errors';
import type { NodeAttributes } from './attributes';
import { staticSize, formatShape, type Shape } from './dims';
import { allocateTypedArray, toTypedArray, type AnyTypedArray, type DataType, type FloatDataType } from './dtype';
import { Tensor, type TensorKind } from './tensor';

/** Opset of the default ONNX domain. 17 is the first with LayerNormalization; 18 takes reduce axes as inputs. */
export const opsetVersion = 18;

/** One ONNX node as emitted, before serialization. */
export interface RawNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: NodeAttributes;
}

/** One op application on the autodiff tape: a differentiable unit that may span several raw nodes. */
export interface TapeEntry {
  opType: string;
  inputs: readonly (Tensor | undefined)[];
  outputs: readonly Tensor[];
  attributes: unknown;
}

export interface ParameterOptions {
  /** Whether decoupled weight decay applies; defaults to true for rank >= 2 (weights), false for biases and norms. */
  weightDecay?: boolean;
}

/** A trainable tensor with its initial value. */
export interface Parameter {
  tensor: Tensor;
  initialValue: Float32Array | Float64Array;
  weightDecay: boolean;
}

/** A persistent non-trainable tensor (such as a running mean) that training steps update. */
export interface Buffer {
  tensor: Tensor;
  initialValue: Float32Array | Float64Array;
}

export interface ConstantData {
  tensor: Tensor;
  data: AnyTypedArray;
}

/**
 * Builds one ONNX graph: inputs, trainable parameters, frozen initializers,
 * constants and nodes, with names scoped like 'encoder/layer0/attn/q/weight'.
 * Ops (in ../ops) add nodes and tape entries; `serializeGraph` writes the model.
 */
export class GraphBuilder {
  readonly nodes: RawNode[] = [];
  readonly tape: TapeEntry[] = [];
  readonly inputs: Tensor[] = [];
  readonly parameters: Parameter[] = [];
  readonly buffers: Buffer[] = [];
  readonly initializers: ConstantData[] = [];
  readonly outputs: { name: string; tensor: Tensor }[] = [];

  private readonly scopes: string[] = [];
  private readonly usedNames = new Set<string>();
  private readonly scalarCache = new Map<string, Tensor>();
  private readonly nameSuffixes = new Map<string, number>();
  private nodeCounter = 0;

  constructor(readonly name = 'graph') {}

  /** Runs `build` with `name` appended to the scope of every tensor and node it creates. */
  scope<T>(name: string, build: () => T): T {
    if (name === '' || name.includes('/')) {
      throw new ValidationError(`Scope name "${name}" is invalid; expected a non-empty name without "/".`);
    }
    this.scopes.push(name);
    try {
      return build();
    } finally {
      this.scopes.pop();
    }
  }

  scopedName(name: string): string {
    return [...this.scopes, name].join('/');
  }

  /** Adds a graph input fed at run time (a batch, labels, a learning rate). */
  input(name: string, dtype: DataType, shape: Shape): Tensor {
    const tensor = this.createTensor(this.claimName(this.scopedName(name)), dtype, shape, 'input');
    this.inputs.push(tensor);
    return tensor;
  }

  /** Adds a trainable tensor, which becomes a graph input of training graphs and an initializer on export. */
  parameter(name: string, initialValue: Float32Array | Float64Array, shape: readonly number[], options: ParameterOptions = {}): Tensor {
    const dtype: FloatDataType = initialValue instanceof Float64Array ? 'float64' : 'float32';
    this.checkDataLength(name, initialValue.length, shape);

    const tensor = this.createTensor(this.claimName(this.scopedName(name)), dtype, shape, 'parameter');
    this.parameters.push({ tensor, initialValue, weightDecay: options.weightDecay ?? shape.length >= 2 });
    return tensor;
  }

  /** Adds a non-trainable state tensor, which becomes a graph input of training graphs and an initializer on export. */
  buffer(name: string, initialValue: Float32Array | Float64Array, shape: readonly number[]): Tensor {
    const dtype: FloatDataType = initialValue instanceof Float64Array ? 'float64' : 'float32';
    this.checkDataLength(name, initialValue.length, shape);

    const tensor = this.createTensor(this.claimName(this.scopedName(name)), dtype, shape, 'buffer');
    this.buffers.push({ tensor, initialValue });
    return tensor;
  }

  /** Adds a frozen tensor stored in the model file. */
  initializer(name: string, dtype: DataType, shape: readonly number[], data: AnyTypedArray): Tensor {
    this.checkDataLength(name, data.length, shape);
    const tensor = this.createTensor(this.claimName(this.scopedName(name)), dtype, shape, 'initializer');
    this.initializers.push({ tensor, data });
    return tensor;
  }

  /** Adds an unnamed constant, converting plain numbers to `dtype`. */
  constant(values: ArrayLike<number> | AnyTypedArray, dtype: DataType, shape: readonly number[]): Tensor {
    const data = constantData(values, dtype);
    this.checkDataLength('constant', data.length, shape);
    const tensor = this.createTensor(this.temporaryName('const'), dtype, shape, 'constant');
    this.initializers.push({ tensor, data });
    return tensor;
  }

  /** Returns a rank-0 constant, shared between all uses of the same value and dtype. */
  scalar(value: number, dtype: DataType): Tensor {
    const key = `${dtype}:${Object.is(value, -0) ? '-0' : value}`;
    let tensor = this.scalarCache.get(key);
    if (!tensor) {
      const data = toTypedArray(dtype, [value]);
      tensor = this.createTensor(this.claimName(`scalar/${dtype}_${this.scalarCache.size}`), dtype, [], 'constant');
      this.initializers.push({ tensor, data });
      this.scalarCache.set(key, tensor);
    }
    return tensor;
  }

  /** Adds a 1-D int64 constant, as used for shapes, axes and indices. */
  int64Vector(values: readonly number[]): Tensor {
    return this.constant(values, 'int64', [values.length]);
  }

  /** Marks a tensor as a graph output under `name` (adding an Identity node when it already has another name). */
  output(tensor: Tensor, name = tensor.name): Tensor {
    if (this.outputs.some((output) => output.name === name)) {
      throw new ValidationError(`Graph output "${name}" is already declared; choose another output name.`);
    }
    if (name !== tensor.name) {
      this.claimName(name);
      this.addNode('Identity', [tensor.name], [name], {});
    }
    this.outputs.push({ name, tensor });
    return tensor;
  }

  /** Creates the output tensor of a node about to be added. */
  createComputedTensor(baseName: string, dtype: DataType, shape: Shape): Tensor {
    return this.createTensor(this.temporaryName(baseName), dtype, shape, 'computed');
  }

  /** Unique node name in the current scope, such as 'encoder/MatMul_12'. */
  nextNodeName(opType: string): string {
    this.nodeCounter += 1;
    return this.scopedName(`${opType}_${this.nodeCounter}`);
  }

  addNode(opType: string, inputs: string[], outputs: string[], attributes: NodeAttributes, domain = ''): void {
    this.nodes.push({ name: this.nextNodeName(opType), opType, domain, inputs, outputs, attributes });
  }

  /** Reserves a fresh value name for intermediate results inside one op's node group. */
  temporaryName(base: string): string {
    const scoped = this.scopedName(base);
    let suffix = this.nameSuffixes.get(scoped) ?? 0;
    let name = suffix === 0 ? scoped : `${scoped}_${suffix}`;
    while (this.usedNames.has(name)) name = `${scoped}_${++suffix}`;
    this.nameSuffixes.set(scoped, suffix + 1);
    return this.claimName(name);
  }

  private createTensor(name: string, dtype: DataType, shape: Shape, kind: TensorKind): Tensor {
    return new Tensor(this, name, dtype, [...shape], kind);
  }

  private claimName(name: string): string {
    if (this.usedNames.has(name)) {
      throw new ValidationError(`Tensor name "${name}" is already used in graph "${this.name}"; give each input and parameter a unique name or scope.`);
    }
    this.usedNames.add(name);
    return name;
  }

  private checkDataLength(name: string, length: number, shape: readonly number[]): void {
    const expected = staticSize(shape) ?? -1;
    if (length !== expected) {
      throw new ShapeError(`Tensor "${name}" has ${length} values but shape ${formatShape(shape)} needs ${expected}; pass data of the declared shape.`);
    }
  }
}

/** Returns the values as a typed array of `dtype`, converting a typed array of another type, because raw bytes are written as they are. */
function constantData(values: ArrayLike<number> | AnyTypedArray, dtype: DataType): AnyTypedArray {
  if (ArrayBuffer.isView(values) && values.constructor === allocateTypedArray(dtype, 0).constructor) return values as AnyTypedArray;
  return toTypedArray(dtype, values instanceof BigInt64Array ? Array.from(values, Number) : (values as ArrayLike<number>));
}
