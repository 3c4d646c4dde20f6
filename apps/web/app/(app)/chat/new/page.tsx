import type { Metadata } from 'next';
import { NewConversation } from '../../../../features/chat/new-conversation';

export const metadata: Metadata = { title: 'New conversation' };

export default async function NewConversationPage({ searchParams }: { searchParams: Promise<{ project?: string }> }) {
  const { project } = await searchParams;
  return <NewConversation projectId={typeof project === 'string' ? project.slice(0, 200) : ''} />;
}
