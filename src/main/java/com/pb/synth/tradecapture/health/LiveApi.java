package com.pb.synth.tradecapture.health;

import com.pb.synth.tradecapture.metrics.LiveStats;
import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/** This instance's live capture state (the console's live panel). Role trade-capture.read. */
@Path("/api/v1/live")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "jwt")
public class LiveApi {

    private final LiveStats stats;
    private final SmallRyeHealthReporter health;

    public LiveApi(LiveStats stats, SmallRyeHealthReporter health) {
        this.stats = stats;
        this.health = health;
    }

    @GET
    @Operation(summary = "This instance's throughput and rejects a second (last 10 s), capture latency p50/p99 "
            + "(recent window), consumer lag, lock contention ratio (last 10 s), stalled partitions, the last "
            + "2 minutes' throughput, and its capture health (UP or DOWN, with the checks that are DOWN)")
    public Uni<LiveStats.Snapshot> live() {
        return health.getHealthGroupAsync(CaptureHealth.GROUP).map(h -> stats.now().with(capture(h)));
    }

    static LiveStats.Capture capture(SmallRyeHealth h) {
        List<String> failing = new ArrayList<>();
        JsonObject payload = h.getPayload();
        for (JsonValue check : payload.getJsonArray("checks")) {
            JsonObject c = check.asJsonObject();
            if (!"UP".equals(c.getString("status", "DOWN"))) {
                failing.add(c.getString("name", "?"));
            }
        }
        return new LiveStats.Capture(h.isDown() ? "DOWN" : "UP", failing);
    }
}
