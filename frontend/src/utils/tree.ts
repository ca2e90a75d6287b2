export interface FlatNode {
  id: string
  parent?: { id: string } | null
}

export type TreeNode<T> = T & { children: TreeNode<T>[] }

/**
 * Build a forest from a flat list whose items name their parent.
 * Items whose parent is absent from the list (out of the viewer's scope) become roots.
 * The order of the input is kept among siblings.
 */
export function buildTree<T extends FlatNode>(items: readonly T[]): TreeNode<T>[] {
  const byId = new Map<string, TreeNode<T>>()
  for (const item of items) byId.set(item.id, { ...item, children: [] })
  const roots: TreeNode<T>[] = []
  for (const item of items) {
    const node = byId.get(item.id)!
    const parentId = item.parent?.id
    const parent = parentId !== undefined ? byId.get(parentId) : undefined
    if (parent && parent !== node) parent.children.push(node)
    else roots.push(node)
  }
  return roots
}
