export { closeWarmPool, embedImageBytes } from './embed-image-bytes';
export { embedDataset, type EmbedDatasetRequest } from './embed-dataset';
export { loadEmbeddings } from './load-embeddings';
export { decodeImage, preprocessImage, type DecodedImage, type PreprocessCard } from './preprocess';
export { resampleToNchw } from './resample';
export { defaultEmbeddingTuning, type EmbeddingTuning } from './tuning';
