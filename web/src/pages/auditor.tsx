export default function Page() {
  return <h1>auditor</h1>;
}
