package com.pb.synth.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessSamplesTest {

    @TempDir
    Path dir;

    @Test
    void cpuInAWindowIsEachInstancesCounterInterpolatedAtBothEndsAndSummed() throws Exception {
        Path f = dir.resolve("rss.txt");
        Files.writeString(f, String.join("\n",
                // instance 1: 500 ms of CPU a second
                "1000 11 1000 2000", "2000 11 1100 2500", "3000 11 1200 3000", "4000 11 1300 3500",
                // instance 2 starts inside the window and uses 1,000 ms a second
                "2000 22 500 100", "3000 22 600 1100", "4000 22 700 2100",
                // an old sampler line without CPU is ignored for CPU
                "3500 33 400"));
        ProcessSamples p = ProcessSamples.read(f.toString());
        // 1.5 s to 3.5 s: instance 1 2250 -> 3250 (1,000), instance 2 from its first sample 100 -> 1600 (1,500)
        assertEquals(2500, p.cpuMs(1500, 3500));
        // past the last sample: the last value
        assertEquals(1500 + 2000, p.cpuMs(1000, 9000));
        // the largest instance per second: instance 3's 400 KiB at 2.5 s is below instance 1's
        assertEquals(Map.of(0L, 1000L, 1000L, 1100L, 2000L, 1200L, 3000L, 1300L), p.rssBySecond(1000));
    }

    @Test
    void withoutCpuSamplesThereIsNoFigure() throws Exception {
        Path f = dir.resolve("old.txt");
        Files.writeString(f, "1000 11 1000\n2000 11 1100\n");
        assertEquals(-1, ProcessSamples.read(f.toString()).cpuMs(0, 5000));
        assertEquals(-1, ProcessSamples.read(dir.resolve("none.txt").toString()).cpuMs(0, 5000));
    }
}
