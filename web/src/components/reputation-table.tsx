import type { Reputation } from "@gpuc/sdk";
import { formatPercent } from "../lib/format.ts";

/**
 * A provider's reputation and its parts per UTC day, newest first: the evidence the score is computed from
 * (heartbeats, rentals by how they ended, benchmark challenges, disputes), so a reader can check it.
 */
export function ReputationTable({ reputation }: { reputation: Reputation }) {
  const days = [...reputation.days].reverse();
  return (
    <>
      <p data-testid="reputation-score">
        Reputation {formatPercent(reputation.score)} over the last {reputation.days.length} day
        {reputation.days.length === 1 ? "" : "s"}.
      </p>
      <div className="table-wrap">
        <table data-testid="reputation-history">
          <caption>Reputation evidence, per day (UTC)</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col" className="num">
                Score
              </th>
              <th scope="col" className="num">
                Heartbeats
              </th>
              <th scope="col" className="num">
                Rentals ok / failed
              </th>
              <th scope="col" className="num">
                Challenges passed / failed
              </th>
              <th scope="col" className="num">
                Disputes lost
              </th>
            </tr>
          </thead>
          <tbody>
            {days.map((day) => (
              <tr key={day.day}>
                <td>{day.day}</td>
                <td className="num">{formatPercent(day.score)}</td>
                <td className="num">
                  {day.heartbeatsReceived} of {day.heartbeatsExpected}
                </td>
                <td className="num">
                  {day.rentalsCompleted} / {day.rentalsFailed}
                </td>
                <td className="num">
                  {day.challengesPassed} / {day.challengesFailed}
                </td>
                <td className="num">{day.disputesLost}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
