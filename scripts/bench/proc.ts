/**
 * CPU and memory of processes from /proc (Linux). A service started by dev.sh leads its own
 * process group, so its usage is the sum over that group: right whether it runs as one node
 * process or under a launcher.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux this runs on
const PAGE_BYTES = 4096;

interface ProcStat {
  pid: number;
  pgrp: number;
  cpuSeconds: number;
  rssBytes: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return { pid, pgrp: Number(fields[2]), cpuSeconds: (utime + stime) / TICKS_PER_SECOND, rssBytes: Number(fields[21]) * PAGE_BYTES };
  } catch {
    return undefined; // the process is gone
  }
}

function allProcesses(): ProcStat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((s): s is ProcStat => s !== undefined);
}

export interface Usage {
  cpuSeconds: number;
  rssBytes: number;
}

/** CPU seconds and resident bytes of each process group, by name. */
export function usageOf(groups: Record<string, number>): Record<string, Usage> {
  const procs = allProcesses();
  return Object.fromEntries(
    Object.entries(groups).map(([name, pgid]) => {
      const members = procs.filter((p) => p.pgrp === pgid || p.pid === pgid);
      return [
        name,
        {
          cpuSeconds: members.reduce((sum, p) => sum + p.cpuSeconds, 0),
          rssBytes: members.reduce((sum, p) => sum + p.rssBytes, 0),
        },
      ];
    }),
  );
}

/** CPU seconds each group used between two snapshots. */
export function cpuBetween(before: Record<string, Usage>, after: Record<string, Usage>): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((name) => [name, after[name].cpuSeconds - (before[name]?.cpuSeconds ?? 0)]));
}

/** This process's own CPU seconds (the load generator). */
export function selfCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
