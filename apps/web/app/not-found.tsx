import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="signin">
      <div className="signin__card">
        <h1>Page not found</h1>
        <p className="muted">There is nothing at this address.</p>
        <Link className="btn btn--primary" href="/chat">
          Go to your conversations
        </Link>
      </div>
    </div>
  );
}
