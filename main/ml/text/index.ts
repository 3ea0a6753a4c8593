/** CLIP's text transformer built on the training engine, and the sources of its pretrained weights. */
export { embedTokens, encodeTokenEmbeddings, validateTextOptions, type TextEncoderWeights, type TextTransformerOptions } from './text-transformer';
export { huggingFaceName, textEncoderScope, textParameterName } from './text-weights';
export { clipTextTensorShapes, loadClipTextWeights, type ClipTextWeights, type LoadClipTextOptions } from './clip-weights';
export { buildTextEncoderInference, type TextEncoderSource } from './text-encoder-inference';
export { downloadClipTextWeights, type DownloadClipTextOptions, type DownloadedWeights } from './download-clip-weights';
