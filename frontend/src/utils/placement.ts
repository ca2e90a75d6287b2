/** The units (as a tree) and positions a form places someone in: adding an employee, a transfer. */
import { computed, type Ref } from 'vue'
import { useQuery } from '@urql/vue'
import { graphql } from '@/gql'
import { buildTree } from '@/utils/tree'

const PlacementOptionsQuery = graphql(`
  query PlacementOptions {
    orgUnits {
      id
      name
      parent {
        id
      }
    }
    positions {
      id
      title
      level
    }
  }
`)

/** Loaded only while `paused` is false (a closed dialog asks for nothing). */
export function usePlacementOptions(paused: Ref<boolean>) {
  const options = useQuery({ query: PlacementOptionsQuery, pause: paused })
  return {
    units: computed(() => options.data.value?.orgUnits ?? []),
    unitTree: computed(() => buildTree(options.data.value?.orgUnits ?? [])),
    positions: computed(() => options.data.value?.positions ?? []),
  }
}
