'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useState, type ReactNode } from 'react';
import { authClient } from '../../lib/auth-client';
import { useConnectivity } from '../../lib/connectivity';
import { applyTheme, readThemeChoice } from '../../lib/theme';
import { useLiveStatus, useRuntime } from './app-providers';
import { ChartIcon, ChatIcon, LogoMark, LogoutIcon, MemoryIcon, MoonIcon, PeopleIcon, SettingsIcon, SunIcon } from './icons';
import { ApiUnreachable } from './api-unreachable';
import { ClockIcon } from '../jobs/clock-icon';

const NAV = [
  { href: '/chat', label: 'Chat', Icon: ChatIcon },
  { href: '/people', label: 'People', Icon: PeopleIcon },
  { href: '/jobs', label: 'Jobs', Icon: ClockIcon },
  { href: '/usage', label: 'Usage', Icon: ChartIcon },
  { href: '/memory', label: 'Memory', Icon: MemoryIcon },
  { href: '/settings', label: 'Settings', Icon: SettingsIcon },
];

function ThemeToggle() {
  const [dark, setDark] = useState<boolean | null>(null);
  useEffect(() => setDark(document.documentElement.dataset.theme === 'dark'), []);
  useEffect(() => {
    // Follow the system while the user has not chosen.
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => {
      if (readThemeChoice() === 'system') {
        applyTheme('system');
        setDark(mq.matches);
      }
    };
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, []);
  const toggle = () => {
    const next = !(document.documentElement.dataset.theme === 'dark');
    applyTheme(next ? 'dark' : 'light');
    setDark(next);
  };
  return (
    <button type="button" className="rail-button" onClick={toggle} aria-label={dark ? 'Switch to light theme' : 'Switch to dark theme'} title={dark ? 'Light theme' : 'Dark theme'}>
      {dark ? <SunIcon /> : <MoonIcon />}
    </button>
  );
}

function LiveDot() {
  const status = useLiveStatus();
  const label = status === 'live' ? 'Live' : status === 'reconnecting' ? 'Reconnecting…' : status === 'connecting' ? 'Connecting…' : 'Offline';
  return (
    <span className={`live-dot live-dot--${status}`} role="status" aria-label={`Live updates: ${label}`} title={`Live updates: ${label}`}>
      <span className="live-dot__pip" aria-hidden />
    </span>
  );
}

/** The signed-in frame: navigation rail (a tab bar on phones), the page, and connectivity notices. */
export function AppShell({ children }: { children: ReactNode }) {
  const pathname = usePathname() ?? '';
  const { connectivity, recheck } = useRuntime();
  const conn = useConnectivity(connectivity);
  const status = useLiveStatus();

  const signOut = async () => {
    await authClient.signOut().catch(() => undefined);
    window.location.assign('/signin');
  };

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="rail" aria-label="Main">
        <Link href="/chat" className="rail__logo" aria-label="Switchboard home">
          <LogoMark size={22} />
        </Link>
        <ul className="rail__nav">
          {NAV.map(({ href, label, Icon }) => {
            const active = pathname === href || pathname.startsWith(href + '/');
            return (
              <li key={href}>
                <Link href={href} className={`rail__item${active ? ' is-active' : ''}`} aria-current={active ? 'page' : undefined}>
                  <Icon size={20} />
                  <span className="rail__label">{label}</span>
                </Link>
              </li>
            );
          })}
        </ul>
        <div className="rail__foot">
          <LiveDot />
          <ThemeToggle />
          <button type="button" className="rail-button" onClick={signOut} aria-label="Sign out" title="Sign out">
            <LogoutIcon />
          </button>
        </div>
      </nav>
      <main id="main" className="app__main" tabIndex={-1}>
        {status === 'reconnecting' && conn.state === 'ok' ? (
          <div className="banner banner--info" role="status">
            Live updates paused — reconnecting…
          </div>
        ) : null}
        {children}
      </main>
      {conn.state !== 'ok' ? <ApiUnreachable state={conn} onRetry={recheck} /> : null}
    </div>
  );
}
