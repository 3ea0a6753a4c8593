/** A text file made in the page, offered through an object URL that stays valid until `revoke`. */
export interface TextDownload {
  url: string;
  fileName: string;
  revoke: () => void;
}

/** Wraps text in a Blob URL and starts its download once, as a click on a link with a `download` name would. */
export function offerTextDownload(content: string, fileName: string, mimeType: string): TextDownload {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  return { url, fileName, revoke: () => URL.revokeObjectURL(url) };
}
