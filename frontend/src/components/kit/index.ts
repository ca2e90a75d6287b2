/** The shared kit of screens (docs/architecture.md, "Screens: the shared kit"). */
export { default as ListPage } from './ListPage.vue'
export { default as FormDialog } from './FormDialog.vue'
export { exportList, cellText } from './exportList'
export { mutationErrors } from './mutationErrors'
export type * from './types'
export { default as UnitTreeSelect } from './UnitTreeSelect.vue'
export { confirmThenRun } from './confirmThenRun'
export { useCursorPages } from './useCursorPages'
