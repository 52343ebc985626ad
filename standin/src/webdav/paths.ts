/** Mapping between request URLs under the mount and Vfs path segments. */

/** Segments of `url` below `baseUrl`, or null when the URL is outside the mount. */
export function urlToSegments(url: URL, baseUrl: URL): string[] | null {
  const base = baseUrl.pathname.replace(/\/?$/, '/');
  const pathname = url.pathname.replace(/\/?$/, '/');
  if (!pathname.startsWith(base)) return null;
  try {
    return pathname
      .slice(base.length)
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return null;
  }
}

export function segmentsToHref(segments: string[], collection: boolean): string {
  const encoded = segments.map((segment) => encodeURIComponent(segment)).join('/');
  return encoded + (collection && encoded !== '' ? '/' : '');
}

export function sameOrInside(inner: string[], outer: string[]): boolean {
  return inner.length >= outer.length && outer.every((segment, i) => inner[i] === segment);
}
