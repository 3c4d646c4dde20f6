import type { Channel } from '@switchboard/protocol';
import { channelLabel } from '../../lib/format';

export function ChannelBadge({ channel }: { channel: Channel }) {
  return <span className={`badge badge--${channel}`}>{channelLabel(channel)}</span>;
}
