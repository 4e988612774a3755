package com.pb.synth.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run's disruptions did to capture, from the generator's and the watcher's own records: the
 * longest time the whole group captured nothing while a trade waited, the longest time one input
 * partition did (the failover time of its keys), and per chaos event (from {@code events.txt},
 * written by performance-test.sh) how long the group's assignment took to settle and the lowest
 * capture rate in the 30 s after it.
 */
final class Disruption {

    /** An event of the chaos driver: when (elapsed seconds of the measured run) and what. */
    record Event(double atSeconds, String label) {
    }

    /** A gap: how long, when it ended (elapsed seconds) and where (the partition, or "group"). */
    record Gap(long ms, double endedAtSeconds, String where) {
    }

    /** Waits at least this long are kept for the per-event view. */
    static final long LONG_MS = 500;

    private Disruption() {
    }

    static List<Event> events(Path file, long startMs) throws IOException {
        List<Event> events = new ArrayList<>();
        if (file == null || !Files.exists(file)) {
            return events;
        }
        for (String line : Files.readAllLines(file)) {
            String[] f = line.trim().split("\\s+", 2);
            if (f.length == 2) {
                events.add(new Event((Long.parseLong(f[0]) - startMs) / 1000.0, f[1]));
            }
        }
        return events;
    }

    /**
     * Walks the captured trades in capture order: a trade's wait without progress is from the later
     * of its intended send and the previous capture (of the group, or of its partition) to its own
     * capture. The longest such wait of the group, and of any one partition.
     */
    static Gap[] gaps(CaptureWatcher w, TradeMix mix, int from, int to, long startMs, List<Gap> long_) {
        int n = 0;
        long[] order = new long[Math.max(0, to - from)];
        for (int op = from; op < to; op++) {
            if (w.capturedAtMs(op) > 0) {
                order[n++] = op;
            }
        }
        Long[] boxed = new Long[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = order[i];
        }
        Arrays.sort(boxed, (a, b) -> Long.compare(w.capturedAtMs(a.intValue()), w.capturedAtMs(b.intValue())));
        Map<Integer, String> regionOf = regions(mix);
        Gap group = new Gap(0, 0, "group");
        Gap partition = new Gap(0, 0, "-");
        long prev = Long.MIN_VALUE;
        Map<String, Long> prevByPartition = new HashMap<>();
        for (Long boxedOp : boxed) {
            int op = boxedOp.intValue();
            long at = w.capturedAtMs(op);
            long intended = w.intendedMs(op);
            long waited = at - Math.max(prev, intended);
            if (waited > group.ms()) {
                group = new Gap(waited, (at - startMs) / 1000.0, "group");
            }
            if (waited >= LONG_MS) {
                long_.add(new Gap(waited, (at - startMs) / 1000.0, "group"));
            }
            prev = at;
            String p = regionOf.getOrDefault(op, "") + w.partitionOf(op);
            long waitedHere = at - Math.max(prevByPartition.getOrDefault(p, Long.MIN_VALUE), intended);
            if (waitedHere > partition.ms()) {
                partition = new Gap(waitedHere, (at - startMs) / 1000.0, "partition " + p);
            }
            if (waitedHere >= LONG_MS) {
                long_.add(new Gap(waitedHere, (at - startMs) / 1000.0, "partition " + p));
            }
            prevByPartition.put(p, at);
        }
        return new Gap[] {group, partition};
    }

    /** Op index -> "region:" for multi-region runs (partition numbers repeat per region's topic). */
    private static Map<Integer, String> regions(TradeMix mix) {
        Map<Integer, String> out = new HashMap<>();
        boolean multi = mix.keys().stream().map(k -> k.region).distinct().count() > 1;
        if (multi) {
            for (TradeMix.Key k : mix.keys()) {
                for (int op : k.ops) {
                    out.put(op, k.region + ":");
                }
            }
        }
        return out;
    }

    /** Per event: settle time of the assignment after it, and the capture rate's low in the 30 s after it. */
    static List<Map<String, Object>> perEvent(List<Event> events, List<LagSampler.Assignment> assignments,
                                              List<long[]> capturedPerSecond, List<Gap> longGaps, long startMs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            double next = i + 1 < events.size() ? events.get(i + 1).atSeconds() : Double.MAX_VALUE;
            double lastChange = -1;
            for (LagSampler.Assignment a : assignments) {
                double at = (a.atMs() - startMs) / 1000.0;
                if (at >= e.atSeconds() && at < next) {
                    lastChange = at;
                }
            }
            long low = Long.MAX_VALUE;
            for (int s = (int) Math.max(0, e.atSeconds()); s < Math.min(capturedPerSecond.size() - 1,
                    e.atSeconds() + 30); s++) {
                low = Math.min(low, capturedPerSecond.get(s)[0]);
            }
            long groupGap = 0, partitionGap = 0;
            for (Gap g : longGaps) {
                if (g.endedAtSeconds() >= e.atSeconds() && g.endedAtSeconds() < next) {
                    if (g.where().equals("group")) {
                        groupGap = Math.max(groupGap, g.ms());
                    } else {
                        partitionGap = Math.max(partitionGap, g.ms());
                    }
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("event", e.label());
            m.put("longestGroupGapMs", groupGap);
            m.put("longestPartitionGapMs", partitionGap);
            m.put("atSeconds", Math.round(e.atSeconds() * 10) / 10.0);
            m.put("assignmentSettledAfterSeconds", lastChange < 0 ? null : Math.round((lastChange - e.atSeconds()) * 10) / 10.0);
            m.put("lowestCapturedPerSecondNext30s", low == Long.MAX_VALUE ? null : low);
            out.add(m);
        }
        return out;
    }
}
