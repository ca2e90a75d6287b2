import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  base: '/',
  plugins: [vue()],
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
    },
  },
  server: {
    proxy: {
      '/graphql': {
        target: 'http://127.0.0.1:8000',
        changeOrigin: true,
      },
      // Exported report files (/reports/123), not the SPA's own /reports/… pages.
      '^/reports/\\d+(\\?.*)?$': {
        target: 'http://127.0.0.1:8000',
        changeOrigin: true,
      },
      // Archive uploads and downloads (/archive/upload, /archive/123).
      '^/archive/(upload|\\d+)(\\?.*)?$': {
        target: 'http://127.0.0.1:8000',
        changeOrigin: true,
      },
      // An employee's own record (/me/record.json, /me/record.xlsx), not the SPA's /me page.
      '^/me/record\\.(json|xlsx)(\\?.*)?$': {
        target: 'http://127.0.0.1:8000',
        changeOrigin: true,
      },
    },
  },
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 1500,
  },
})
