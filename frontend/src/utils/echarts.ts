/**
 * ECharts, with only the pieces the app draws registered (line, bar and radar charts, marked
 * lines and areas, SVG output) to keep the bundle small. Import `VChart` from here, never the
 * whole of `echarts`.
 */
import { use } from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'
import { BarChart, LineChart, RadarChart } from 'echarts/charts'
import {
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  RadarComponent,
  TooltipComponent,
} from 'echarts/components'
import VChart from 'vue-echarts'

use([
  SVGRenderer,
  LineChart,
  BarChart,
  RadarChart,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  RadarComponent,
  TooltipComponent,
])

export { VChart }

import type { ComposeOption } from 'echarts/core'
import type { BarSeriesOption, LineSeriesOption, RadarSeriesOption } from 'echarts/charts'
import type {
  GridComponentOption,
  LegendComponentOption,
  MarkAreaComponentOption,
  MarkLineComponentOption,
  RadarComponentOption,
  TooltipComponentOption,
} from 'echarts/components'

export type ChartOption = ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | RadarSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | MarkAreaComponentOption
  | MarkLineComponentOption
  | RadarComponentOption
  | TooltipComponentOption
>
