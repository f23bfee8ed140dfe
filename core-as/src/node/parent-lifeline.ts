// A process its parent started with an IPC channel as a lifeline (a devnet's validators, the devnet
// and relay of `npm start`, a benchmark's relay): the channel closes when the parent is gone,
// however it went (kill -9, a crash), which no signal tells a child. Such a process stops then
// rather than run on with nobody to stop it (a crashed test process once left a devnet running).

/**
 * Calls `stop` once the parent's end of the IPC channel closes (at once if it already has); does
 * nothing without a channel. The channel is unref'd, so it never keeps the process alive by itself:
 * only for processes that use it for nothing else.
 */
export function stopWhenParentGone(stop: () => void): void {
  if (!process.channel) return;
  process.channel.unref();
  if (process.connected) process.once("disconnect", stop);
  else stop();
}
