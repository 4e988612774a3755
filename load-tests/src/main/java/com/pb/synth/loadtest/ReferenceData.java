package com.pb.synth.loadtest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reference data a run needs beyond what its store holds, written through the admin API of one
 * instance: the books of runs over more keys than the demo data has, and on a store without the demo
 * data (a SQL Server one: production has no demo data) the demo securities, accounts and books
 * themselves, as the PostgreSQL demo migration defines them. The run then waits until every instance
 * enriches with that reference-data version (its {@code reference_data_version} gauge), so no trade
 * of the run is enriched against a snapshot without them.
 */
final class ReferenceData {

    private static final Pattern VERSION = Pattern.compile("(?m)^reference_data_version\\{[^}]*} (\\S+)$");
    private static final String[] LEGAL_ENTITIES = {"PB-US-LLC", "PB-EU-SA", "PB-APAC-PTE"};
    private static final String[] DESKS = {"DELTA-ONE", "SWAPS-FLOW", "PROGRAM-TRADING"};

    /** One entity to write: its path under /api/v1/reference and its JSON body. */
    record Put(String path, String body) {
    }

    private ReferenceData() {
    }

    /** The demo securities, accounts (ACC-020 not straight-through) and books of the PostgreSQL demo migration. */
    static List<Put> demo() {
        List<Put> puts = new ArrayList<>();
        for (String isin : TradeMix.SECURITIES) {
            puts.add(new Put("securities/" + isin, "{\"isin\":\"" + isin + "\",\"currency\":\"" + TradeMix.currency(isin)
                    + "\",\"assetClass\":\"EQUITY\",\"status\":\"ACTIVE\"}"));
        }
        for (int n = 1; n <= TradeMix.ACCOUNTS; n++) {
            puts.add(new Put(String.format("accounts/ACC-%03d", n), "{\"legalEntity\":\"" + LEGAL_ENTITIES[(n - 1) % 3]
                    + "\",\"region\":\"" + TradeMix.REGIONS[(n - 1) % 3] + "\",\"spreadBps\":" + (25 + 5 * n)
                    + ",\"tenorMonths\":12,\"resetFrequency\":\"MONTHLY\",\"straightThrough\":" + (n != TradeMix.ACCOUNTS)
                    + ",\"status\":\"ACTIVE\"}"));
        }
        for (int n = 1; n <= TradeMix.DEMO_BOOKS; n++) {
            puts.add(book(String.format("BOOK-%02d", n), DESKS[(n - 1) % 3]));
        }
        return puts;
    }

    /** Books beyond the demo ones. */
    static List<Put> books(List<String> books) {
        return books.stream().map(b -> book(b, DESKS[0])).toList();
    }

    private static Put book(String id, String desk) {
        return new Put("books/" + id, "{\"desk\":\"" + desk + "\",\"legalEntity\":\"PB-US-LLC\",\"status\":\"ACTIVE\"}");
    }

    /**
     * @param api             an instance's HTTP base (http://127.0.0.1:18081)
     * @param token           a bearer token with the admin role
     * @param managementPorts every instance's management port (metrics)
     */
    static void ensure(List<Put> puts, String api, String token, List<Integer> managementPorts, Duration timeout)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (Put put : puts) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/reference/" + put.path()))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + token).PUT(HttpRequest.BodyPublishers.ofString(put.body())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 && r.statusCode() != 201) {
                throw new IllegalStateException(put.path() + " refused: " + r.statusCode() + " " + r.body());
            }
        }
        // the instance that took the writes reloaded before answering: its version is the one to reach
        long target = version(http, managementPorts.get(0));
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int port : managementPorts) {
            while (version(http, port) < target) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the instance on management port " + port + " did not load "
                            + "reference data version " + target + " within " + timeout);
                }
                Thread.sleep(200); // polling a condition, with the deadline above
            }
        }
        System.out.printf("reference data: %d written (%s … %s), version %d on %d instance(s)%n", puts.size(),
                puts.get(0).path(), puts.get(puts.size() - 1).path(), target, managementPorts.size());
    }

    private static long version(HttpClient http, int port) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = VERSION.matcher(r.body());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }
}
