import type { ImportJobFieldsFragment, ImportKind, ImportKindsQuery, PreviewImportMutation } from '@/gql/graphql'

type T = (key: string, params?: Record<string, unknown>) => string
type Te = (key: string) => boolean

/** A kind's label from the catalogue (enums.importKind.*), else the kind itself: the server
 *  may offer kinds this build of the SPA has no text for yet. */
export function kindLabel(kind: ImportKind | string, t: T, te: Te): string {
  const key = `enums.importKind.${kind}`
  return te(key) ? t(key) : String(kind)
}

/** The wizard's shapes, as its documents fetch them. */
export type Preview = NonNullable<PreviewImportMutation['previewImport']['preview']>
export type PreviewColumn = Preview['values'][number]
export type ErrorGroup = ImportJobFieldsFragment['errorGroups'][number]
export type KindColumn = ImportKindsQuery['importKinds'][number]['columns'][number]
