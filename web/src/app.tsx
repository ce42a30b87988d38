import { lazy, Suspense } from "react";
import { Link, Route, Switch, useLocation } from "wouter";
import { Loading } from "./components/status.tsx";
import { MarketPage } from "./pages/market.tsx";
import { WalletButton } from "./wallet/wallet-button.tsx";

// The market is the first page: everything else loads when first visited, so the first page ships little.
const OfferPage = lazy(() => import("./pages/offer.tsx"));
const RentPage = lazy(() => import("./pages/rent.tsx"));
const InstancesPage = lazy(() => import("./pages/instances.tsx"));
const InstancePage = lazy(() => import("./pages/instance.tsx"));
const CreditPage = lazy(() => import("./pages/credit.tsx"));
const GetGpucPage = lazy(() => import("./pages/get-gpuc.tsx"));
const OrderPage = lazy(() => import("./pages/get-gpuc.tsx").then((page) => ({ default: page.OrderPage })));
const ProviderPage = lazy(() => import("./pages/provider.tsx"));
const AuditorPage = lazy(() => import("./pages/auditor.tsx"));

const NAV = [
  ["/", "Market"],
  ["/instances", "My instances"],
  ["/credit", "Wallet & credit"],
  ["/get-gpuc", "Get GPUC"],
  ["/provider", "Provider"],
  ["/auditor", "Auditor"],
] as const;

function Nav() {
  const [location] = useLocation();
  return (
    <nav aria-label="Main">
      <ul>
        {NAV.map(([href, label]) => {
          const current = href === "/" ? location === "/" : location.startsWith(href);
          return (
            <li key={href}>
              <Link href={href} aria-current={current ? "page" : undefined}>
                {label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

export function App() {
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link href="/" className="brand">
          GPUC
        </Link>
        <Nav />
        <WalletButton />
      </header>
      <main id="main">
        <Suspense fallback={<Loading what="the page" />}>
          <Switch>
            <Route path="/" component={MarketPage} />
            <Route path="/offers/:id">{(params) => <OfferPage id={params.id} />}</Route>
            <Route path="/rent/:gpuId">{(params) => <RentPage gpuId={params.gpuId} />}</Route>
            <Route path="/instances" component={InstancesPage} />
            <Route path="/instances/:id">{(params) => <InstancePage id={params.id} />}</Route>
            <Route path="/credit" component={CreditPage} />
            <Route path="/get-gpuc" component={GetGpucPage} />
            <Route path="/onramp/orders/:id">{(params) => <OrderPage id={params.id} />}</Route>
            <Route path="/provider" component={ProviderPage} />
            <Route path="/auditor" component={AuditorPage} />
            <Route>
              <h1>Page not found</h1>
              <p>
                Nothing lives here. <Link href="/">Browse GPUs</Link>.
              </p>
            </Route>
          </Switch>
        </Suspense>
      </main>
    </>
  );
}
