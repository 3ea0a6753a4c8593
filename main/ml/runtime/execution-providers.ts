import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { NotSupportedError, ValidationError } from '../../errors';

export type ExecutionProvider = 'cpu' | 'cuda';
export type ExecutionProviderChoice = 'auto' | ExecutionProvider;

const executionProviderChoices: readonly ExecutionProviderChoice[] = ['auto', 'cpu', 'cuda'];

/**
 * onnxruntime-node 1.31 bundles only the CPU provider. Its install script
 * (script/install.js) downloads the CUDA 12 provider libraries from the
 * Microsoft.ML.OnnxRuntime.Gpu.Linux NuGet package on Linux x64, and only
 * Linux x64 has prebuilt CUDA binaries.
 */
const cudaProviderFiles = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'];

export const cudaInstallHint =
  'Install it on Linux x64 with an NVIDIA driver, CUDA 12 and cuDNN 9 by running "npm run install:cuda" in the app folder ' +
  '(it runs onnxruntime-node\'s install script, which downloads the provider, so it needs network access), then restart the app.';

let cachedProviders: ExecutionProvider[] | undefined;

/**
 * Lists the execution providers this process can use. CUDA counts only when
 * the CUDA provider libraries sit next to the onnxruntime-node addon and an
 * NVIDIA driver is loaded.
 */
export function availableExecutionProviders(): ExecutionProvider[] {
  cachedProviders ??= detectExecutionProviders();
  return [...cachedProviders];
}

/** Picks the provider for a request: 'auto' prefers CUDA and falls back to the CPU with a note. */
export function resolveExecutionProvider(choice: ExecutionProviderChoice): { provider: ExecutionProvider; note: string | null } {
  if (!executionProviderChoices.includes(choice)) {
    throw new ValidationError(`Unknown execution provider "${String(choice)}". Expected one of: ${executionProviderChoices.join(', ')}.`);
  }

  const available = availableExecutionProviders();
  if (choice === 'cpu') return { provider: 'cpu', note: null };

  if (available.includes('cuda')) return { provider: 'cuda', note: null };

  const reason = describeMissingCuda();
  if (choice === 'cuda') {
    throw new NotSupportedError(`The CUDA execution provider is not available: ${reason}. ${cudaInstallHint}`);
  }
  return { provider: 'cpu', note: `Using the CPU execution provider because CUDA is not available: ${reason}.` };
}

function detectExecutionProviders(): ExecutionProvider[] {
  return describeMissingCuda() === null ? ['cpu', 'cuda'] : ['cpu'];
}

/** Returns why CUDA cannot be used, or null when its libraries and driver are present. */
function describeMissingCuda(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return `onnxruntime-node ships CUDA binaries for Linux x64 only, and this is ${process.platform} ${process.arch}`;
  }

  const folder = addonFolder();
  const missing = cudaProviderFiles.filter((name) => !existsSync(join(folder, name)));
  if (missing.length > 0) return `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing from ${folder}`;

  // The kernel module publishes this file once the NVIDIA driver is loaded.
  if (!existsSync('/proc/driver/nvidia/version')) return 'no NVIDIA driver is loaded (/proc/driver/nvidia/version is missing)';
  return null;
}

/** The folder holding onnxruntime_binding.node for this platform, where the provider libraries must go. */
export function addonFolder(): string {
  const require = createRequire(import.meta.url);
  const packageRoot = dirname(require.resolve('onnxruntime-node/package.json'));
  return join(packageRoot, 'bin', 'napi-v6', process.platform, process.arch);
}
