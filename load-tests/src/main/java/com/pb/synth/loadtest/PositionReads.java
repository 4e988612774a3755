package com.pb.synth.loadtest;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * {@code reads=true}: while the run sends, one client reads in turn the position (first page) of the
 * key with the most history, the position of a key with little, and a trade look-up on each — as
 * operators' consoles would. {@code reads.rate} paces them (reads per second, the four kinds together,
 * on a fixed schedule: a slow answer is not made up for by a burst); 0 reads back to back, which makes
 * the reader itself a good part of the box's load. Each read's latency goes into its HdrHistogram,
 * with the answer's size; a read that does not answer 200 counts as an error.
 */
final class PositionReads implements Runnable {

    private static final long MAX_MS = 60_000;

    /** One kind of read: its path and what it measured. */
    private static final class Read {
        final String name;
        final String path;
        final Histogram latency = new Histogram(MAX_MS, 3);
        long bytesMax;
        long bytesTotal;
        long errors;
        String lastError;

        Read(String name, String path) {
            this.name = name;
            this.path = path;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String api;
    private final String token;
    private final Read[] reads;
    private final long intervalNanos;
    private volatile boolean running = true;

    PositionReads(String api, String token, History.Stored history, double perSecond) {
        this.api = api;
        this.token = token;
        this.intervalNanos = perSecond > 0 ? (long) (1_000_000_000L / perSecond) : 0;
        this.reads = new Read[] {
            new Read("positionHot", position(history.hotKey())),
            new Read("positionCold", position(history.coldKey())),
            new Read("tradeHot", "/api/v1/trades/capture/" + enc(history.hotTradeId())),
            new Read("tradeCold", "/api/v1/trades/capture/" + enc(history.coldTradeId())),
        };
    }

    private static String position(String key) {
        String[] parts = key.split("_", 3);
        return "/api/v1/positions/" + enc(parts[0]) + "/" + enc(parts[1]) + "/" + enc(parts[2]);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Reads every kind back to back for {@code time}, measuring nothing: a JVM that has just started
     * runs its read code interpreted for a while (the first reads take up to a second, then tens of
     * milliseconds for ~15 s), which is not what a console meets on an instance that has run a day.
     */
    void warm(Duration time) throws InterruptedException {
        long until = System.nanoTime() + time.toNanos();
        int n = 0;
        while (System.nanoTime() < until) {
            for (Read r : reads) {
                try {
                    http.send(request(r), HttpResponse.BodyHandlers.discarding());
                    n++;
                } catch (java.io.IOException e) {
                    // the measured reads count errors; a warm-up read that fails is one less warm-up read
                }
            }
        }
        System.out.printf("reads warmed: %d reads in %d s%n", n, time.toSeconds());
    }

    private HttpRequest request(Read r) {
        return HttpRequest.newBuilder(URI.create(api + r.path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofMillis(MAX_MS)).build();
    }

    @Override
    public void run() {
        long next = System.nanoTime();
        while (running) {
            for (Read r : reads) {
                if (!running) {
                    return;
                }
                if (intervalNanos > 0) {
                    // pacing a client, not waiting for a condition: behind schedule, the next read goes at once
                    next += intervalNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    } else {
                        next = System.nanoTime();
                    }
                }
                long t0 = System.nanoTime();
                try {
                    HttpResponse<byte[]> answer = http.send(request(r), HttpResponse.BodyHandlers.ofByteArray());
                    long ms = Math.min(MAX_MS, Math.max(0, (System.nanoTime() - t0) / 1_000_000));
                    synchronized (r) {
                        if (answer.statusCode() == 200) {
                            r.latency.recordValue(ms);
                            r.bytesMax = Math.max(r.bytesMax, answer.body().length);
                            r.bytesTotal += answer.body().length;
                        } else {
                            r.errors++;
                            r.lastError = "HTTP " + answer.statusCode();
                        }
                    }
                } catch (java.io.IOException e) {
                    synchronized (r) {
                        r.errors++;
                        r.lastError = e.toString();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    void stop() {
        running = false;
    }

    /** Per read: count, errors, p50/p99/max latency (ms) and answer size (bytes, mean and max), for summary.json. */
    /** How long the correction of the key with the most history's first trade took to capture (-1: not measured). */
    private volatile long firstCorrectedMs = -1;
    private volatile long firstCorrectedLots = -1;
    private volatile long firstCorrectedReadMs = -1;
    private volatile long firstCorrectedBookedMs = -1;

    /**
     * The worst re-flow, once the run is verified: a correction (quantity 100 -> 60) of the first trade
     * of the key with the most history, sent on the input topic; the time until the API shows its
     * version 2 captured, and until the key's position read answers with it (the read books the key's
     * queued changes first, unless the booker has: every lot and relief after it is booked again).
     */
    void correctFirst(org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> producer, String topic,
                      History.Stored history) throws Exception {
        String id = history.hotTradeId();
        String[] p = history.hotKey().split("_", 3);
        String json = "{\"tradeId\":\"" + id + "\",\"accountId\":\"" + p[0] + "\",\"bookId\":\"" + p[1]
                + "\",\"securityId\":\"" + p[2] + "\",\"source\":\"AUTOMATED\",\"tradeDate\":\"2026-11-24\","
                + "\"tradeTimestamp\":\"2026-11-24T15:30:00Z\",\"counterpartyIds\":[\"CPTY-1\"],\"action\":\"CORRECT\","
                + "\"version\":2,\"side\":\"BUY\",\"tradeLots\":[{\"lotIdentifier\":[{\"identifier\":\"" + id
                + "-L1\",\"identifierType\":\"LOT_ID\"}],\"priceQuantity\":[{\"quantity\":[{\"value\":60,"
                + "\"unit\":{\"financialUnit\":\"Share\"}}],\"price\":[{\"value\":50.00,\"unit\":{\"currency\":\"USD\"}}]}]}]}";
        long t0 = System.nanoTime();
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, history.hotKey(),
                json.getBytes(StandardCharsets.UTF_8))).get();
        long deadline = System.currentTimeMillis() + 300_000;
        while (System.currentTimeMillis() < deadline) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/trades/capture/"
                    + enc(id))).header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 200 && answer.body().contains("\"version\":2")) {
                firstCorrectedMs = (System.nanoTime() - t0) / 1_000_000;
                long read = System.nanoTime();
                HttpResponse<String> position = http.send(HttpRequest.newBuilder(URI.create(api + position(history.hotKey())
                        + "?lotsLimit=1")).header("Authorization", "Bearer " + token).build(),
                        HttpResponse.BodyHandlers.ofString());
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"reliefCount\":(\\d+)").matcher(position.body());
                firstCorrectedLots = m.find() ? Long.parseLong(m.group(1)) : -1;
                firstCorrectedReadMs = (System.nanoTime() - read) / 1_000_000;
                firstCorrectedBookedMs = (System.nanoTime() - t0) / 1_000_000;
                return;
            }
            Thread.sleep(50);
        }
    }

