import { computed, type Ref } from 'vue'
import { useQuery } from '@urql/vue'
import { graphql } from '@/gql'

const UnitOptionsQuery = graphql(`
  query KitUnitOptions {
    orgUnits {
      id
      name
      parent {
        id
      }
    }
  }
`)

/**
 * The units the viewer sees, as UnitTreeSelect takes them (`:units="units"`); asked for once
 * `pause` turns false (a dialog's `open`, say).
 */
export function useUnitOptions(pause?: Ref<boolean>) {
  const result = useQuery({ query: UnitOptionsQuery, pause })
  return computed(() => result.data.value?.orgUnits ?? [])
}
