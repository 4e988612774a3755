package com.pb.synth.loadtest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a {@code --profile} recording (instance-1.jfr) and prints where the CPU and the allocations
 * went: the methods most often on top of a sampled stack (self), the methods most often anywhere
 * in it (total), and the call sites allocating most bytes.
 * {@code java -cp load-tests/target/classes com.pb.synth.loadtest.ProfileSummary FILE.jfr [TOP] [FILTER]}
 * — FILTER keeps only the "total" lines whose method contains it (e.g. {@code com.pb.synth}).
 */
public final class ProfileSummary {

    private ProfileSummary() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        String filter = args.length > 2 ? args[2] : "";
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> total = new HashMap<>();
        Map<String, Long> allocated = new HashMap<>();
        long samples = 0;
        long bytes = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            RecordedStackTrace stack = e.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = stack.getFrames();
            if (type.equals("jdk.ExecutionSample")) {
                samples++;
                self.merge(name(frames.get(0)), 1L, Long::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame f : frames) {
                    String n = name(f);
                    if (seen.add(n)) {
                        total.merge(n, 1L, Long::sum);
                    }
                }
            } else if (type.equals("jdk.ObjectAllocationSample")) {
                long weight = e.getLong("weight");
                bytes += weight;
                String cls = e.getClass("objectClass").getName();
                allocated.merge(cls + " <- " + name(frames.get(0)) + (frames.size() > 1 ? " <- " + name(frames.get(1)) : ""),
                        weight, Long::sum);
            }
        }
        System.out.printf("%d execution samples%n%nself%n", samples);
        print(self, samples, top, "");
        System.out.printf("%ntotal%n");
        print(total, samples, top, filter);
        System.out.printf("%nallocation (%d MiB sampled weight)%n", bytes >> 20);
        print(allocated, bytes, top, "");
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static void print(Map<String, Long> counts, long of, int top, String filter) {
        counts.entrySet().stream().filter(e -> e.getKey().contains(filter))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(e -> System.out.printf("%6.2f%%  %s%n", 100.0 * e.getValue() / Math.max(1, of), e.getKey()));
    }
}
