import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { createLogger } from '../../log';
import { plainRgbJpegFrame, type PlainRgbJpegFrame } from './jpeg-header';
import type { DecodedImage } from './preprocess';

/**
 * A synchronous JPEG decoder on the calling thread: mozjpeg's decoder (a fork
 * of libjpeg-turbo) compiled to WebAssembly, as the @jsquash/jpeg package ships it.
 *
 * A person crop is about 90 x 220 pixels, so sharp spends most of its 0.64 ms
 * of CPU time per crop building a libvips pipeline and handing it to libuv's
 * thread pool. This decoder takes about 0.22 ms (2-core Xeon, sharp 0.35). In
 * the layouts it accepts (see `decodesLikeSharp`) it gives the same pixels as
 * sharp: none differed on 200 Duke crops.
 */
export interface WasmJpegDecoder {
  /**
   * Decodes a plain RGB JPEG (see `plainRgbJpegFrame`) to interleaved RGB in
   * stored orientation. Returns null when libjpeg reports anything, a warning
   * such as a truncated file included, so that the caller decodes with sharp,
   * which rejects such files with its usual message. Also returns null for
   * any other file, for layouts that sharp decodes differently, and for
   * images above `maxWasmPixels`, all of which sharp decodes instead.
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

const log = createLogger('WasmJpeg');

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
  const instantiate = () =>
    factory({
      noInitialRun: true,
      printErr: () => void reports++,
      print: () => void reports++,
      instantiateWasm: (imports, done) => {
        const instance = new WebAssembly.Instance(wasm, imports);
        done(instance);
        return instance.exports;
      },
    });
  let module: MozjpegModule | null = await instantiate();

  return {
    decode(jpeg) {
      const frame = plainRgbJpegFrame(jpeg);
      if (!module || !frame || !decodesLikeSharp(frame) || frame.width * frame.height > maxWasmPixels) return null;

      reports = 0;
      let image: ReturnType<MozjpegModule['decode']>;
      try {
        image = module.decode(jpeg, false);
      } catch {
        // A fatal libjpeg error leaves the module's memory leaked or corrupt, so a fresh
        // instance replaces it. sharp decodes meanwhile, and for good if that fails.
        module = null;
        instantiate().then(
          (fresh) => (module = fresh),
          (error: unknown) => log.warn('restarting the WebAssembly JPEG decoder failed, so sharp decodes every image from now on', { error }),
        );
        return null;
      }
      if (!image || reports > 0) return null;
      return { pixels: rgbaToRgb(image.data), width: image.width, height: image.height };
    },
  };
}

/**
 * Returns true for the frame types and chroma layouts on which this decoder
 * and sharp's libjpeg-turbo give the same pixels: Huffman-coded baseline,
 * extended or progressive frames, with chroma at full size, halved across,
 * or halved both ways (4:4:4, 4:2:2, 4:2:0). mozjpeg upsamples chroma halved
 * only vertically (4:4:0) differently, by up to 2 levels, and its build
 * lacks arithmetic decoding.
 */
function decodesLikeSharp(frame: PlainRgbJpegFrame): boolean {
  const [luma, blue, red] = frame.sampling;
  if (!huffmanFrameMarkers.has(frame.marker)) return false;
  if (blue.horizontal !== 1 || blue.vertical !== 1 || red.horizontal !== 1 || red.vertical !== 1) return false;
  return lumaSamplings.some(([horizontal, vertical]) => luma.horizontal === horizontal && luma.vertical === vertical);
}

/** SOF0 (baseline), SOF1 (extended) and SOF2 (progressive), all Huffman-coded. */
const huffmanFrameMarkers = new Set([0xc0, 0xc1, 0xc2]);

/** Luma sampling factors (horizontal, vertical) of 4:4:4, 4:2:2 and 4:2:0, with chroma at 1 x 1. */
const lumaSamplings: [number, number][] = [
  [1, 1],
  [2, 1],
  [2, 2],
];

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
