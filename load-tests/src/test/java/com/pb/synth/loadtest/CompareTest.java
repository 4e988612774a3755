package com.pb.synth.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareTest {

    @TempDir
    Path dir;

    private String summary(String name, double rate, double cpu, boolean passed) throws Exception {
        Path f = dir.resolve(name + ".json");
        Files.writeString(f, "{\"sustainedPerSecond\":" + rate + ",\"serviceCpuSecondsPer1000Trades\":" + cpu
                + ",\"latencyMs\":{\"p99\":40},\"passed\":" + passed + ",\"failures\":[" + (passed ? "" : "\"3 lost\"") + "]}");
        return f.toString();
    }

    @Test
    void theRatioIsOfTheMediansOfEachSide() throws Exception {
        List<Compare.Run> a = Compare.runs(summary("a1", 10000, 0.2, true) + "," + summary("a2", 12000, 0.18, true)
                + "," + summary("a3", 11000, 0.19, true));
        List<Compare.Run> b = Compare.runs(summary("b1", 16500, 0.12, true) + "," + summary("b2", 99999, 0.01, true)
                + "," + summary("b3", 15000, 0.13, true));
        assertEquals(11000, Compare.median(a, Compare.Run::sustained));
        assertEquals(16500, Compare.median(b, Compare.Run::sustained));
        String table = Compare.table(a, b);
        assertTrue(table.contains("ratio B/A: throughput 1.500, cpu per trade 0.632"), table);
    }

    @Test
    void aRunThatFailedOrLeftNoSummaryIsMarkedAndHasNoFigures() throws Exception {
        List<Compare.Run> runs = Compare.runs(summary("x", 10000, 0.2, false) + ",failed:/tmp/A-1.log");
        assertFalse(runs.get(0).passed());
        assertFalse(runs.get(1).passed());
        assertTrue(Double.isNaN(runs.get(1).sustained()));
        assertEquals(10000, Compare.median(runs, Compare.Run::sustained));
        assertTrue(Compare.table(runs, runs).contains("FAILED [\"3 lost\"]"));
    }
}
