// Rebuilding the archive's index from its journal on open.

import type { Journal } from "../journal/journal.js";
import { ArchiveError } from "./errors.js";
import {
  type ArchiveRecord,
  type CheckpointRecord,
  decodeArchiveRecord,
  KIND_CHECKPOINT,
  KIND_FINALIZED,
  KIND_PROGRESS,
  KIND_SIGMA,
} from "./format.js";
import { HeightIndex, type Location } from "./height-index.js";

/**
 * Reads every record of the journal (a prefix of what was written: Journal.open already cut any
 * torn tail) and rebuilds the index and the list of committed checkpoints, oldest first. A record
 * that breaks the order the archive writes in is ARCHIVE_CORRUPT: the journal vouches that these
 * bytes were written, and the archive never writes them.
 */
export async function scanJournal(journal: Journal): Promise<{ index: HeightIndex; committed: CheckpointRecord[] }> {
  const index = new HeightIndex();
  const committed: CheckpointRecord[] = [];
  for await (const r of journal.records()) {
    replay(index, committed, decodeArchiveRecord(r.payload), { segment: r.segment, offset: r.offset, length: r.payload.length });
  }
  return { index, committed };
}

/** Applies one record found on open to the index, enforcing the order the archive writes in. */
function replay(index: HeightIndex, committed: CheckpointRecord[], rec: ArchiveRecord, at: Location): void {
  const corrupt = (reason: string) =>
    new ArchiveError("ARCHIVE_CORRUPT", `record at segment ${at.segment} offset ${at.offset}: ${reason}`, {
      height: BigInt(rec.height),
      reason,
    });
  switch (rec.kind) {
    case KIND_FINALIZED:
      if (rec.height !== index.tip + 1) throw corrupt(`finalized height ${rec.height} after tip ${index.tip}`);
      index.append(at);
      return;
    case KIND_SIGMA:
    case KIND_PROGRESS: {
      const part = rec.kind === KIND_SIGMA ? "sigma" : "progress";
      if (rec.height < 1 || rec.height > index.tip) throw corrupt(`${part} of height ${rec.height} before its block`);
      if (index.has(part, rec.height)) throw corrupt(`a second ${part} of height ${rec.height}`);
      index.set(part, rec.height, at);
      return;
    }
    case KIND_CHECKPOINT: {
      const last = committed.at(-1);
      if (rec.height > index.tip) throw corrupt(`checkpoint of height ${rec.height} above the tip ${index.tip}`);
      if (last && rec.height <= last.height) throw corrupt(`checkpoint of height ${rec.height} after one of ${last.height}`);
      committed.push({ height: rec.height, length: rec.length, hash: rec.hash.slice() });
    }
  }
}
