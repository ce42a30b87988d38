import { useEffect, useRef } from "react";
import "uplot/dist/uPlot.min.css";

/** One series over time: x in unix seconds. */
export interface Series {
  readonly label: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
}

/**
 * A time-series chart (uPlot, loaded with the first chart shown, so pages without one do not ship it). The data
 * is also in the table beside it: the chart is decoration for sighted users (`aria-hidden`).
 */
export function TimeChart({ series, height = 180 }: { series: Series; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element || series.x.length === 0) return;
    let chart: { destroy(): void } | undefined;
    let cancelled = false;
    void import("uplot").then(({ default: UPlot }) => {
      if (cancelled) return;
      chart = new UPlot(
        {
          width: Math.max(280, element.clientWidth),
          height,
          series: [{}, { label: series.label, stroke: "#0b5cad", fill: "rgba(11,92,173,0.12)" }],
          axes: [{}, { size: 60 }],
          legend: { show: false },
        },
        [series.x as number[], series.y as number[]],
        element,
      );
    });
    return () => {
      cancelled = true;
      chart?.destroy();
    };
  }, [series, height]);
  return <div ref={box} aria-hidden="true" className="chart" />;
}
