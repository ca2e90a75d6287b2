import { client } from '@/urql'
import { graphql } from '@/gql'
import { session } from '@/auth'
import { attachmentName, saveBlob } from '@/utils/download'
import type { CellValue, Column, ExportFormat } from './types'

/** Any query renews an expired access token through the client's auth exchange. */
const KitSessionQuery = graphql(`
  query KitSession {
    me {
      role
    }
  }
`)

export function cellText<Row>(column: Column<Row>, row: Row): CellValue {
  if (column.value) return column.value(row)
  const raw = (row as Record<string, unknown>)[column.key]
  return typeof raw === 'string' || typeof raw === 'number' ? raw : raw == null ? null : String(raw)
}

export interface ExportProblem {
  field?: string | null
  message: string
  code?: string | null
}

/**
 * The rows as the screen shows them (the columns shown, each cell's text as shown) written out
 * by the server (POST /lists/export, which neutralises formulas and reads nothing itself), and
 * saved by the browser. Null when it worked, else the server's problem.
 */
export async function exportList<Row>(
  title: string,
  columns: Column<Row>[],
  rows: Row[],
  format: ExportFormat,
): Promise<ExportProblem | null> {
  const shown = columns.filter((c) => !c.noExport)
  const body = JSON.stringify({
    title,
    format,
    columns: shown.map((c) => c.label),
    rows: rows.map((row) => shown.map((c) => cellText(c, row) ?? null)),
  })
  const send = () =>
    fetch('/lists/export', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(session.accessToken ? { Authorization: `Bearer ${session.accessToken}` } : {}),
      },
      body,
      cache: 'no-store',
    })
  let response = await send()
  if (response.status === 401) {
    await client.query(KitSessionQuery, {}, { requestPolicy: 'network-only' }).toPromise()
    response = await send()
  }
  if (!response.ok) {
    const data = await response.json().catch(() => null)
    return data?.errors?.[0] ?? { message: `HTTP ${response.status}` }
  }
  saveBlob(await response.blob(), attachmentName(response, `${title}.${format}`))
  return null
}
