/** Conversions of 16-bit floats, in which many published CLIP checkpoints are stored, to float32. */

const exponentScale = new Float32Array(32);
for (let exponent = 0; exponent < 32; exponent++) exponentScale[exponent] = 2 ** (exponent - 15);

/** Converts IEEE 754 binary16 values to float32, subnormals, infinities and NaN included. */
export function float16ToFloat32(bits: Uint16Array): Float32Array {
  const result = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const value = bits[i];
    const sign = value & 0x8000 ? -1 : 1;
    const exponent = (value >> 10) & 0x1f;
    const fraction = value & 0x3ff;
    if (exponent === 0) {
      result[i] = sign * fraction * 2 ** -24;
    } else if (exponent === 0x1f) {
      result[i] = fraction === 0 ? sign * Infinity : NaN;
    } else {
      result[i] = sign * exponentScale[exponent] * (1 + fraction / 1024);
    }
  }
  return result;
}

/** Converts bfloat16 values (the upper half of a float32) to float32 exactly. */
export function bfloat16ToFloat32(bits: Uint16Array): Float32Array {
  const words = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) words[i] = bits[i] << 16;
  return new Float32Array(words.buffer);
}
