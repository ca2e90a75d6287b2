import { apiHeaders } from '@/auth'

/**
 * GET a file from the API with the access token the GraphQL calls carry (or POST a raw `body`,
 * as application/octet-stream). On a 401 (the token had just expired) `refresh` is awaited — any
 * GraphQL call through the client, whose auth exchange renews the tokens — and the request is
 * sent once more.
 */
export async function fetchWithToken(url: string, refresh: () => PromiseLike<unknown>, body?: Blob): Promise<Response> {
  const send = () =>
    fetch(url, {
      headers: body ? { ...apiHeaders(), 'Content-Type': 'application/octet-stream' } : apiHeaders(),
      cache: 'no-store',
      ...(body ? { method: 'POST', body } : {}),
    })
  let response = await send()
  if (response.status === 401) {
    await refresh()
    response = await send()
  }
  return response
}

/** The file name the server gave (Content-Disposition), or `fallback`. */
export function attachmentName(response: Response, fallback: string): string {
  const header = response.headers.get('content-disposition') ?? ''
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header)
  return match ? decodeURIComponent(match[1]) : fallback
}

/** Hand a blob to the browser as a download. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
