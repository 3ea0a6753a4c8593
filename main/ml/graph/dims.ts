import { ShapeError } from '../../errors';

/**
 * One dimension of a tensor shape: a size known when the graph is built, or a
 * symbol such as 'batch' that onnxruntime resolves from the fed inputs. A
 * product of symbols and a number is written 'batch*8' and treated as one
 * symbol, so reshapes can cancel it again.
 */
export type Dim = number | string;

export type Shape = readonly Dim[];

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function isStaticShape(shape: Shape): shape is readonly number[] {
  return shape.every((dim) => typeof dim === 'number');
}

/** Number of elements, or undefined when a dimension is symbolic. */
export function staticSize(shape: Shape): number | undefined {
  if (!isStaticShape(shape)) return undefined;
  return shape.reduce((product, dim) => product * dim, 1);
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i]);
}

/** Resolves a possibly negative axis against a rank; throws ShapeError when out of range. */
export function normalizeAxis(axis: number, rank: number, opType: string): number {
  const resolved = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(resolved) || resolved < 0 || resolved >= rank) {
    throw new ShapeError(`${opType}: axis ${axis} is out of range for a tensor of rank ${rank}; expected an axis in [${-rank}, ${rank - 1}].`);
  }
  return resolved;
}

/**
 * Multidirectional (numpy-style) broadcast of two shapes. Symbolic dims
 * broadcast only against 1 or the same symbol, because a symbol could be 1 at
 * run time and the builder would then guess wrong.
 */
export function broadcastShapes(a: Shape, b: Shape, opType: string): Dim[] {
  const rank = Math.max(a.length, b.length);
  const result: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const dimA = a[a.length - rank + i] ?? 1;
    const dimB = b[b.length - rank + i] ?? 1;
    result.push(broadcastDim(dimA, dimB, () => `${opType}: shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast at axis ${i} (${dimA} vs ${dimB}); expected equal sizes or 1.`));
  }
  return result;
}

function broadcastDim(a: Dim, b: Dim, describe: () => string): Dim {
  if (a === b) return a;
  if (a === 1) return b;
  if (b === 1) return a;
  throw new ShapeError(describe());
}

interface DimFactors {
  coefficient: number;
  symbols: string[];
}

function factorDim(dim: Dim): DimFactors {
  if (typeof dim === 'number') return { coefficient: dim, symbols: [] };

  const factors: DimFactors = { coefficient: 1, symbols: [] };
  for (const part of dim.split('*')) {
    const value = Number(part);
    if (part !== '' && Number.isInteger(value)) factors.coefficient *= value;
    else factors.symbols.push(part);
  }
  return factors;
}

function composeDim(factors: DimFactors): Dim {
  if (factors.symbols.length === 0) return factors.coefficient;

  const symbols = [...factors.symbols].sort();
  return factors.coefficient === 1 ? symbols.join('*') : [...symbols, String(factors.coefficient)].join('*');
}

/** Product of dims, kept symbolic where needed ('batch' * 8 = 'batch*8'). */
export function multiplyDims(dims: Shape): Dim {
  const product: DimFactors = { coefficient: 1, symbols: [] };
  for (const dim of dims) {
    const factors = factorDim(dim);
    product.coefficient *= factors.coefficient;
    product.symbols.push(...factors.symbols);
  }
  return composeDim(product);
}

/** Quotient of two dims, or undefined when the divisor does not divide exactly. */
export function divideDims(numerator: Dim, denominator: Dim): Dim | undefined {
  const top = factorDim(numerator);
  const bottom = factorDim(denominator);
  if (bottom.coefficient === 0 || top.coefficient % bottom.coefficient !== 0) return undefined;

  const symbols = [...top.symbols];
  for (const symbol of bottom.symbols) {
    const index = symbols.indexOf(symbol);
    if (index < 0) return undefined;
    symbols.splice(index, 1);
  }
  return composeDim({ coefficient: top.coefficient / bottom.coefficient, symbols });
}
