import { request } from 'node:http';

export interface RawResponse {
  status: number;
  body: string;
}

/**
 * Sends a request with exactly the given headers. `fetch` cannot, because it
 * sets Host itself and keeps scripts from forging Origin.
 */
export function rawRequest(port: number, options: { method: string; path: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, method: options.method, path: options.path, headers: options.headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}
