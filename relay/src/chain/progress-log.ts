// The lines that show a relay catching up (`sync_progress`, `replay_progress`): every `every`
// heights while more than CATCHING_UP_HEIGHTS behind the tip, and once on reaching it. At the
// chain's pace, nothing: the log once said every other height there, five lines a second.

/** Heights behind the tip past which the relay is catching up (/readyz's default maxLag). */
export const CATCHING_UP_HEIGHTS = 8n;

export class ProgressLog {
  private last = 0n;
  private isAtTipLogged = false;

  constructor(
    private readonly say: (event: string, fields: { height: string; of: string }) => void,
    private readonly every: bigint,
  ) {}

  /** Counts from height 0 again (a replay that starts over). */
  restart(): void {
    this.last = 0n;
  }

  /** `height` was applied with the chain's tip at `tip`; logs `event` when a line is due. */
  note(height: bigint, tip: bigint, event: string): void {
    const isCatchingUp = tip - height > CATCHING_UP_HEIGHTS;
    if (isCatchingUp) this.isAtTipLogged = false;
    const isDue = isCatchingUp && height - this.last >= this.every;
    const reachedTip = !this.isAtTipLogged && height >= tip && tip > 0n;
    if (!isDue && !reachedTip) return;
    this.last = height;
    this.isAtTipLogged ||= height >= tip;
    this.say(event, { height: height.toString(), of: tip.toString() });
  }
}
