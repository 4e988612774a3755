package com.pb.synth.loadtest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reference data for runs over more keys than the demo data has: the extra books are created
 * through the admin API of one instance, then the run waits until every instance enriches with
 * that reference-data version (its {@code reference_data_version} gauge), so no trade of the run
 * is enriched against a snapshot without its book.
 */
final class ReferenceBooks {

    private static final Pattern VERSION = Pattern.compile("(?m)^reference_data_version\\{[^}]*} (\\S+)$");
    private static final String BODY = "{\"desk\":\"DELTA-ONE\",\"legalEntity\":\"PB-US-LLC\",\"status\":\"ACTIVE\"}";

    private ReferenceBooks() {
    }

    /**
     * @param api             an instance's HTTP base (http://127.0.0.1:18081)
     * @param token           a bearer token with the admin role
     * @param managementPorts every instance's management port (metrics)
     */
    static void ensure(List<String> books, String api, String token, List<Integer> managementPorts, Duration timeout)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (String book : books) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/reference/books/" + book))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + token).PUT(HttpRequest.BodyPublishers.ofString(BODY)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 && r.statusCode() != 201) {
                throw new IllegalStateException("book " + book + " refused: " + r.statusCode() + " " + r.body());
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
        System.out.printf("reference data: %d books created (%s … %s), version %d on %d instance(s)%n", books.size(),
                books.get(0), books.get(books.size() - 1), target, managementPorts.size());
    }

    private static long version(HttpClient http, int port) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = VERSION.matcher(r.body());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }
}
