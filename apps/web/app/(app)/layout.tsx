import type { ReactNode } from 'react';
import { AppProviders } from '../../features/shell/app-providers';
import { AppShell } from '../../features/shell/app-shell';

/** Every signed-in page: the query cache, the live subscription and the navigation. */
export default function SignedInLayout({ children }: { children: ReactNode }) {
  return (
    <AppProviders>
      <AppShell>{children}</AppShell>
    </AppProviders>
  );
}
