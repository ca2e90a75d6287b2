/**
 * The shared kit's types (docs/architecture.md, "Screens: the shared kit"). A list page is a
 * column list; a form dialog is a field list over a typed model.
 */

/** A text as the viewer sees it in a cell (and in the exported file). */
export type CellValue = string | number | null | undefined

export interface Column<Row> {
  /** The row's property (when `value` is not given) and the cell's test id suffix. */
  key: string
  label: string
  /** The cell as shown (and exported); default `row[key]`. A slot `cell-<key>` may draw it richer. */
  value?: (row: Row) => CellValue
  sortable?: boolean
  /** What sorts (client-side sorting); default `value`. */
  sortValue?: (row: Row) => string | number | null | undefined
  width?: string
  minWidth?: string
  /** Codes, numbers, dates: tabular digits, never wrapped. */
  mono?: boolean
  /** Money: right-aligned, tabular digits, never broken mid-number. */
  amount?: boolean
  /** Left out of the export (action buttons). */
  noExport?: boolean
  /** The card's title on a phone (default: the first column). */
  primary?: boolean
}

export type SortOrder = 'asc' | 'desc'
export interface SortState {
  key: string
  order: SortOrder
}

/**
 * Why a list is empty, so that the empty state says so and what to do:
 * `none` — nothing exists yet; `filtered` — the filters hide everything;
 * `forbidden` — the viewer may not see these records.
 */
export type EmptyReason = 'none' | 'filtered' | 'forbidden'

/**
 * Why a page or panel (EmptyState) is empty: `forbidden` — the viewer may not see this unit,
 * period or page; `none` — nothing recorded yet; `notConfigured` — something must be set up
 * first; `noRecord` — the account has no employee record, so nothing of one's own.
 */
export type EmptyStateReason = 'forbidden' | 'none' | 'notConfigured' | 'noRecord'

/** Relay-style paging: pages with previous/next, or "load more" (emit `more`). */
export interface Pager {
  page: number
  pageCount: number
  hasNext: boolean
}

export type ExportFormat = 'xlsx' | 'csv'

/** One form field of a FormDialog (the model's key, a label, and how it is entered). */
export interface FormField {
  key: string
  label: string
  /**
   * 'datetime' is a wall-clock time without an offset ("2026-12-10T09:00:00"): the server reads
   * it in the zone the record is held in (a session's), never the browser's. Prefill it with
   * `wallClockInput` (utils/time.ts).
   */
  kind?: 'text' | 'textarea' | 'number' | 'date' | 'datetime' | 'select' | 'switch' | 'slot'
  required?: boolean
  /** What the required check says (default: "请填写<label>"). */
  requiredMessage?: string
  /** A format check in the browser; the server checks again. */
  pattern?: RegExp
  patternMessage?: string
  options?: { value: string | number; label: string }[]
  placeholder?: string
  maxlength?: number
  min?: number
  max?: number
  precision?: number
  hint?: string
  /** The input's test id (default `<form testid>-<key>`). */
  testid?: string
  /** Hidden when false (e.g. months only for a fixed-term contract). */
  visible?: boolean
  /** A select that may be emptied again (an optional choice). */
  clearable?: boolean
  /**
   * A check beyond `required` and `pattern` (an ID number's check digit): the message when the
   * value is wrong, else undefined. Runs on leaving the field and on submit (`typing` false), and
   * as the value changes (`typing` true: it may wait until the value is complete).
   */
  check?: (value: unknown, typing: boolean) => string | undefined
  /** In a `grid` form, the field takes the whole row (a table, a long text). */
  wide?: boolean
}

export interface FieldErrorLike {
  field?: string | null
  message: string
  code?: string | null
}
