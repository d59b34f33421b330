import { OpticspaceError } from '@opticspace/gpu';

/** An image could not be decoded (unknown format, corrupt bytes, zero size). */
export class ImageDecodeError extends OpticspaceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('IMAGE_DECODE', `Cannot decode image: ${message}`, options);
  }
}

/** An image is larger than the decode pixel limit (read from its header, before decoding). */
export class ImageTooLargeError extends OpticspaceError {
  constructor(width: number, height: number, maxPixels: number) {
    super(
      'IMAGE_TOO_LARGE',
      `Image is ${width} x ${height} = ${(width * height / 1e6).toFixed(1)} MP, above the ${(maxPixels / 1e6).toFixed(1)} MP decode limit (raise maxPixels to accept it)`,
    );
  }
}

/** No canvas implementation is available (no OffscreenCanvas, no @napi-rs/canvas), or a font is missing. */
export class CanvasUnavailableError extends OpticspaceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CANVAS_UNAVAILABLE', message, options);
  }
}

/** An HTTP request for checkpoint bytes failed (status, network, dropped connection). */
export class WeightFetchError extends OpticspaceError {
  readonly url: string;
  readonly status?: number;
  constructor(url: string, message: string, options?: { status?: number; cause?: unknown }) {
    super('WEIGHT_FETCH', `Fetching ${url} failed: ${message}`, { cause: options?.cause });
    this.url = url;
    this.status = options?.status;
  }
}

/** The server ignored the Range header (200 with the whole body) or answered with the wrong range. */
export class RangeNotSupportedError extends OpticspaceError {
  readonly url: string;
  constructor(url: string, message: string) {
    super('RANGE_NOT_SUPPORTED', `Range request to ${url} failed: ${message}`);
    this.url = url;
  }
}

/** A response body ended before the bytes it promised (connection dropped mid-body). */
export class TruncatedResponseError extends OpticspaceError {
  readonly url: string;
  constructor(url: string, expectedBytes: number, receivedBytes: number, options?: { cause?: unknown }) {
    super(
      'TRUNCATED_RESPONSE',
      `Response from ${url} ended after ${receivedBytes} of ${expectedBytes} bytes (connection dropped?)`,
      options,
    );
    this.url = url;
  }
}
