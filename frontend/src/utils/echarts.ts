/**
 * ECharts, with only the pieces the app draws registered (line, bar, radar and funnel charts, marked
 * lines and areas, SVG output) to keep the bundle small. Import `VChart` from here, never the
 * whole of `echarts`.
 */
import { use } from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'
import { BarChart, FunnelChart, LineChart, RadarChart } from 'echarts/charts'
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
  FunnelChart,
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
import type { BarSeriesOption, FunnelSeriesOption, LineSeriesOption, RadarSeriesOption } from 'echarts/charts'
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
  | FunnelSeriesOption
  | RadarSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | MarkAreaComponentOption
  | MarkLineComponentOption
  | RadarComponentOption
  | TooltipComponentOption
>
