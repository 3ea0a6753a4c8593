/** Dataset services: import, dataset and identity queries, image files. */
export { importDataset, type ImportDatasetRequest } from './import-dataset';
export { deleteDataset, listDatasets } from './dataset-queries';
export { updateAttribute } from './attribute-edits';
export { getIdentity, listIdentities, type IdentityPageRequest } from './identity-queries';
export { imageAbsolutePath, readImageDataUrl } from './image-files';
export { readAttributeFile, type AttributeTable } from './attribute-file';
export { readMatFile, type MatValue } from './mat/mat-reader';
