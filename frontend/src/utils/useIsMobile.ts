import { onBeforeUnmount, ref } from 'vue'

/** Phone-sized viewport (the layout switches to a drawer menu and card lists). */
export const MOBILE_QUERY = '(max-width: 768px)'

export function useIsMobile() {
  const media = window.matchMedia(MOBILE_QUERY)
  const isMobile = ref(media.matches)
  const update = (e: MediaQueryListEvent) => {
    isMobile.value = e.matches
  }
  media.addEventListener('change', update)
  onBeforeUnmount(() => media.removeEventListener('change', update))
  return isMobile
}
