import { GPUC_UNIT, type ProtocolTotals } from "@gpuc/sdk";
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

const HEIGHT = 220;
const HALF_DAY_S = 43_200;

// A float is fine for a plotted line; the table beside it has the exact amounts.
const gpuc = (units: string) => Number(units) / Number(GPUC_UNIT);

/** Provider pay and fees per day, in GPUC (loaded on its own, so uPlot ships only with this chart). */
export default function DaysChart({ days }: { days: ProtocolTotals["days"] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const data: uPlot.AlignedData = [
      days.map((day) => Date.parse(`${day.day}T00:00:00Z`) / 1000),
      days.map((day) => gpuc(day.providerGpuc)),
      days.map((day) => gpuc(day.fees)),
    ];
    const plot = new uPlot(
      {
        width: element.clientWidth,
        // The days are UTC days: their axis is too, or a day would straddle two dates east or west of Greenwich.
        tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC"),
        height: HEIGHT,
        series: [
          {},
          { label: "Paid to providers (GPUC)", stroke: "#0b5cad", width: 2, points: { show: true } },
          { label: "Fees (GPUC)", stroke: "#116b2f", width: 2, dash: [6, 4], points: { show: true } },
        ],
        axes: [{}, { size: 60 }],
        legend: { live: false },
      },
      data,
      element,
    );
    // Half a day either side: uPlot would stretch a single day's point over years of empty axis.
    const times = data[0];
    plot.setScale("x", { min: times[0]! - HALF_DAY_S, max: times[times.length - 1]! + HALF_DAY_S });
    // The chart follows the column's width (a phone turned, a window resized).
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [days]);
  return (
    <div
      ref={box}
      className="chart"
      role="img"
      aria-label="Chart of GPUC paid to providers and fees per day; the table below has the same figures"
    />
  );
}
