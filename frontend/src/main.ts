import { createApp } from 'vue'
import urql from '@urql/vue'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import App from './App.vue'
import { i18n } from './i18n'
import { router } from './router'
import { client } from './urql'
import './theme.css'
import './style.css'

createApp(App).use(i18n).use(router).use(ElementPlus).use(urql, client).mount('#app')