    Map<String, Object> summary() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("readsPerSecond", intervalNanos == 0 ? "back to back" : Math.round(1e9 / intervalNanos));
        if (firstCorrectedMs >= 0) {
            out.put("firstTradeCorrectedMs", firstCorrectedMs);
            out.put("firstTradeCorrectedReadMs", firstCorrectedReadMs);
            out.put("firstTradeCorrectedBookedMs", firstCorrectedBookedMs);
            out.put("firstTradeCorrectedKeyReliefs", firstCorrectedLots);
        }
        for (Read r : reads) {
            synchronized (r) {
                Map<String, Object> m = new LinkedHashMap<>();
                long n = r.latency.getTotalCount();
                m.put("path", r.path);
                m.put("reads", n);
                m.put("errors", r.errors);
                m.put("lastError", r.lastError);
                m.put("p50Ms", n == 0 ? null : r.latency.getValueAtPercentile(50));
                m.put("p99Ms", n == 0 ? null : r.latency.getValueAtPercentile(99));
                m.put("maxMs", n == 0 ? null : r.latency.getMaxValue());
                m.put("bytesMean", n == 0 ? null : r.bytesTotal / n);
                m.put("bytesMax", r.bytesMax);
                out.put(r.name, m);
            }
        }
        return out;
    }
}
