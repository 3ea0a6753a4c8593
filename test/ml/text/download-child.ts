/**
 * Starts a CLIP weights download in its own process so a test can kill it
 * mid-stream. Arguments: destination, hub address, repository.
 */
import { silentProgress } from '../../../main/jobs/progress';
import { downloadClipTextWeights } from '../../../main/ml/text/download-clip-weights';

const [destination, baseUrl, repository] = process.argv.slice(2);
await downloadClipTextWeights({ destination, baseUrl, repository, progress: silentProgress() });
