import type { ExecutorStatus } from "@gpuc/sdk";
import { formatPercent } from "../lib/format.ts";

/** A provider's uptime per day: the heartbeat intervals its executor answered (the offer page and the dashboard). */
export function UptimeTable({ uptime }: { uptime: ExecutorStatus["uptime"] }) {
  return (
    <div className="table-wrap">
      <table data-testid="reliability-history">
        <caption>Heartbeat intervals answered, per day (UTC)</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col" className="num">
              Uptime
            </th>
            <th scope="col" className="num">
              Intervals
            </th>
          </tr>
        </thead>
        <tbody>
          {uptime.map((day) => (
            <tr key={day.day}>
              <td>{day.day}</td>
              <td className="num">{formatPercent(day.uptime)}</td>
              <td className="num">
                {day.intervals} of {day.expected}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
