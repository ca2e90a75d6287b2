import { computed, ref, watch, type Ref, type WatchSource } from 'vue'
import type { Pager } from './types'

interface Connection<Node> {
  totalCount: number
  pageInfo: { hasNextPage: boolean; endCursor?: string | null }
  edges: readonly { node: Node }[]
}

/**
 * Relay cursor pages for a ListPage: the `after` of the page shown and a stack of those before
 * it (back to the first page when `resetOn` changes, e.g. the filters), the `pager` to pass on,
 * and `all`, which walks every page from the start for an export (up to `max` rows).
 */
export function useCursorPages<Node>(options: {
  pageSize: number
  connection: Ref<Connection<Node> | null>
  resetOn: WatchSource
  fetchPage: (after: string | null, first: number) => Promise<Connection<Node>>
  max?: number
}) {
  const after = ref<string | null>(null)
  const previous = ref<(string | null)[]>([])
  watch(options.resetOn, () => {
    after.value = null
    previous.value = []
  })
  const pager = computed<Pager | null>(() => {
    const found = options.connection.value
    if (!found) return null
    const pageCount = Math.max(1, Math.ceil(found.totalCount / options.pageSize))
    return { page: previous.value.length + 1, pageCount, hasNext: found.pageInfo.hasNextPage }
  })
  function next() {
    const info = options.connection.value?.pageInfo
    if (!info?.hasNextPage || !info.endCursor) return
    previous.value = [...previous.value, after.value]
    after.value = info.endCursor
  }
  function prev() {
    if (!previous.value.length) return
    after.value = previous.value[previous.value.length - 1] ?? null
    previous.value = previous.value.slice(0, -1)
  }
  async function all(): Promise<Node[]> {
    const out: Node[] = []
    let cursor: string | null = null
    for (;;) {
      const found = await options.fetchPage(cursor, 100)
      out.push(...found.edges.map((e) => e.node))
      if (!found.pageInfo.hasNextPage || !found.pageInfo.endCursor || out.length >= (options.max ?? 10_000)) break
      cursor = found.pageInfo.endCursor
    }
    return out
  }
  return { after, pager, next, prev, all }
}
