import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { readImageSize } from '../../datasets/image-header';
import type { DecodedImage } from './preprocess';

/**
 * A synchronous JPEG decoder on the calling thread: mozjpeg's decoder (a fork
 * of libjpeg-turbo) compiled to WebAssembly, as the @jsquash/jpeg package ships it.
 *
 * A person crop is about 90 x 220 pixels, so sharp spends most of its 0.64 ms
 * of CPU time per crop building a libvips pipeline and handing it to libuv's
 * thread pool. This decoder takes about 0.22 ms (2-core Xeon, sharp 0.35). It
 * keeps libjpeg-turbo's default IDCT and upsampling, so it gives the same
 * pixels: none differed on 200 Duke crops.
 */
export interface WasmJpegDecoder {
  /**
   * Decodes a JPEG to interleaved RGB in stored orientation. Returns null
   * when libjpeg reports anything, a warning such as a truncated file
   * included, so that the caller decodes with sharp, which rejects such files
   * with its usual message. Also returns null for images above
   * `maxWasmPixels`, which sharp decodes instead.
   */
  decode(jpeg: Uint8Array): DecodedImage | null;
}

/** The part of the Emscripten module that the package's decoder exports. */
interface MozjpegModule {
  decode(data: Uint8Array, preserveOrientation: boolean): { data: Uint8ClampedArray; width: number; height: number } | null;
}

interface MozjpegModuleOptions {
  noInitialRun: boolean;
  printErr: (message: string) => void;
  print: (message: string) => void;
  instantiateWasm: (imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance) => void) => WebAssembly.Exports;
}

type MozjpegFactory = (options: MozjpegModuleOptions) => Promise<MozjpegModule>;

const packageName = '@jsquash/jpeg';

/**
 * Largest image, in pixels, given to the decoder: 256 MiB of RGBA. Its heap
 * stops at 2 GiB, and an allocation failure aborts the whole module, so
 * larger images go to sharp. Person crops are far smaller.
 */
export const maxWasmPixels = 64 * 1024 * 1024;

/** Compiles and starts one decoder. Each worker thread needs its own. */
export async function loadWasmJpegDecoder(): Promise<WasmJpegDecoder> {
  const resolvePackageFile = createRequire(import.meta.url).resolve;
  const wasmPath = resolvePackageFile(`${packageName}/codec/dec/mozjpeg_dec.wasm`);
  const factoryPath = resolvePackageFile(`${packageName}/codec/dec/mozjpeg_dec.js`);
  const wasm = await WebAssembly.compile(await readFile(wasmPath));
  const factory = ((await import(pathToFileURL(factoryPath).href)) as { default: MozjpegFactory }).default;

  // libjpeg writes its warnings and errors through these; any of them fails the image.
  let reports = 0;
  const module = await factory({
    noInitialRun: true,
    printErr: () => void reports++,
    print: () => void reports++,
    instantiateWasm: (imports, done) => {
      const instance = new WebAssembly.Instance(wasm, imports);
      done(instance);
      return instance.exports;
    },
  });

  return {
    decode(jpeg) {
      const size = readImageSize(Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength));
      if (!size || size.width * size.height > maxWasmPixels) return null;

      reports = 0;
      let image: ReturnType<MozjpegModule['decode']>;
      try {
        image = module.decode(jpeg, false);
      } catch {
        return null;
      }
      if (!image || reports > 0) return null;
      return { pixels: rgbaToRgb(image.data), width: image.width, height: image.height };
    },
  };
}

/** Drops the alpha channel, because the decoder writes opaque RGBA and the resampler reads interleaved RGB. */
function rgbaToRgb(rgba: Uint8ClampedArray): Uint8Array {
  const pixels = rgba.length >> 2;
  const rgb = new Uint8Array(pixels * 3);
  for (let pixel = 0, from = 0, to = 0; pixel < pixels; pixel++, from += 4, to += 3) {
    rgb[to] = rgba[from];
    rgb[to + 1] = rgba[from + 1];
    rgb[to + 2] = rgba[from + 2];
  }
  return rgb;
}
