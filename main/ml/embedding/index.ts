export { closeWarmPool, embedImageBytes } from './embed-image-bytes';
export { embedDataset, type EmbedDatasetRequest } from './embed-dataset';
export { loadEmbeddings } from './load-embeddings';
export { decodeAndResize, preprocessImage, writeNchw, type PreprocessCard } from './preprocess';
export { defaultEmbeddingTuning, type EmbeddingTuning } from './tuning';
