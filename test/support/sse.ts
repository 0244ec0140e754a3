export interface SseMessage {
  id: string | null;
  event: string | null;
  data: string;
}

/**
 * Reads a server-sent-events stream with fetch until `stop` aborts it, collecting every
 * message. Parses the wire format itself (id/event/data lines, blank line ends a message).
 */
export async function collectSse(
  url: string,
  headers: Record<string, string>,
  stop: AbortSignal,
  onMessage?: (message: SseMessage) => void,
): Promise<SseMessage[]> {
  const messages: SseMessage[] = [];
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: stop,
    });
  } catch (err) {
    if (stop.aborted) return messages;
    throw err;
  }
  if (!response.ok || !response.body) throw new Error(`SSE ${url} answered ${response.status}`);

  const decoder = new TextDecoder();
  let buffer = '';
  let current: SseMessage = { id: null, event: null, data: '' };
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, '');
        buffer = buffer.slice(newline + 1);
        if (line === '') {
          if (current.data !== '' || current.event !== null) {
            messages.push(current);
            onMessage?.(current);
          }
          current = { id: null, event: null, data: '' };
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'id') current.id = value;
          else if (field === 'event') current.event = value;
          else if (field === 'data')
            current.data = current.data === '' ? value : `${current.data}\n${value}`;
        }
      }
    }
  } catch (err) {
    if (!stop.aborted) throw err;
  }
  return messages;
}
