import type { Metadata } from 'next';
import { ConversationView } from '../../../../features/chat/conversation-view';

export const metadata: Metadata = { title: 'Chat' };

export default async function ConversationPage({ params }: { params: Promise<{ sessionId: string }> }) {
  const { sessionId } = await params;
  return <ConversationView key={sessionId} sessionId={sessionId} />;
}
