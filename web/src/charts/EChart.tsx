import { BarChart, LineChart } from 'echarts/charts';
import { DatasetComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import type { EChartsCoreOption } from 'echarts/core';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// Tree-shaken: only the chart types and components the workbench draws, rendered as SVG (crisp
// at any zoom, and its text is in the DOM). This module is loaded only by screens with charts.
echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  DatasetComponent,
  SVGRenderer,
]);

/**
 * One chart. `label` names it for screen readers; the same figures are always also in a table or
 * list beside it and downloadable as CSV, so nothing is only in the picture.
 */
export default function EChart(props: {
  option: EChartsCoreOption;
  label: string;
  height?: number;
  rtl?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'svg' });
    chart.setOption(props.option);
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [props.option]);
  return (
    <div
      ref={ref}
      className="chart"
      role="img"
      aria-label={props.label}
      style={{ height: props.height ?? 260 }}
    />
  );
}
