import type { ProtocolTotals } from "@gpuc/sdk";
import { formatGpuc } from "../../lib/format.ts";
import { Empty } from "../status.tsx";

export function DaysTable({ days }: { days: ProtocolTotals["days"] }) {
  if (days.length === 0) return <Empty>No claims or settlements yet.</Empty>;
  return (
    <>
      {/* Beside the table, not its caption: a caption is as wide as the table and is cut off on a phone. */}
      <p className="muted" id="days-note">
        Per UTC day, from the indexed escrow spends
      </p>
      <div className="table-wrap">
        <table data-testid="days" aria-describedby="days-note">
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col" className="num">
                Claims
              </th>
              <th scope="col" className="num">
                Settlements
              </th>
              <th scope="col" className="num">
                Paid to providers
              </th>
              <th scope="col" className="num">
                Fees
              </th>
            </tr>
          </thead>
          <tbody>
            {days.map((day) => (
              <tr key={day.day}>
                <td>{day.day}</td>
                <td className="num">{day.claims}</td>
                <td className="num">{day.closes}</td>
                <td className="num">{formatGpuc(day.providerGpuc)}</td>
                <td className="num">{formatGpuc(day.fees)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
