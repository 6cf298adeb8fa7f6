// The part of the xk6-sse extension (github.com/phymbert/xk6-sse) that stream.js uses, so that
// ./feed test can type-check the script without a k6 built with the extension.
declare module 'k6/x/sse' {
  interface SseEvent {
    id: string;
    name: string;
    data: string;
  }
  interface SseClient {
    on(event: 'open', handler: () => void): void;
    on(event: 'event', handler: (event: SseEvent) => void): void;
    on(event: 'error', handler: (error: { error(): string }) => void): void;
    close(): void;
  }
  interface SseResponse {
    status: number;
    url: string;
    headers: Record<string, string>;
    error: string;
  }
  interface SseParams {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    tags?: Record<string, string>;
  }
  const sse: {
    open(url: string, params: SseParams, callback: (client: SseClient) => void): SseResponse;
  };
  export default sse;
}
