/** What HR asks for on an employee's page: a probation confirmation, a transfer or a termination. */
export type LifecycleAction = 'confirm' | 'transfer' | 'terminate'
