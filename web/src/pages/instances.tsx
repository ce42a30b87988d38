import type { MarketplaceClient } from "@gpuc/sdk";
import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { RequireSession } from "../components/require-session.tsx";
import { Empty, QueryView } from "../components/status.tsx";
import { keys } from "../lib/api.ts";
import { formatGpuc, formatTime } from "../lib/format.ts";
import { useInstanceStream } from "../lib/live.ts";

export default function InstancesPage() {
  return (
    <>
      <h1>My instances</h1>
      <RequireSession why="see your instances">
        {(client, address) => <InstanceList client={client} address={address} />}
      </RequireSession>
    </>
  );
}

function InstanceList({ client, address }: { client: MarketplaceClient; address: string }) {
  const query = useQuery({
    queryKey: keys.instances(address),
    queryFn: ({ signal }) => client.listInstances({ limit: 100 }, { signal }),
  });
  useInstanceStream(client);
  return (
    <QueryView query={query} what="your instances">
      {(page) =>
        page.items.length === 0 ? (
          <Empty>
            No instances yet. <Link href="/">Rent a GPU</Link>.
          </Empty>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Instance</th>
                  <th scope="col">State</th>
                  <th scope="col">Image</th>
                  <th scope="col" className="num">
                    Hours
                  </th>
                  <th scope="col" className="num">
                    Escrowed
                  </th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((instance) => (
                  <tr key={instance.id}>
                    <td>
                      <Link href={`/instances/${instance.id}`}>{instance.id.slice(0, 8)}</Link>
                    </td>
                    <td data-testid="instance-state">{instance.state}</td>
                    <td>
                      <code>{instance.image}</code>
                    </td>
                    <td className="num">{instance.hours}</td>
                    <td className="num">{formatGpuc(instance.amount)}</td>
                    <td>{formatTime(instance.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      }
    </QueryView>
  );
}
