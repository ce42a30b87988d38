export default function Page() {
  return <h1>credit</h1>;
}
