/** The image a search starts from: a query-split image of the dataset, or a file the user dropped. */
export type SearchQuery = { source: 'dataset'; imageId: number } | { source: 'file'; dataUrl: string; fileName: string };
